import ConnectAPI
import Testing

@testable import ConnectRuntime

/// The herder's answers as Kafka Connect's REST entities serialise them, byte for byte.
@Suite struct ConnectEntitiesTests {
    func text(_ v: JSONValue) -> String { JSONWriter.string(v) }

    @Test func connectorInfoListsItsTasksAndType() {
        let info = ConnectorInfo(
            name: "f", config: [("connector.class", "FileStreamSink"), ("topics", "t")],
            tasks: [ConnectorTaskId("f", 0), ConnectorTaskId("f", 1)], type: .sink)
        #expect(
            text(info.json)
                == #"{"name":"f","config":{"connector.class":"FileStreamSink","topics":"t"},"tasks":[{"connector":"f","task":0},{"connector":"f","task":1}],"type":"sink"}"#
        )
        let uninstalled = ConnectorInfo(name: "g", config: [], tasks: [], type: nil)
        #expect(text(uninstalled.json) == #"{"name":"g","config":{},"tasks":[],"type":"unknown"}"#)
    }

    @Test func taskInfoHasItsIdAndConfig() {
        let task = TaskInfo(id: ConnectorTaskId("f", 2), config: [("file", "/tmp/x")])
        #expect(text(task.json) == #"{"id":{"connector":"f","task":2},"config":{"file":"/tmp/x"}}"#)
    }

    @Test func statusShowsATraceOnlyWhenThereIsOne() {
        let running = StatusRecord(state: .running, trace: "", workerId: "w:8083", generation: 1)
        let failed = StatusRecord(state: .failed, trace: "boom", workerId: "w:8083", generation: 1)
        let status = ConnectorStateInfo(
            name: "f", connector: .init(running), tasks: [.init(id: 0, state: .init(failed))], type: .source)
        #expect(
            text(status.json)
                == #"{"name":"f","connector":{"state":"RUNNING","worker_id":"w:8083"},"tasks":[{"id":0,"state":"FAILED","worker_id":"w:8083","trace":"boom"}],"type":"source"}"#
        )
    }

    @Test func offsetsArePartitionOffsetPairs() {
        let offsets = ConnectorOffsets(offsets: [
            .init(partition: [("kafka_topic", "t"), ("kafka_partition", .int(0))], offset: [("kafka_offset", .int(5))])
        ])
        #expect(
            text(offsets.json)
                == #"{"offsets":[{"partition":{"kafka_topic":"t","kafka_partition":0},"offset":{"kafka_offset":5}}]}"#)
    }
}

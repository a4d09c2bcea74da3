import ConnectAPI
import Testing

@testable import ConnectRuntime

@Suite struct InternalRecordTests {
    @Test func configRecordValuesMatchKafkaConnect() {
        #expect(String(decoding: ConfigRecords.commitValue(tasks: 3), as: UTF8.self) == #"{"tasks":3}"#)
        #expect(
            String(decoding: ConfigRecords.targetStateValue(.stopped), as: UTF8.self)
                == #"{"state":"PAUSED","state.v2":"STOPPED"}"#)
        #expect(
            String(decoding: ConfigRecords.targetStateValue(.started), as: UTF8.self)
                == #"{"state":"STARTED","state.v2":"STARTED"}"#)
        #expect(
            String(decoding: ConfigRecords.restartValue(includeTasks: true, onlyFailed: false), as: UTF8.self)
                == #"{"include-tasks":true,"only-failed":false}"#)
        let status = StatusRecord(state: .running, trace: nil, workerId: "10.0.0.5:8083", generation: 7)
        #expect(
            String(decoding: status.json, as: UTF8.self)
                == #"{"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":7}"#)
    }

    @Test func taskConfigsApplyOnlyWhenCommitted() {
        var s = ConfigSnapshot()
        let props = Array(#"{"properties":{"a":"1"}}"#.utf8)
        _ = ConfigRecords.apply(key: "connector-c", value: props, offset: 0, to: &s)
        _ = ConfigRecords.apply(key: "task-c-0", value: props, offset: 1, to: &s)
        #expect(s.taskConfigs["c"] == nil)
        _ = ConfigRecords.apply(key: "commit-c", value: Array(#"{"tasks":2}"#.utf8), offset: 2, to: &s)
        #expect(s.inconsistent.contains("c"))  // task-c-1 never arrived
        _ = ConfigRecords.apply(key: "task-c-0", value: props, offset: 3, to: &s)
        _ = ConfigRecords.apply(key: "task-c-1", value: props, offset: 4, to: &s)
        _ = ConfigRecords.apply(key: "commit-c", value: Array(#"{"tasks":2}"#.utf8), offset: 5, to: &s)
        #expect(s.taskConfigs["c"]?.count == 2)
        #expect(!s.inconsistent.contains("c"))
        // Names with dashes: the task number is the last segment.
        _ = ConfigRecords.apply(key: "task-my-conn-0", value: props, offset: 6, to: &s)
        _ = ConfigRecords.apply(key: "commit-my-conn", value: Array(#"{"tasks":1}"#.utf8), offset: 7, to: &s)
        #expect(s.taskConfigs["my-conn"]?.count == 1)
    }

    @Test func targetStatePrefersV2AndTombstonesDelete() {
        var s = ConfigSnapshot()
        _ = ConfigRecords.apply(
            key: "target-state-c", value: ConfigRecords.targetStateValue(.stopped), offset: 0, to: &s)
        #expect(s.targetState("c") == .stopped)
        _ = ConfigRecords.apply(key: "connector-c", value: Array(#"{"properties":{}}"#.utf8), offset: 1, to: &s)
        _ = ConfigRecords.apply(key: "connector-c", value: nil, offset: 2, to: &s)
        #expect(s.connectorConfigs["c"] == nil)
        #expect(s.targetState("c") == .started)
    }
}

import ConnectAPI
import ConnectTestKit
import Foundation
import Testing

@testable import FileStreamConnectors

/// Kafka's FileStream connectors' own test cases, through ConnectTestKit (facts carried over from
/// apache/kafka connect/file/src/test/java/org/apache/kafka/connect/file/*Test.java).
@Suite struct FileStreamConnectorTests {
    let dir: String
    let allowed: AllowedPaths

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("filestream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        allowed = AllowedPaths(roots: [dir])
    }

    var source: ConnectorHarness { ConnectorHarness(FileStreamSourceConnector.plugin(allowedPaths: allowed)) }
    var sink: ConnectorHarness { ConnectorHarness(FileStreamSinkConnector.plugin(allowedPaths: allowed)) }

    /// Appends to a file as a writer process would.
    func append(_ path: String, _ text: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    func emptyFile(_ name: String) -> String {
        let path = "\(dir)/\(name)"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return path
    }

    // FileStreamSourceTaskTest.java testNormalLifecycle
    @Test func sourceReadsLinesWithEveryLineEndingAndTheirPositions() async throws {
        let path = emptyFile("in.txt")
        let h = source
        let task = try await h.sourceTask(try await h.taskConfigs(["file": path, "topic": "test"])[0])
        #expect(try await task.poll().isEmpty)
        try append(path, "partial line")
        #expect(try await task.poll().isEmpty)
        try append(path, " finished\n")
        var records = try await task.poll()
        #expect(records.map(\.value) == [.string("partial line finished")])
        #expect(records.map(\.topic) == ["test"])
        #expect(records[0].sourcePartition == ["filename": .string(path)])
        #expect(records[0].sourceOffset == ["position": .int(22)])
        #expect(try await task.poll().isEmpty)
        // \r, \r\n and \n end lines; a final \r waits for the next byte.
        try append(path, "line1\rline2\r\nline3\nline4\n\r")
        records = try await task.poll()
        #expect(records.map(\.value) == ["line1", "line2", "line3", "line4"].map { .string($0) })
        #expect(records.map(\.sourceOffset) == [28, 35, 41, 47].map { ["position": .int($0)] })
        try append(path, "subsequent text")
        records = try await task.poll()
        #expect(records.map(\.value) == [.string("")])
        #expect(records[0].sourceOffset == ["position": .int(48)])
        await task.stop()
    }

    // FileStreamSourceTaskTest.java testBatchSize
    @Test func sourcePollsReturnFullBatches() async throws {
        let path = emptyFile("batch.txt")
        let line = "Neque porro quisquam est qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit...\n"
        try append(path, String(repeating: line, count: 10_000))
        let task = try await source.sourceTask(["file": path, "topic": "test", "batch.size": "5000"])
        #expect(try await task.poll().count == 5000)
        #expect(try await task.poll().count == 5000)
        await task.stop()
    }

    // FileStreamSourceTaskTest.java testBufferResize: lines longer than the read buffer come whole.
    @Test func sourceLinesLongerThanOneReadComeWhole() async throws {
        let path = emptyFile("long.txt")
        let long = String(repeating: "*", count: 200_000)
        try append(path, long + "\n" + "9       \n")
        let task = try await source.sourceTask(["file": path, "topic": "test"])
        let records = try await task.poll(atLeast: 2)
        #expect(records.map(\.value) == [.string(long), .string("9       ")])
        await task.stop()
    }

    // FileStreamSourceTaskTest.java testInvalidFile: a missing file gives no data, and no failure.
    @Test func sourceWaitsForAMissingFile() async throws {
        let path = "\(dir)/not-yet.txt"
        let task = try await source.sourceTask(["file": path, "topic": "test"])
        for _ in 0..<3 { #expect(try await task.poll().isEmpty) }
        _ = FileManager.default.createFile(atPath: path, contents: Data("late\n".utf8))
        #expect(try await task.poll().map(\.value) == [.string("late")])
        await task.stop()
    }

    /// A task started again resumes after the last committed line (Kafka's offset commit, then restart).
    @Test func sourceResumesFromTheCommittedPosition() async throws {
        let path = emptyFile("resume.txt")
        try append(path, "a\nb\nc\n")
        let h = source
        let first = try await h.sourceTask(["file": path, "topic": "test"])
        let records = try await first.poll()
        try await first.acknowledge(Array(records.prefix(2)))
        try await first.commitOffsets()
        await first.stop()
        #expect(h.offsets.all == [["filename": .string(path)]: ["position": .int(4)]])
        let second = try await h.sourceTask(["file": path, "topic": "test"])
        #expect(try await second.poll().map(\.value) == [.string("c")])
        await second.stop()
    }

    // FileStreamSourceConnectorTest.java testSourceTasks, testSourceTasksStdin
    @Test func sourceConnectorMakesOneTask() async throws {
        let config = ["topic": "test", "file": "\(dir)/somefilename"]
        for maxTasks in [1, 2] {
            let configs = try await source.taskConfigs(config, maxTasks: maxTasks)
            #expect(configs.count == 1)
            #expect(configs[0]["file"] == "\(dir)/somefilename" && configs[0]["topic"] == "test")
        }
        let stdin = try await source.taskConfigs(["topic": "test"])
        #expect(stdin.count == 1 && stdin[0]["file"] == nil)
    }

    // FileStreamSourceConnectorTest.java testConnectorConfigValidation, testMultipleSourcesInvalid,
    // testMissingTopic, testBlankTopic, testInvalidBatchSize
    @Test func sourceConnectorRefusesBadConfigs() async throws {
        let good = ["topic": "test", "file": "\(dir)/somefilename"]
        #expect(source.validate(good).isEmpty)
        for bad in [
            good.merging(["topic": "test1,test2"]) { $1 }, good.filter { $0.key != "topic" },
            good.merging(["topic": "     "]) { $1 }, good.merging(["batch.size": "abcd"]) { $1 },
        ] {
            await #expect(throws: (any Error).self) { _ = try await source.taskConfigs(bad) }
            #expect(!source.validate(bad).isEmpty)
        }
        // Tributary: files outside filestream.allowed.paths are refused too.
        #expect(source.validate(["topic": "t", "file": "/etc/passwd"])["file"]?.isEmpty == false)
    }

    // FileStreamSinkTaskTest.java testStart (testPutFlush writes the same to a stream)
    @Test func sinkAppendsEachRecordAsALineAndFlushesOnCommit() async throws {
        let path = "\(dir)/connect.output"
        let partitions = [TopicPartition("topic1", 0), TopicPartition("topic2", 0)]
        let task = try await sink.sinkTask(["file": path, "topics": "topic1,topic2"], partitions: partitions)
        let string = Schema(type: .string)
        func record(_ topic: String, _ value: String, _ offset: Int64) -> SinkRecord {
            SinkRecord(
                topic: topic, kafkaPartition: 0, kafkaOffset: offset, keySchema: nil, key: .null, valueSchema: string,
                value: .string(value), timestamp: nil)
        }
        try await task.put([record("topic1", "line0", 1)])
        #expect(try await task.commit() == [TopicPartition("topic1", 0): 2])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "line0\n")
        try await task.put([record("topic1", "line1", 2), record("topic2", "line2", 1)])
        try await task.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "line0\nline1\nline2\n")
        #expect(task.committed == [TopicPartition("topic1", 0): 3, TopicPartition("topic2", 0): 2])
        try await task.stop()
    }

    /// Values of every kind are written as Java's toString writes them (JSON maps and lists included).
    @Test func sinkWritesSchemalessJsonAsJavaStrings() async throws {
        let path = "\(dir)/json.output"
        let task = try await sink.sinkTask(["file": path, "topics": "t"], partitions: [TopicPartition("t", 0)])
        try await task.put(try SinkRecords.json(topic: "t", [#"{"a":1,"b":[true,null]}"#, "3.5", #""s""#]))
        try await task.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{a=1, b=[true, null]}\n3.5\ns\n")
        try await task.stop()
    }
}

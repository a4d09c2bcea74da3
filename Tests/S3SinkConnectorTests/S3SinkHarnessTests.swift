import AWSAuth
import ConnectAPI
import ConnectTestKit
import CurlClient
import Foundation
import Testing

@testable import S3SinkConnector

/// The S3 sink task through ConnectTestKit against the local S3 server (dev/services.sh; in CI a
/// missing server fails the suite). Facts from confluentinc/kafka-connect-storage-cloud
/// kafka-connect-s3/src/test/java/io/confluent/connect/s3/{S3SinkTaskTest.java,TopicPartitionWriterTest.java}.
@Suite(.serialized) struct S3SinkHarnessTests {
    /// A bucket of its own per test, through the sink's own signed client.
    struct Bucket {
        let name = "kit-\(UUID().uuidString.prefix(8).lowercased())"
        let storage: S3Storage

        init() throws {
            storage = try S3Storage(
                bucket: name, endpoint: try ServiceEnvironment.value("S3_ENDPOINT"), pathStyle: true,
                region: "us-east-1",
                credentials: StaticCredentialsProvider(
                    AWSCredentials(
                        accessKeyId: try ServiceEnvironment.value("AWS_ACCESS_KEY_ID"),
                        secretAccessKey: try ServiceEnvironment.value("AWS_SECRET_ACCESS_KEY"))),
                retry: RetryPolicy(attempts: 1), log: { _ in })
        }

        func create() async throws {
            let r = try await storage.send(HTTPRequest(method: "PUT", url: storage.url(key: "")), what: "CreateBucket")
            #expect(r.status == 200)
        }

        /// Every key, sorted.
        func keys() async throws -> [String] {
            let r = try await storage.send(
                HTTPRequest(method: "GET", url: storage.url(key: "", query: "list-type=2")), what: "ListObjectsV2")
            return r.bodyText.split(separator: "<Key>").dropFirst().map { String($0.prefix { $0 != "<" }) }.sorted()
        }

        func object(_ key: String) async throws -> String {
            try await storage.send(HTTPRequest(method: "GET", url: storage.url(key: key)), what: "GetObject").bodyText
        }
    }

    func config(_ bucket: Bucket, _ extra: [String: String] = [:]) throws -> [String: String] {
        [
            "topics": "test-topic", "s3.bucket.name": bucket.name,
            "store.url": try ServiceEnvironment.value("S3_ENDPOINT"),
            "s3.region": "us-east-1", "aws.access.key.id": try ServiceEnvironment.value("AWS_ACCESS_KEY_ID"),
            "aws.secret.access.key": try ServiceEnvironment.value("AWS_SECRET_ACCESS_KEY"),
            "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
            "storage.class": "io.confluent.connect.s3.storage.S3Storage", "flush.size": "3",
        ].merging(extra) { $1 }
    }

    // S3SinkTaskTest.java testWriteRecord; TopicPartitionWriterTest.java testWriteRecordDefaultWithPadding:
    // flush.size records per object, named topics/<topic>/partition=<p>/<topic>+<p>+<start offset, 10 digits>,
    // and only written records' offsets committed.
    @Test func objectsHoldFlushSizeRecordsAndCommitsFollowThem() async throws {
        let bucket = try Bucket()
        try await bucket.create()
        let h = ConnectorHarness(S3SinkConnector.plugin)
        #expect(h.validate(try config(bucket)).isEmpty)
        let partitions = [TopicPartition("test-topic", 12)]
        let task = try await h.sinkTask(try await h.taskConfigs(try config(bucket))[0], partitions: partitions)
        let values = (0..<7).map { #"{"id":\#($0)}"# }
        try await task.put(try SinkRecords.json(topic: "test-topic", partition: 12, values))
        #expect(try await task.commit() == [TopicPartition("test-topic", 12): 6])
        #expect(
            try await bucket.keys() == [
                "topics/test-topic/partition=12/test-topic+12+0000000000.json",
                "topics/test-topic/partition=12/test-topic+12+0000000003.json",
            ])
        #expect(
            try await bucket.object("topics/test-topic/partition=12/test-topic+12+0000000003.json")
                == "{\"id\":3}\n{\"id\":4}\n{\"id\":5}\n")
        // The seventh record waits for two more; stopping abandons it (it is read again after a restart).
        try await task.stop()
        #expect(try await bucket.keys().count == 2)
    }

    /// A batch whose schema changes and changes back, in each format: every change commits the files
    /// (schema.compatibility=NONE), and records of the same schema in a row take the writer's in-place
    /// path, whose state the changes must reset.
    @Test(arguments: [
        ("io.confluent.connect.s3.format.json.JsonFormat", "json"),
        ("io.confluent.connect.s3.format.avro.AvroFormat", "avro"),
        ("io.confluent.connect.s3.format.parquet.ParquetFormat", "snappy.parquet"),
    ])
    func schemaChangesInABatchCommitTheFilesBetweenThem(_ format: String, _ ext: String) async throws {
        let bucket = try Bucket()
        try await bucket.create()
        let h = ConnectorHarness(S3SinkConnector.plugin)
        let task = try await h.sinkTask(
            try config(bucket, ["format.class": format, "flush.size": "4"]),
            partitions: [TopicPartition("test-topic", 0)])
        let a = #"{"type":"struct","name":"a","fields":[{"field":"id","type":"int64"}]}"#
        let b = #"{"type":"struct","name":"b","fields":[{"field":"id","type":"int64"},{"field":"s","type":"string"}]}"#
        let schemas = [a, a, a, b, b, a, a, a, a, a]
        let values = schemas.enumerated().map { i, schema in
            schema == a
                ? #"{"schema":\#(schema),"payload":{"id":\#(i)}}"#
                : #"{"schema":\#(schema),"payload":{"id":\#(i),"s":"x"}}"#
        }
        try await task.put(try SinkRecords.json(topic: "test-topic", schemas: true, values))
        #expect(try await task.commit() == [TopicPartition("test-topic", 0): 9])
        let prefix = "topics/test-topic/partition=0/test-topic+0+"
        #expect(
            try await bucket.keys() == ["0000000000", "0000000003", "0000000005"].map { "\(prefix)\($0).\(ext)" })
        if ext == "json" {
            #expect(try await bucket.object("\(prefix)0000000000.json") == "{\"id\":0}\n{\"id\":1}\n{\"id\":2}\n")
            #expect(
                try await bucket.object("\(prefix)0000000003.json")
                    == "{\"id\":3,\"s\":\"x\"}\n{\"id\":4,\"s\":\"x\"}\n")
            #expect(
                try await bucket.object("\(prefix)0000000005.json")
                    == "{\"id\":5}\n{\"id\":6}\n{\"id\":7}\n{\"id\":8}\n")
        }
        try await task.stop()
    }

    // S3SinkConnectorConfigTest / S3SinkTaskTest: a missing bucket fails the task at start, naming it.
    @Test func aMissingBucketFailsAtStart() async throws {
        let bucket = try Bucket()
        let h = ConnectorHarness(S3SinkConnector.plugin)
        let error = await #expect(throws: ConnectError.self) {
            _ = try await h.sinkTask(try config(bucket), partitions: [TopicPartition("test-topic", 0)])
        }
        #expect(error?.message.contains("Nonexistent S3 bucket: \(bucket.name)") == true)
    }

    /// A record the format cannot write (a tombstone) goes to the errant record reporter under
    /// errors.tolerance=all, and the others are written around it.
    @Test func aTombstoneIsReportedAndTheRestWritten() async throws {
        let bucket = try Bucket()
        try await bucket.create()
        let h = ConnectorHarness(S3SinkConnector.plugin)
        let task = try await h.sinkTask(
            try config(bucket), partitions: [TopicPartition("test-topic", 0)], tolerateErrors: true)
        try await task.put(try SinkRecords.json(topic: "test-topic", [#"{"a":1}"#, nil, #"{"a":2}"#, #"{"a":3}"#]))
        #expect(task.reported.map(\.record.kafkaOffset) == [1])
        try await task.commit()
        #expect(try await bucket.keys() == ["topics/test-topic/partition=0/test-topic+0+0000000000.json"])
        #expect(
            try await bucket.object("topics/test-topic/partition=0/test-topic+0+0000000000.json")
                == "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n")
        try await task.stop()
    }
}

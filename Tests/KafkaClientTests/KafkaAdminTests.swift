import KafkaClient
import Testing

/// The admin client against librdkafka's mock cluster (which has no CreateTopics): a topic made by
/// auto-creation is described alike by metadata and `topics()`, and watermarks follow what was produced.
@Suite struct KafkaAdminTests {
    @Test func autoCreatedTopicIsDescribedWithItsPartitions() async throws {
        let cluster = try await MockCluster.start()
        defer { cluster.stop() }
        let partitions = try await cluster.createTopic("described")
        let metadata = try await cluster.admin.metadata()
        #expect(metadata.brokers.count == 1)
        #expect(metadata.topics["described"]?.partitions.map(\.id) == Array(0..<partitions))
        #expect(metadata.topics["described"]?.partitions.allSatisfy { $0.leader == metadata.brokers[0].id } == true)
        #expect(try await cluster.admin.topics()["described"]?.partitions == Int(partitions))
    }

    @Test func watermarksFollowWhatWasProduced() async throws {
        let cluster = try await MockCluster.start()
        defer { cluster.stop() }
        let topic = "watermarks"
        _ = try await cluster.createTopic(topic)
        let empty = try await cluster.admin.watermarks(topic: topic, partition: 0)
        #expect(empty.low == 0 && empty.high == 0)
        try await KafkaConsumerTests.produce(4, to: topic, on: cluster)
        let written = try await cluster.admin.watermarks(topic: topic, partition: 0)
        #expect(written.low == 0 && written.high == 4)
    }
}

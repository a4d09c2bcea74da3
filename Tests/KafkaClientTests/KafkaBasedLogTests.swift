import KafkaClient
import Logging
import Synchronization
import Testing

/// A KafkaBasedLog against librdkafka's mock cluster: start-up reads what is there, a write returns
/// once applied, and records written by another client are tailed.
@Suite struct KafkaBasedLogTests {
    final class Applied: Sendable {
        let values = Mutex<[String]>([])
        func add(_ batch: [KafkaMessage]) {
            values.withLock { $0 += batch.map { String(decoding: $0.value ?? [], as: UTF8.self) } }
        }
    }

    @Test func startReadsToTheEndThenTailsAndWrites() async throws {
        let cluster = try await MockCluster.start()
        let topic = "internal-log"
        let partitions = try await cluster.createTopic(topic)
        try #require(partitions >= 2)
        try await KafkaConsumerTests.produce(3, to: topic, on: cluster)
        let applied = Applied()
        let log = try KafkaBasedLog(
            topic: topic, producerConfig: cluster.config(), consumerConfig: cluster.config(),
            logger: Logger(label: "test")
        ) { applied.add($0) }
        try await log.start(partitions: Int(partitions))
        #expect(applied.values.withLock { $0 } == ["0", "1", "2"])

        let (partition, offset) = try await log.send(key: Array("k".utf8), value: Array("mine".utf8), partition: 1)
        #expect(partition == 1)
        #expect(offset == 0)
        #expect(applied.values.withLock { $0.last } == "mine")

        // Another writer's record reaches the log through the tail.
        try await KafkaConsumerTests.produce(4, to: topic, on: cluster)
        await log.waitApplied(partition: 0, offset: 6)
        #expect(applied.values.withLock { $0 } == ["0", "1", "2", "mine", "0", "1", "2", "3"])
        await log.stop()
        await cluster.stop()
    }
}

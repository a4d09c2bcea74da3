import ConnectAPI
import Foundation
import KafkaClient
import Logging
import Testing

@testable import ConnectRuntime

/// `SourceTaskContext.scanDelivered` against the real broker: it finds every record after the stored
/// position and stops going back once a partition reaches it.
@Suite struct DeliveredRecordsReaderTests {
    @Test func findsTheRecordsAfterTheStoredOffsetWithoutReadingEverything() async throws {
        let bootstrap = try KafkaClientTests.bootstrap
        let topic = "it-delivered-\(UUID().uuidString.prefix(8))"
        let config = KafkaConfig([("bootstrap.servers", bootstrap)])
        let admin = try KafkaAdmin(config: config)
        try await admin.createTopics([.init(name: topic, partitions: 2, replicationFactor: 1)])
        // 3000 records "0"…"2999" keyed by their number, in batches of 100 (a broker may report the
        // high watermark of the last batch's start: the reader must still see the end).
        let producer = try KafkaProducer(
            config: config.withDefaults([("partitioner", "murmur2_random")]), onDelivery: { _ in })
        for batch in 0..<30 {
            for i in batch * 100..<(batch + 1) * 100 {
                try producer.produce(
                    ProducerMessage(topic: topic, key: Array("k\(i)".utf8), value: Array(String(i).utf8)),
                    token: UInt(i))
            }
            #expect(await producer.flush(timeoutMs: 10_000))
        }
        await producer.close()

        let converters = try ConnectorConverters(
            connectorConfig: [
                "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                "value.converter": "org.apache.kafka.connect.storage.StringConverter",
            ], workerConfig: [:], registry: .withBuiltins())
        let reader = DeliveredRecordsReader(
            adminConfig: config, consumerConfig: config, converters: converters, control: TaskControl(),
            logger: Logger(label: "test"))
        var after = Set<Int>()
        var read = 0
        // The stored offset is record 2500.
        try await reader.scan(topic: topic) { r in
            read += 1
            guard let i = r.value.stringValue.flatMap({ Int($0) }), r.key.stringValue == "k\(i)" else {
                return .foreign
            }
            guard i > 2500 else { return .atOrBefore }
            after.insert(i)
            return .after
        }
        #expect(after == Set(2501..<3000))
        #expect(read < 3000)

        // A topic that does not exist holds nothing, and is not created by looking.
        var none = 0
        try await reader.scan(topic: topic + "-missing") { _ in
            none += 1
            return .after
        }
        #expect(none == 0)
        #expect(try await admin.topics()[topic + "-missing"] == nil)
        await admin.close()
    }
}

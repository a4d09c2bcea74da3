import Foundation
import KafkaClient
import Testing

/// Against the real local broker (dev/services.sh). In CI a missing broker fails the suite, never skips it.
@Suite struct KafkaClientTests {
    static var bootstrap: String {
        get throws {
            if let b = ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP"] { return b }
            struct Missing: Error, CustomStringConvertible {
                var description = "KAFKA_BOOTSTRAP is not set: run dev/test.sh"
            }
            throw Missing()
        }
    }

    @Test func produceAndConsumeKeysHeadersTimestampsAndTombstones() async throws {
        let bootstrap = try Self.bootstrap
        let topic = "it-\(UUID().uuidString.prefix(8))"
        let admin = try KafkaAdmin(config: KafkaConfig([("bootstrap.servers", bootstrap)]))
        try await admin.createTopics([
            .init(name: topic, partitions: 2, replicationFactor: 1, config: [("cleanup.policy", "compact")])
        ])
        #expect(try await admin.topics()[topic]?.partitions == 2)

        let acks = AckCollector()
        let producer = try KafkaProducer(
            config: KafkaConfig([("bootstrap.servers", bootstrap), ("partitioner", "murmur2_random")]),
            onDelivery: { for r in $0 { acks.add(r) } })
        try producer.produce(
            ProducerMessage(
                topic: topic, key: Array("k1".utf8), value: Array("v1".utf8),
                headers: [KafkaHeader(key: "h", value: Array("hv".utf8)), KafkaHeader(key: "n", value: nil)],
                timestamp: 1_700_000_000_000),
            token: 1)
        try producer.produce(ProducerMessage(topic: topic, key: Array("k1".utf8), value: nil), token: 2)
        #expect(await producer.flush(timeoutMs: 10_000))
        await producer.close()
        #expect(acks.tokens == [1, 2])
        #expect(acks.errors.isEmpty)

        let consumer = try KafkaConsumer(
            config: KafkaConfig([
                ("bootstrap.servers", bootstrap), ("group.id", "it"), ("enable.partition.eof", "true"),
                ("enable.auto.commit", "false"),
            ]))
        try consumer.assign([(KafkaPartition(topic, 0), nil), (KafkaPartition(topic, 1), nil)])
        var messages: [KafkaMessage] = []
        var eof = Set<Int32>()
        while eof.count < 2 {
            for e in await consumer.poll(maxEvents: 100, timeoutMs: 500) {
                switch e {
                case .message(let m): messages.append(m)
                case .partitionEOF(let tp, _): eof.insert(tp.partition)
                default: break
                }
            }
        }
        #expect(messages.count == 2)
        let first = try #require(messages.first)
        #expect(first.key == Array("k1".utf8))
        #expect(first.value == Array("v1".utf8))
        #expect(first.headers == [KafkaHeader(key: "h", value: Array("hv".utf8)), KafkaHeader(key: "n", value: nil)])
        #expect(first.timestamp == 1_700_000_000_000)
        #expect(messages.last?.value == nil)
        // Same key, same partition (murmur2, as Java clients).
        #expect(Set(messages.map(\.partition)).count == 1)
        await consumer.close()
        // No topic deletion here: with Tansu, deleting a topic while clients hold its metadata crashed
        // librdkafka 2.8's metadata cache (strcmp on a freed name). Topic names are unique per run instead.
        await admin.close()
    }

    @Test func aTopicHandleAsksForTheTopicBeforeItsFirstRecord() async throws {
        let bootstrap = try Self.bootstrap
        let name = "it-new-\(UUID().uuidString.prefix(8))"
        let admin = try KafkaAdmin(config: KafkaConfig([("bootstrap.servers", bootstrap)]))
        let acks = AckCollector()
        let producer = try KafkaProducer(
            config: KafkaConfig([("bootstrap.servers", bootstrap)]), onDelivery: { for r in $0 { acks.add(r) } })
        let topic = try await producer.topic(name)
        // Only a metadata request naming the topic makes the broker auto-create it: it exists before any
        // record was produced, so librdkafka has its partitions too.
        #expect(try await admin.topics()[name] != nil)
        #expect(try await producer.topic(name).name == name)
        try Array("v".utf8).withUnsafeBytes { v in
            try producer.produce(topic: topic, partition: nil, key: nil, value: v, timestamp: nil, token: 7)
        }
        #expect(await producer.flush(timeoutMs: 10_000))
        #expect(acks.tokens == [7] && acks.errors.isEmpty)
        // A name librdkafka refuses is an error, not a crash.
        await #expect(throws: KafkaError.self) { try await producer.topic(String(repeating: "x", count: 600)) }
        await producer.close()
        await admin.close()
    }

    @Test func invalidClientPropertyNamesTheKey() {
        #expect(throws: KafkaError.self) {
            _ = try KafkaProducer(config: KafkaConfig([("no.such.property", "1")]))
        }
        do {
            _ = try KafkaProducer(config: KafkaConfig([("no.such.property", "1")]))
        } catch {
            #expect(error.message.contains("no.such.property"))
        }
    }
}

final class AckCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [DeliveryReport] = []
    func add(_ r: DeliveryReport) { lock.withLock { reports.append(r) } }
    var tokens: [UInt] { lock.withLock { reports.map(\.token).sorted() } }
    var errors: [KafkaError] { lock.withLock { reports.compactMap(\.error) } }
}

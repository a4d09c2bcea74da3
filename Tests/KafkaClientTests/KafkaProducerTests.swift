import KafkaClient
import Synchronization
import Testing

/// The producer against librdkafka's mock cluster: delivery reports carry the caller's token, and
/// `flush` and `close` wait for delivery without blocking the caller's thread.
@Suite struct KafkaProducerTests {
    final class Reports: Sendable {
        let all = Mutex<[DeliveryReport]>([])
        func add(_ reports: [DeliveryReport]) { all.withLock { $0.append(contentsOf: reports) } }
    }

    @Test func deliveryReportsCarryTheTokenOfEachRecord() async throws {
        let cluster = try await MockCluster.start()
        let topic = "delivery"
        try #require(try await cluster.createTopic(topic) >= 2)
        let reports = Reports()
        let producer = try KafkaProducer(config: cluster.config(), onDelivery: reports.add)
        try producer.produce(ProducerMessage(topic: topic, partition: 0, key: [1], value: [10]), token: 7)
        try producer.produce(ProducerMessage(topic: topic, partition: 1, key: [2], value: [20]), token: 8)
        try producer.produce(ProducerMessage(topic: topic, partition: 0, key: [3], value: nil), token: 9)
        #expect(await producer.flush(timeoutMs: 10_000))
        #expect(producer.outstanding == 0)
        // After close no report is still on its way to `onDelivery`.
        await producer.close()
        let byToken = Dictionary(uniqueKeysWithValues: reports.all.withLock { $0 }.map { ($0.token, $0) })
        #expect(byToken.keys.sorted() == [7, 8, 9])
        #expect(byToken.values.allSatisfy { $0.error == nil })
        #expect(byToken[7].map { "\($0.partition)@\($0.offset)" } == "0@0")
        #expect(byToken[8].map { "\($0.partition)@\($0.offset)" } == "1@0")
        #expect(byToken[9].map { "\($0.partition)@\($0.offset)" } == "0@1")
        await cluster.stop()
    }

    /// The delivery reports of the closing flush still reach `onDelivery`: librdkafka's flush on an
    /// event-based client waits for them to be polled.
    @Test func closeDeliversWhatWasStillBuffered() async throws {
        let cluster = try await MockCluster.start()
        let topic = "close"
        _ = try await cluster.createTopic(topic)
        let reports = Reports()
        // Held back long enough that the records are still buffered when close begins.
        let producer = try KafkaProducer(config: cluster.config([("linger.ms", "200")]), onDelivery: reports.add)
        for i in 0..<50 {
            try producer.produce(ProducerMessage(topic: topic, key: nil, value: [UInt8(i)]), token: UInt(i))
        }
        await producer.close(flushTimeoutMs: 10_000)
        let delivered = reports.all.withLock { $0 }
        #expect(delivered.map(\.token).sorted() == Array(0..<50))
        #expect(delivered.allSatisfy { $0.error == nil })
        // Idempotent, and a flush after close has nothing left to wait for.
        await producer.close()
        #expect(await producer.flush(timeoutMs: 1000))
        await cluster.stop()
    }

    @Test func aTopicHandleProducesToItsTopic() async throws {
        let cluster = try await MockCluster.start()
        let topic = "handle"
        _ = try await cluster.createTopic(topic)
        let reports = Reports()
        let producer = try KafkaProducer(config: cluster.config(), onDelivery: reports.add)
        let handle = try await producer.topic(topic)
        #expect(handle.name == topic)
        try [UInt8]([1, 2, 3]).withUnsafeBytes { value in
            try producer.produce(topic: handle, partition: nil, key: nil, value: value, timestamp: nil, token: 1)
        }
        await producer.close()
        #expect(reports.all.withLock { $0 }.map(\.token) == [1])
        #expect(reports.all.withLock { $0 }.first?.error == nil)
        await cluster.stop()
    }
}

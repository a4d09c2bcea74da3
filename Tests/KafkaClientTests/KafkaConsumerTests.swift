import KafkaClient
import Synchronization
import Testing

/// The consumer against librdkafka's mock cluster: assigned and subscribed reads, commits, seeks, and a
/// close that waits off the cooperative pool.
@Suite struct KafkaConsumerTests {
    /// Produces `count` records "0"…"count-1" (keys "k0"…) to partition 0 of `topic`.
    static func produce(_ count: Int, to topic: String, on cluster: MockCluster) async throws {
        let producer = try KafkaProducer(config: cluster.config())
        for i in 0..<count {
            try producer.produce(
                ProducerMessage(
                    topic: topic, partition: 0, key: Array("k\(i)".utf8), value: Array("\(i)".utf8),
                    headers: [KafkaHeader(key: "h", value: [UInt8(i)]), KafkaHeader(key: "n", value: nil)],
                    timestamp: 1_700_000_000_000 + Int64(i)),
                token: UInt(i))
        }
        let flushed = await producer.flush(timeoutMs: 10_000)
        await producer.close()
        try #require(flushed)
    }

    static func consumerConfig(_ cluster: MockCluster, group: String) -> KafkaConfig {
        cluster.config([
            ("group.id", group), ("enable.partition.eof", "true"), ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
        ])
    }

    @Test func assignedPartitionIsReadToItsEndAndCommitted() async throws {
        let cluster = try await MockCluster.start()
        let topic = "assigned"
        _ = try await cluster.createTopic(topic)
        try await Self.produce(3, to: topic, on: cluster)
        let consumer = try KafkaConsumer(config: Self.consumerConfig(cluster, group: "g-assign"))
        let tp = KafkaPartition(topic, 0)
        try consumer.assign([(tp, nil)])
        var messages: [KafkaMessage] = []
        var eofOffset: Int64?
        let reachedEnd = await consumer.poll { e in
            switch e {
            case .message(let m): messages.append(m)
            case .partitionEOF(_, let offset): eofOffset = offset
            default: break
            }
            return eofOffset != nil
        }
        #expect(reachedEnd)
        #expect(eofOffset == 3)
        #expect(messages.map(\.offset) == [0, 1, 2])
        #expect(messages.map { String(decoding: $0.value ?? [], as: UTF8.self) } == ["0", "1", "2"])
        #expect(messages.first?.key == Array("k0".utf8))
        #expect(messages.last?.headers == [KafkaHeader(key: "h", value: [2]), KafkaHeader(key: "n", value: nil)])
        #expect(messages.first?.timestamp == 1_700_000_000_000)
        #expect(messages.first?.timestampType == "CreateTime")

        #expect(try await consumer.committed([tp])[tp] == -1001)
        try await consumer.commit([tp: 3])
        #expect(try await consumer.committed([tp])[tp] == 3)
        await consumer.close()
        await cluster.stop()
    }

    @Test func seekMovesTheFetchPosition() async throws {
        let cluster = try await MockCluster.start()
        let topic = "seek"
        _ = try await cluster.createTopic(topic)
        try await Self.produce(5, to: topic, on: cluster)
        let consumer = try KafkaConsumer(config: Self.consumerConfig(cluster, group: "g-seek"))
        let tp = KafkaPartition(topic, 0)
        try consumer.assign([(tp, 4)])
        var first: Int64?
        #expect(
            await consumer.poll { e in
                if case .message(let m) = e { first = m.offset }
                return first != nil
            })
        #expect(first == 4)
        try await consumer.seek([tp: 1])
        var afterSeek: [Int64] = []
        #expect(
            await consumer.poll { e in
                if case .message(let m) = e { afterSeek.append(m.offset) }
                if case .partitionEOF = e { return !afterSeek.isEmpty }
                return false
            })
        #expect(afterSeek == [1, 2, 3, 4])
        await consumer.close()
        await cluster.stop()
    }

    @Test func seekAfterCloseFails() async throws {
        let cluster = try await MockCluster.start()
        let consumer = try KafkaConsumer(config: Self.consumerConfig(cluster, group: "g-closed"))
        await consumer.close()
        await #expect(throws: KafkaError.self) { try await consumer.seek([KafkaPartition("t", 0): 0]) }
        // A second close returns at once.
        await consumer.close()
        #expect(await consumer.poll(maxEvents: 10, timeoutMs: 0).isEmpty)
        await cluster.stop()
    }

    /// Every call after `close()` answers without reaching the destroyed handle: the ones that throw
    /// fail with _DESTROY, the others do nothing.
    @Test func everyCallAfterCloseFailsWithDestroyOrDoesNothing() async throws {
        let cluster = try await MockCluster.start()
        let consumer = try KafkaConsumer(config: Self.consumerConfig(cluster, group: "g-closed-calls"))
        let tp = KafkaPartition("t", 0)
        await consumer.close()
        func expectDestroy(_ call: () async throws -> Void) async {
            do {
                try await call()
                Issue.record("expected _DESTROY")
            } catch {
                #expect((error as? KafkaError)?.name == "_DESTROY")
            }
        }
        await expectDestroy { try await consumer.commit([tp: 1]) }
        await expectDestroy { _ = try await consumer.committed([tp]) }
        await expectDestroy { _ = try await consumer.offsetsForTimes([tp: 0]) }
        await expectDestroy { try consumer.assign([(tp, 0)]) }
        await expectDestroy { try consumer.unassign() }
        await expectDestroy { try consumer.subscribe(["t"]) }
        await expectDestroy { try consumer.unsubscribe() }
        await consumer.learnTopics(["t"])
        consumer.pause([tp])
        consumer.resume([tp])
        #expect(consumer.memberId == "")
        await cluster.stop()
    }

    @Test func subscriptionIsAssignedThePartitionsAndReadsThem() async throws {
        let cluster = try await MockCluster.start()
        let topic = "subscribed"
        let partitions = try await cluster.createTopic(topic)
        try await Self.produce(2, to: topic, on: cluster)
        let revoked = RevokedPartitions()
        let consumer = try KafkaConsumer(config: Self.consumerConfig(cluster, group: "g-subscribe")) {
            revoked.add($0)
        }
        try consumer.subscribe([topic])
        var assigned: [KafkaPartition] = []
        var values: [String] = []
        #expect(
            await consumer.poll { e in
                switch e {
                case .assigned(let tps): assigned += tps
                case .message(let m): values.append(String(decoding: m.value ?? [], as: UTF8.self))
                default: break
                }
                return values.count == 2
            })
        #expect(assigned.sorted() == (0..<partitions).map { KafkaPartition(topic, $0) })
        #expect(values == ["0", "1"])
        #expect(!consumer.memberId.isEmpty)
        // Leaving the group on close gives the partitions up through `beforeRevoke`.
        await consumer.close()
        #expect(revoked.all.withLock { $0 }.sorted() == assigned.sorted())
        await cluster.stop()
    }
}

/// The partitions `beforeRevoke` was given.
final class RevokedPartitions: Sendable {
    let all = Mutex<[KafkaPartition]>([])
    func add(_ tps: [KafkaPartition]) { all.withLock { $0 += tps } }
}

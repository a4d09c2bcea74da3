import Logging
import Synchronization

/// A compacted internal topic read from the beginning and tailed, with a producer for writes.
///
/// Start-up reads every partition until partition EOF (not until ListOffsets' answer, which some brokers
/// get wrong after multi-record batches). Records are handed to `apply` in order, one batch at a time.
/// A write returns once the broker acknowledged it *and* the tail has applied it, so a caller that wrote
/// a change sees it in the in-memory state afterwards (one worker and many behave alike).
public final class KafkaBasedLog: Sendable {
    public let topic: String
    private let producer: KafkaProducer
    private let consumer: KafkaConsumer
    private let apply: @Sendable ([KafkaMessage]) async -> Void
    private let logger: Logger
    private let box = LockedBox(State())

    struct State {
        var nextToken: UInt = 1
        var acks: [UInt: CheckedContinuation<(Int32, Int64), any Error>] = [:]
        /// Next offset to be applied, per partition.
        var applied: [Int32: Int64] = [:]
        var waiters: [(partition: Int32, offset: Int64, cont: CheckedContinuation<Void, Never>)] = []
        var eofPending: Set<Int32> = []
        var startupDone: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    public init(
        topic: String, producerConfig: KafkaConfig, consumerConfig: KafkaConfig, logger: Logger,
        apply: @escaping @Sendable ([KafkaMessage]) async -> Void
    ) throws {
        self.topic = topic
        self.apply = apply
        self.logger = logger
        let box = self.box
        self.producer = try KafkaProducer(
            config: producerConfig.withDefaults([
                ("acks", "all"), ("enable.idempotence", "false"), ("linger.ms", "0"),
                // Java's partitioner, so keys land where Kafka Connect would put them.
                ("partitioner", "murmur2_random"), ("client.id", "tributary-\(topic)-producer"),
            ]),
            onDelivery: { reports in
                let conts = box.mutex.withLock { s in reports.map { (s.acks.removeValue(forKey: $0.token), $0) } }
                for (cont, r) in conts {
                    if let e = r.error {
                        cont?.resume(throwing: e)
                    } else {
                        cont?.resume(returning: (r.partition, r.offset))
                    }
                }
            },
            onError: { e in logger.warning("Kafka client error on \(topic): \(e)") })
        self.consumer = try KafkaConsumer(
            config: consumerConfig.withDefaults([
                ("enable.partition.eof", "true"), ("enable.auto.commit", "false"), ("auto.offset.reset", "earliest"),
                ("fetch.wait.max.ms", "50"), ("client.id", "tributary-\(topic)-consumer"),
                ("group.id", "tributary-internal-unused"),  // librdkafka wants one; we never subscribe or commit
            ]))
    }

    /// Assigns every partition from the beginning and returns once all have been read to EOF; then
    /// keeps tailing in the background until `stop()`.
    public func start(partitions: Int) async throws {
        await consumer.learnTopics([topic])
        do {
            try consumer.assign((0..<Int32(partitions)).map { (KafkaPartition(topic, $0), nil) })
        } catch {
            throw KafkaError.local("Could not start reading internal topic \(topic): \(error)")
        }
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            box.mutex.withLock {
                $0.eofPending = Set(0..<Int32(partitions))
                $0.startupDone = cont
            }
            Task.detached { [self] in await self.tail() }
        }
    }

    private func tail() async {
        var batch: [KafkaMessage] = []
        while !box.mutex.withLock({ $0.stopped }) {
            let events = await consumer.poll(maxEvents: 2000, timeoutMs: 100)
            batch.removeAll(keepingCapacity: true)
            var eofs: [Int32] = []
            for e in events {
                switch e {
                case .message(let m): batch.append(m)
                case .partitionEOF(let tp, _): eofs.append(tp.partition)
                case .error(let err): logger.warning("Reading \(topic): \(err)")
                default: break
                }
            }
            if !batch.isEmpty { await apply(batch) }
            var ready: [CheckedContinuation<Void, Never>] = []
            box.mutex.withLock { s in
                for m in batch { s.applied[m.partition] = m.offset + 1 }
                s.waiters.removeAll { w in
                    if (s.applied[w.partition] ?? 0) > w.offset {
                        ready.append(w.cont)
                        return true
                    }
                    return false
                }
                for p in eofs { s.eofPending.remove(p) }
                if s.eofPending.isEmpty, let c = s.startupDone {
                    s.startupDone = nil
                    ready.append(c)
                }
            }
            for c in ready { c.resume() }
        }
    }

    /// Produces one record and waits until it has been acknowledged and applied by the tail.
    @discardableResult
    public func send(key: [UInt8]?, value: [UInt8]?, partition: Int32? = nil) async throws -> (Int32, Int64) {
        let (p, o) = try await sendAcked(key: key, value: value, partition: partition)
        await waitApplied(partition: p, offset: o)
        return (p, o)
    }

    /// Produces and waits for the broker's acknowledgement only.
    public func sendAcked(key: [UInt8]?, value: [UInt8]?, partition: Int32? = nil) async throws -> (Int32, Int64) {
        try await withCheckedThrowingContinuation { cont in
            let token = box.mutex.withLock { s -> UInt in
                let t = s.nextToken
                s.nextToken += 1
                s.acks[t] = cont
                return t
            }
            do {
                try producer.produce(
                    ProducerMessage(topic: topic, partition: partition, key: key, value: value), token: token)
            } catch {
                if let c = box.mutex.withLock({ $0.acks.removeValue(forKey: token) }) { c.resume(throwing: error) }
            }
        }
    }

    public func waitApplied(partition: Int32, offset: Int64) async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let done = box.mutex.withLock { s -> Bool in
                if (s.applied[partition] ?? 0) > offset || s.stopped { return true }
                s.waiters.append((partition, offset, cont))
                return false
            }
            if done { cont.resume() }
        }
    }

    /// Releases the writers and readers waiting on this log, then closes its clients (flushing what was
    /// produced, for at most 5 s).
    public func stop() async {
        let waiters = box.mutex.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.stopped = true
            defer { s.waiters.removeAll() }
            return s.waiters.map(\.cont)
        }
        for w in waiters { w.resume() }
        await producer.close(flushTimeoutMs: 5000)
        await consumer.close()
    }
}

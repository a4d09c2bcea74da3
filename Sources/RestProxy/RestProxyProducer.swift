import KafkaClient
import Synchronization

/// The REST Proxy's one producer, shared by every request (as Confluent multiplexes v2 produce into a
/// single producer): a request enqueues all its records, then waits for all their delivery reports.
final class RestProxyProducer: Sendable {
    struct Outcome: Sendable {
        let partition: Int32
        let offset: Int64
        let error: KafkaError?
    }

    /// One request's records in flight.
    private final class Batch: Sendable {
        let state: Mutex<(results: [Outcome?], remaining: Int, cont: CheckedContinuation<[Outcome], Never>?)>
        init(count: Int, cont: CheckedContinuation<[Outcome], Never>) {
            state = Mutex((Array(repeating: nil, count: count), count, cont))
        }
        func complete(_ index: Int, _ o: Outcome) {
            let done = state.withLock { s -> ([Outcome], CheckedContinuation<[Outcome], Never>)? in
                if s.results[index] == nil { s.remaining -= 1 }
                s.results[index] = o
                guard s.remaining == 0, let c = s.cont else { return nil }
                s.cont = nil
                return (s.results.map { $0! }, c)
            }
            if let (results, c) = done { c.resume(returning: results) }
        }
    }

    private let inFlight = LockedBox<(next: UInt, byToken: [UInt: (Batch, Int)])>((1, [:]))
    private let producer: KafkaProducer

    init(config: KafkaConfig) throws(KafkaError) {
        let inFlight = self.inFlight
        producer = try KafkaProducer(
            config: config.withDefaults([
                // Java's partitioner, so keyed records land where a Java producer would put them.
                ("partitioner", "murmur2_random"), ("linger.ms", "1"), ("client.id", "tributary-rest-proxy"),
            ]),
            onDelivery: { reports in
                let found = inFlight.mutex.withLock { s in reports.map { (s.byToken.removeValue(forKey: $0.token), $0) }
                }
                for (entry, r) in found {
                    guard let (batch, index) = entry else { continue }
                    batch.complete(index, Outcome(partition: r.partition, offset: r.offset, error: r.error))
                }
            })
    }

    /// Produces `messages` and returns one outcome per message, in order. A record librdkafka refuses
    /// at once (queue full, unknown partition) gets its error without waiting.
    func send(_ messages: [ProducerMessage]) async -> [Outcome] {
        if messages.isEmpty { return [] }
        // The first record for a topic the producer has not met would wait for librdkafka to learn of
        // the topic (about half a second on the local broker); asking for its metadata first takes one
        // round trip. Later calls find the handle cached. An invalid name fails below, per record.
        var asked = ""  // a request's records share their topic
        for m in messages where m.topic != asked {
            asked = m.topic
            _ = try? await producer.topic(m.topic)
        }
        return await withCheckedContinuation { cont in
            let batch = Batch(count: messages.count, cont: cont)
            for (i, m) in messages.enumerated() {
                let token = inFlight.mutex.withLock { s -> UInt in
                    let t = s.next
                    s.next += 1
                    s.byToken[t] = (batch, i)
                    return t
                }
                do throws(KafkaError) { try producer.produce(m, token: token) } catch {
                    _ = inFlight.mutex.withLock { $0.byToken.removeValue(forKey: token) }
                    batch.complete(i, Outcome(partition: -1, offset: -1, error: error))
                }
            }
        }
    }

    func close() async { await producer.close(flushTimeoutMs: 5000) }
}

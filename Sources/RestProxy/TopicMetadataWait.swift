import KafkaClient

/// How v2 produce meets a topic it has not produced to before, as Confluent's proxy does: its Java
/// producer asks the broker for the topic (a broker with `auto.create.topics.enable`, the default of
/// Kafka and of Confluent's images, creates it then) and waits up to `max.block.ms` for it to appear.
/// A topic that never appears fails each record with 50003 and the producer's words; a name the broker
/// refuses fails at once (Karapace answers 404 before trying, which breaks emitters that POST to a new
/// topic: reference rest-proxy.md §1.2).
struct TopicMetadataWait {
    /// What one metadata request said about the topic.
    enum Lookup: Sendable {
        case found(partitions: Int)
        case failed(KafkaError)
        /// Not there (yet), or the request itself failed: asked again until the deadline.
        case absent
    }

    enum Outcome: Sendable, Equatable {
        case partitions(Int)
        /// The REST Proxy's per-record error code and message.
        case failed(code: Int, message: String)
    }

    let topic: String
    let maxBlockMs: Int
    /// The producer's `retry.backoff.ms` between two metadata requests.
    var backoffMs = 100

    /// Asks `lookup` (with the time left, in ms) until the topic has partitions, the broker refuses it,
    /// or `maxBlockMs` have passed on `clock`; `pause` waits between two asks.
    func run(
        now: () -> UInt64, lookup: (Int) async -> Lookup, pause: (Int) async -> Void
    ) async -> Outcome {
        let start = now()
        while true {
            let left = maxBlockMs - Int(now() - start)
            guard left > 0 else { break }
            switch await lookup(left) {
            case .found(let n) where n > 0: return .partitions(n)
            case .failed(let e) where !e.isRetriable: return Self.refused(topic, e)
            case .found, .failed, .absent: break
            }
            let after = maxBlockMs - Int(now() - start)
            guard after > 0 else { break }
            await pause(min(backoffMs, after))
        }
        // Java's producer: `TimeoutException` (retriable, so 50003) from `waitOnMetadata`.
        return .failed(code: 50003, message: "Topic \(topic) not present in metadata after \(maxBlockMs) ms.")
    }

    /// The Java producer's exception for a topic the broker refuses, as the proxy maps it.
    static func refused(_ topic: String, _ e: KafkaError) -> Outcome {
        // 29 TOPIC_AUTHORIZATION_FAILED, 17 INVALID_TOPIC_EXCEPTION.
        switch e.code {
        case 29: return .failed(code: 40301, message: "Not authorized to access topics: [\(topic)]")
        case 17: return .failed(code: 50002, message: "Invalid topics: [\(topic)]")
        default: return .failed(code: 50002, message: e.message)
        }
    }
}

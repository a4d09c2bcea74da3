import ConnectAPI
import KafkaClient
import Logging

/// The offsets topic: source offsets keyed by `["<connector>",{partition}]` (compact JSON, map order kept).
///
/// Lookups are byte-exact on the serialized key, exactly as Kafka Connect does them.
final class OffsetBackingStore: Sendable {
    private let box = LockedBox([[UInt8]: [UInt8]]())
    private let log: KafkaBasedLog
    let partitions: Int

    init(topic: String, partitions: Int, producerConfig: KafkaConfig, consumerConfig: KafkaConfig, logger: Logger)
        throws
    {
        self.partitions = partitions
        let box = self.box
        log = try KafkaBasedLog(
            topic: topic, producerConfig: producerConfig.withDefaults([("linger.ms", "5")]),
            consumerConfig: consumerConfig, logger: logger
        ) { messages in
            box.mutex.withLock { map in
                for m in messages {
                    guard let k = m.key else { continue }
                    map[k] = m.value
                }
            }
        }
    }

    func start() async throws { try await log.start(partitions: partitions) }
    func stop() async { await log.stop() }

    static func key(connector: String, partition: JSONObject) -> [UInt8] {
        JSONWriter.bytes(.array([.string(connector), .object(partition)]))
    }

    func offset(connector: String, partition: JSONObject) -> JSONObject? {
        let k = Self.key(connector: connector, partition: partition)
        return box.mutex.withLock { $0[k] }.flatMap { try? JSONParser.parse($0).objectValue }
    }

    /// Writes offsets (nil = tombstone) and waits for every acknowledgement.
    func put(_ entries: [(key: [UInt8], value: [UInt8]?)]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for e in entries {
                group.addTask { _ = try await self.log.sendAcked(key: e.key, value: e.value) }
            }
            try await group.waitForAll()
        }
        box.mutex.withLock { map in for e in entries { map[e.key] = e.value } }
    }

    /// Every stored partition → offset of a connector (only well-formed keys, as Kafka Connect reads them).
    func offsets(connector: String) -> [(partition: JSONObject, offset: JSONObject)] {
        let all = box.mutex.withLock { $0 }
        var out: [(JSONObject, JSONObject)] = []
        for (k, v) in all {
            guard let key = try? JSONParser.parse(k).arrayValue, key.count == 2, key[0].stringValue == connector,
                let p = key[1].objectValue, let o = try? JSONParser.parse(v).objectValue
            else { continue }
            out.append((p, o))
        }
        return out.sorted { JSONWriter.string(.object($0.0)) < JSONWriter.string(.object($1.0)) }
    }
}

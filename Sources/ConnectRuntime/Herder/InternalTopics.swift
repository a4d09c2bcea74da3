import ConnectAPI
import KafkaClient
import Logging

/// Creates the config, offsets and status topics when absent (compacted) and verifies them when present.
enum InternalTopics {
    /// Returns each internal topic's partition count.
    static func ensure(admin: KafkaAdmin, config: WorkerConfig, logger: Logger) async throws -> [String: Int] {
        let wanted: [(name: String, partitions: Int32, rf: Int32, prefix: String)] = [
            (config.configTopic, 1, config.configReplicationFactor, "config.storage."),
            (config.offsetTopic, config.offsetPartitions, config.offsetReplicationFactor, "offset.storage."),
            (config.statusTopic, config.statusPartitions, config.statusReplicationFactor, "status.storage."),
        ]
        let existing = try await admin.topics()
        let missing = wanted.filter { existing[$0.name] == nil }
        if !missing.isEmpty {
            try await admin.createTopics(
                missing.map { t in
                    // Extra topic configs: `config.storage.<topic-config>` etc.; cleanup.policy is forced to compact.
                    var extra: [(String, String)] = []
                    for (k, v) in config.raw.sorted(by: { $0.key < $1.key }) where k.hasPrefix(t.prefix) {
                        let c = String(k.dropFirst(t.prefix.count))
                        if !["topic", "partitions", "replication.factor", "cleanup.policy"].contains(c) {
                            extra.append((c, v))
                        }
                    }
                    return KafkaAdmin.NewTopic(
                        name: t.name, partitions: t.partitions, replicationFactor: t.rf,
                        config: [("cleanup.policy", "compact")] + extra)
                })
            for t in missing {
                logger.info("Created internal topic \(t.name) (\(t.partitions) partition(s), compacted)")
            }
        }
        let after = missing.isEmpty ? existing : try await admin.topics()
        var partitions: [String: Int] = [:]
        for t in wanted {
            guard let d = after[t.name] else {
                throw ConnectError(.config, "Internal topic \(t.name) could not be created")
            }
            partitions[t.name] = d.partitions
            if t.name == config.configTopic && d.partitions != 1 {
                throw ConnectError(
                    .config,
                    "Topic '\(t.name)' supplied via the 'config.storage.topic' property is required to have a single partition in order to guarantee consistency of connector configurations, but found \(d.partitions) partitions."
                )
            }
            // Some brokers only report configs set explicitly; an absent policy is not proof of a wrong one.
            let policy = try await admin.topicConfig(t.name)["cleanup.policy"]
            if let policy, policy != "compact" {
                let key = t.prefix + "topic"
                throw ConnectError(
                    .config,
                    "Topic '\(t.name)' supplied via the '\(key)' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of connector configurations, but found the topic currently has 'cleanup.policy=\(policy)'. Continuing would likely result in eventually losing connector configurations and problems restarting this Connect cluster in the future. Change the '\(key)' property in the Connect worker configurations to use a topic with 'cleanup.policy=compact'."
                )
            }
        }
        return partitions
    }
}

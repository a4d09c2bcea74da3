import ConnectAPI
import KafkaClient
import Logging

/// The config topic: connector configs, task configs, target states, restart requests.
///
/// Writes go to the topic and are applied when read back, so every worker sharing the topic sees the
/// same sequence of changes.
final class ConfigBackingStore: Sendable {
    private let box = LockedBox(ConfigSnapshot())
    private let log: KafkaBasedLog

    init(
        topic: String, producerConfig: KafkaConfig, consumerConfig: KafkaConfig, logger: Logger,
        onChange: @escaping @Sendable ([ConfigRecords.Change]) async -> Void
    ) throws {
        let box = self.box
        log = try KafkaBasedLog(
            topic: topic, producerConfig: producerConfig, consumerConfig: consumerConfig, logger: logger
        ) { messages in
            let changes = box.mutex.withLock { s in
                messages.compactMap { m -> ConfigRecords.Change? in
                    guard let key = m.key.map({ String(decoding: $0, as: UTF8.self) }) else { return nil }
                    return ConfigRecords.apply(key: key, value: m.value, offset: m.offset, to: &s)
                }
            }
            if !changes.isEmpty { await onChange(changes) }
        }
    }

    func start() async throws { try await log.start(partitions: 1) }
    func stop() async { await log.stop() }

    var snapshot: ConfigSnapshot { box.mutex.withLock { $0 } }

    private func write(_ key: String, _ value: [UInt8]?) async throws {
        try await log.send(key: Array(key.utf8), value: value, partition: 0)
    }

    /// Writes a connector config; with `targetState`, the target-state record goes first (as `initial_state` does).
    func putConnectorConfig(_ name: String, _ config: JSONObject, targetState: TargetState? = nil) async throws {
        if let targetState {
            try await write(ConfigRecords.targetStateKey(name), ConfigRecords.targetStateValue(targetState))
        }
        try await write(ConfigRecords.connectorKey(name), ConfigRecords.propertiesValue(config))
    }

    /// Tombstones the connector and its target state (task records stay, ignored without a connector).
    func removeConnectorConfig(_ name: String) async throws {
        try await write(ConfigRecords.connectorKey(name), nil)
        try await write(ConfigRecords.targetStateKey(name), nil)
    }

    /// Writes all task records, then the commit record that applies them.
    func putTaskConfigs(_ name: String, _ tasks: [JSONObject]) async throws {
        for (i, t) in tasks.enumerated() {
            _ = try await log.sendAcked(
                key: Array(ConfigRecords.taskKey(name, i).utf8), value: ConfigRecords.propertiesValue(t), partition: 0)
        }
        try await write(ConfigRecords.commitKey(name), ConfigRecords.commitValue(tasks: tasks.count))
    }

    func putTargetState(_ name: String, _ state: TargetState) async throws {
        try await write(ConfigRecords.targetStateKey(name), ConfigRecords.targetStateValue(state))
    }

    func putRestartRequest(_ r: RestartRequest) async throws {
        try await write(
            ConfigRecords.restartKey(r.connector),
            ConfigRecords.restartValue(includeTasks: r.includeTasks, onlyFailed: r.onlyFailed))
    }

    func putLoggerLevel(_ namespace: String, _ level: String) async throws {
        try await write("logger-cluster-\(namespace)", JSONWriter.bytes(.object(["level": .string(level)])))
    }
}

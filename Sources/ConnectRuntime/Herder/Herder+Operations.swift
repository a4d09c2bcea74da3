import ConnectAPI
import KafkaClient
import KafkaClientConfigs

/// What the REST API and config-file deployment ask of the herder.
extension Herder {
    public func connectorNames() -> [String] { snapshot.connectorNames }

    public func connectorExists(_ name: String) -> Bool { snapshot.connectorConfigs[name] != nil }

    /// The stored config as written (secrets in clear, placeholders unresolved); never for REST answers.
    func storedConnectorConfig(_ name: String) -> JSONObject? { snapshot.connectorConfigs[name] }

    func plugin(for config: JSONObject) -> ConnectorPlugin? {
        config["connector.class"]?.stringValue.flatMap { registry.connector(named: $0) }
    }

    /// Replaces PASSWORD-typed values with "[hidden]": the connector's own, and the secrets of client
    /// overrides and converters (`producer.override.sasl.jaas.config`, `value.converter.basic.auth.user.info`).
    func redact(_ config: JSONObject, plugin: ConnectorPlugin?) -> JSONObject {
        var out = config
        for m in config where m.value.stringValue?.hasPrefix("${") != true {
            let type = plugin.flatMap {
                $0.configDef.key(m.key)?.type ?? ConnectorConfig.framework(for: $0.type).key(m.key)?.type
            }
            if type == .password || (m.key.contains(".") && JavaClientConfig.isSecret(m.key)) {
                out[m.key] = .string("[hidden]")
            }
        }
        return out
    }

    public func connectorInfo(_ name: String) throws(HerderError) -> ConnectorInfo {
        let snap = snapshot
        guard let config = snap.connectorConfigs[name] else { throw .notFound("Connector \(name) not found") }
        let plugin = plugin(for: config)
        return ConnectorInfo(
            name: name, config: redact(config, plugin: plugin),
            tasks: (0..<(snap.taskConfigs[name]?.count ?? 0)).map { ConnectorTaskId(name, $0) }, type: plugin?.type)
    }

    public func connectorConfig(_ name: String) throws(HerderError) -> JSONObject {
        guard let config = snapshot.connectorConfigs[name] else { throw .notFound("Connector \(name) not found") }
        return redact(config, plugin: plugin(for: config))
    }

    public func taskConfigs(_ name: String) throws(HerderError) -> [TaskInfo] {
        let snap = snapshot
        guard let config = snap.connectorConfigs[name] else { throw .notFound("Connector \(name) not found") }
        let plugin = plugin(for: config)
        return (snap.taskConfigs[name] ?? []).enumerated().map { i, tc in
            TaskInfo(id: ConnectorTaskId(name, i), config: redact(tc, plugin: plugin))
        }
    }

    public func connectorStatus(_ name: String) throws(HerderError) -> ConnectorStateInfo {
        let statuses = statusStore?.statuses ?? .init()
        guard let c = statuses.connectors[name], let config = snapshot.connectorConfigs[name] else {
            throw .notFound("No status found for connector \(name)")
        }
        let count = snapshot.taskConfigs[name]?.count ?? 0
        let taskStates = (statuses.tasks[name] ?? [:]).sorted { $0.key < $1.key }
            .filter { $0.key < count && c.state != .stopped }
            .map { ConnectorStateInfo.TaskState(id: $0.key, state: .init($0.value)) }
        return ConnectorStateInfo(name: name, connector: .init(c), tasks: taskStates, type: plugin(for: config)?.type)
    }

    public func taskStatus(_ name: String, _ task: Int) throws(HerderError) -> ConnectorStateInfo.TaskState {
        guard let r = statusStore?.statuses.tasks[name]?[task], task < (snapshot.taskConfigs[name]?.count ?? 0) else {
            throw .notFound("No status found for task \(name)-\(task)")
        }
        return ConnectorStateInfo.TaskState(id: task, state: .init(r))
    }

    // MARK: writes

    /// Checks a connector config the way `POST /connectors` does, without writing anything.
    public func validateForWrite(name: String, config: JSONObject, nullKeys: Set<String> = []) throws(HerderError) {
        let infos = try validate(config: Self.stringMap(config), nullKeys: nullKeys)
        if infos.errorCount > 0 { throw .invalidConfig(infos) }
    }

    /// Creates or updates a connector. Returns its ConnectorInfo and whether it was created.
    public func putConnector(
        name rawName: String, config: JSONObject, initialState: TargetState? = nil, allowReplace: Bool,
        nullKeys: Set<String> = []
    ) async throws(HerderError) -> (ConnectorInfo, Bool) {
        let name = rawName.trimmingWhitespace()
        if name.isEmpty && config["name"] == nil {
            throw .badRequest("Connector name configuration must not be empty")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .badRequest("Connector name configuration must not contain ISO control characters")
        }
        var config = config
        if let n = config["name"]?.stringValue {
            if n != name {
                throw .badRequest(
                    "Connector name configuration (\(n)) doesn't match connector name in the URL (\(name))")
            }
        } else {
            config["name"] = .string(name)
        }
        let existing = snapshot.connectorConfigs[name]
        if existing != nil && !allowReplace { throw .alreadyExists("Connector \(name) already exists") }
        // GET-then-PUT tooling sends "[hidden]" back: keep the stored secret.
        if let existing {
            for m in config where m.value.stringValue == "[hidden]" {
                if let old = existing[m.key] { config[m.key] = old }
            }
        }
        try validateForWrite(name: name, config: config, nullKeys: nullKeys)
        do {
            try await configStore!.putConnectorConfig(name, config, targetState: initialState)
        } catch {
            throw .storeFailure("Failed to write the connector configuration to Kafka: \(error)")
        }
        return (try connectorInfo(name), existing == nil)
    }

    public func patchConnector(name: String, patch: JSONObject) async throws(HerderError) -> ConnectorInfo {
        guard var config = snapshot.connectorConfigs[name] else { throw .notFound("Connector \(name) not found") }
        for m in patch {
            if m.value == .null {
                config[m.key] = nil
            } else if let s = m.value.stringValue {
                config[m.key] = .string(s)
            } else {
                config[m.key] = .string(JSONWriter.string(m.value))
            }
        }
        return try await putConnector(name: name, config: config, allowReplace: true).0
    }

    public func deleteConnector(_ name: String) async throws(HerderError) {
        guard connectorExists(name) else { throw .notFound("Connector \(name) not found") }
        do { try await configStore!.removeConnectorConfig(name) } catch {
            throw .storeFailure("Failed to write to Kafka: \(error)")
        }
    }

    public func setTargetState(_ name: String, _ state: TargetState) async throws(HerderError) {
        guard connectorExists(name) else {
            throw .notFound(state == .stopped ? "Connector \(name) not found" : "Unknown connector \(name)")
        }
        do {
            if state == .stopped { try await configStore!.putTaskConfigs(name, []) }
            try await configStore!.putTargetState(name, state)
        } catch {
            throw .storeFailure("Failed to write to Kafka: \(error)")
        }
    }

    /// Legacy restart (connector instance only), carried out by the worker running the connector.
    /// Returns nil when done here, else the id of the worker to forward the request to.
    public func restartConnector(_ name: String, forwarded: Bool = false) throws(HerderError) -> String? {
        guard connectorExists(name) else { throw .notFound("Unknown connector: \(name)") }
        let owner = try owner(forwarded: forwarded) { $0.ownerOfConnector(name) }
        if owner == nil { enqueue(.restartConnector(name)) }
        return owner
    }

    /// nil when this worker runs the work, else its owner's worker id. Refused as rebalanceInProgress
    /// during a rebalance, or when a forwarded request lands on a worker that does not run it either
    /// (the two disagree on the group).
    private func owner(forwarded: Bool, _ pick: (WorkerGroup) -> WorkerGroup.Member) throws(HerderError) -> String? {
        guard let group, !group.members.isEmpty else { throw .rebalanceInProgress }
        let owner = pick(group)
        if owner.memberId == group.me { return nil }
        if forwarded { throw .rebalanceInProgress }
        return owner.workerId
    }

    /// Restart with flags: persisted as a restart request; returns the plan with RESTARTING states, nil
    /// when the connector has no status yet.
    public func restartConnector(_ name: String, includeTasks: Bool, onlyFailed: Bool) async throws(HerderError)
        -> ConnectorStateInfo?
    {
        guard connectorExists(name) else { throw .notFound("Unknown connector: \(name)") }
        var plan = try? connectorStatus(name)
        if let c = plan?.connector, !onlyFailed || c.state == .failed { plan?.connector.state = .restarting }
        if includeTasks, let tasks = plan?.tasks {
            plan?.tasks = tasks.map { t in
                guard !onlyFailed || t.state.state == .failed else { return t }
                var t = t
                t.state.state = .restarting
                t.state.trace = nil
                return t
            }
        }
        do {
            try await configStore!.putRestartRequest(
                RestartRequest(connector: name, includeTasks: includeTasks, onlyFailed: onlyFailed))
        } catch {
            throw .storeFailure("Failed to write to Kafka: \(error)")
        }
        return plan
    }

    /// Restarts a task on the worker running it. Returns nil when done here, else the id of the worker
    /// to forward the request to.
    public func restartTask(_ name: String, _ task: Int, forwarded: Bool = false) throws(HerderError) -> String? {
        guard connectorExists(name) else { throw .notFound("Unknown connector: \(name)") }
        guard task >= 0 && task < (snapshot.taskConfigs[name]?.count ?? 0) else {
            throw .notFound("Unknown task: \(name)-\(task)")
        }
        let id = ConnectorTaskId(name, task)
        let taskCount = snapshot.taskConfigs[name]?.count ?? 0
        let owner = try owner(forwarded: forwarded) { $0.ownerOfTask(id, taskCount: taskCount) }
        if owner == nil { enqueue(.restartTask(id)) }
        return owner
    }

    /// `PUT /admin/loggers/{name}?scope=cluster`: a `logger-cluster-<name>` record for every worker.
    public func setClusterLogLevel(_ namespace: String, _ level: String) async throws(HerderError) {
        do { try await configStore!.putLoggerLevel(namespace, level) } catch {
            throw .storeFailure("Failed to write to Kafka: \(error)")
        }
    }

    // MARK: topics

    /// The topics the connector has used since its topics were last reset, sorted.
    public func activeTopics(_ name: String) throws(HerderError) -> [String] {
        guard workerConfig.topicTrackingEnabled else { throw .forbidden("Topic tracking is disabled.") }
        guard connectorExists(name) else { throw .notFound("Connector \(name) not found") }
        return (statusStore?.statuses.topics[name] ?? [:]).keys.sorted()
    }

    public func resetActiveTopics(_ name: String) async throws(HerderError) {
        guard workerConfig.topicTrackingEnabled else { throw .forbidden("Topic tracking is disabled.") }
        guard workerConfig.topicTrackingAllowReset else { throw .forbidden("Topic tracking reset is disabled.") }
        guard connectorExists(name) else { throw .notFound("Connector \(name) not found") }
        await statusStore?.resetTopics(connector: name)
    }
}

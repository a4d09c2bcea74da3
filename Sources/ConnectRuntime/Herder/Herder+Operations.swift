import ConnectAPI
import KafkaClient
import KafkaClientConfigs
import RestServing

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

    public func connectorInfo(_ name: String) throws(RestError) -> JSONValue {
        let snap = snapshot
        guard let config = snap.connectorConfigs[name] else { throw RestError(404, "Connector \(name) not found") }
        let plugin = plugin(for: config)
        return .object([
            ("name", .string(name)), ("config", .object(redact(config, plugin: plugin))),
            (
                "tasks",
                .array(
                    (0..<(snap.taskConfigs[name]?.count ?? 0)).map {
                        .object([("connector", .string(name)), ("task", .int(Int64($0)))])
                    })
            ),
            ("type", .string(plugin?.type.rawValue ?? "unknown")),
        ])
    }

    public func connectorConfig(_ name: String) throws(RestError) -> JSONValue {
        guard let config = snapshot.connectorConfigs[name] else { throw RestError(404, "Connector \(name) not found") }
        return .object(redact(config, plugin: plugin(for: config)))
    }

    public func taskConfigs(_ name: String) throws(RestError) -> JSONValue {
        let snap = snapshot
        guard let config = snap.connectorConfigs[name] else { throw RestError(404, "Connector \(name) not found") }
        let plugin = plugin(for: config)
        return .array(
            (snap.taskConfigs[name] ?? []).enumerated().map { i, tc in
                .object([
                    ("id", .object([("connector", .string(name)), ("task", .int(Int64(i)))])),
                    ("config", .object(redact(tc, plugin: plugin))),
                ])
            })
    }

    public func connectorStatus(_ name: String) throws(RestError) -> JSONValue {
        let statuses = statusStore?.statuses ?? .init()
        guard let c = statuses.connectors[name], let config = snapshot.connectorConfigs[name] else {
            throw RestError(404, "No status found for connector \(name)")
        }
        let count = snapshot.taskConfigs[name]?.count ?? 0
        let taskStates: [JSONValue] = (statuses.tasks[name] ?? [:]).sorted { $0.key < $1.key }
            .filter { $0.key < count && c.state != .stopped }
            .map { Self.stateJSON(id: $0.key, $0.value) }
        return .object([
            ("name", .string(name)), ("connector", Self.stateJSON(id: nil, c)), ("tasks", .array(taskStates)),
            ("type", .string(plugin(for: config)?.type.rawValue ?? "unknown")),
        ])
    }

    static func stateJSON(id: Int?, _ r: StatusRecord) -> JSONValue {
        var o = JSONObject()
        if let id { o["id"] = .int(Int64(id)) }
        o["state"] = .string(r.state.rawValue)
        o["worker_id"] = .string(r.workerId)
        if let t = r.trace, !t.isEmpty { o["trace"] = .string(t) }
        return .object(o)
    }

    public func taskStatus(_ name: String, _ task: Int) throws(RestError) -> JSONValue {
        guard let r = statusStore?.statuses.tasks[name]?[task], task < (snapshot.taskConfigs[name]?.count ?? 0) else {
            throw RestError(404, "No status found for task \(name)-\(task)")
        }
        return Self.stateJSON(id: task, r)
    }

    // MARK: writes

    /// Checks a connector config the way `POST /connectors` does, without writing anything.
    public func validateForWrite(name: String, config: JSONObject, nullKeys: Set<String> = []) throws(RestError) {
        let infos = try validate(config: Self.stringMap(config), nullKeys: nullKeys)
        if infos.errorCount > 0 { throw RestError(400, infos.invalidMessage) }
    }

    /// Creates or updates a connector. Returns its ConnectorInfo and whether it was created.
    public func putConnector(
        name rawName: String, config: JSONObject, initialState: TargetState? = nil, allowReplace: Bool,
        nullKeys: Set<String> = []
    ) async throws(RestError) -> (JSONValue, Bool) {
        let name = rawName.trimmingWhitespace()
        if name.isEmpty && config["name"] == nil {
            throw RestError(400, "Connector name configuration must not be empty")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw RestError(400, "Connector name configuration must not contain ISO control characters")
        }
        var config = config
        if let n = config["name"]?.stringValue {
            if n != name {
                throw RestError(
                    400, "Connector name configuration (\(n)) doesn't match connector name in the URL (\(name))")
            }
        } else {
            config["name"] = .string(name)
        }
        let existing = snapshot.connectorConfigs[name]
        if existing != nil && !allowReplace { throw RestError(409, "Connector \(name) already exists") }
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
            throw RestError(500, "Failed to write the connector configuration to Kafka: \(error)")
        }
        return (try connectorInfo(name), existing == nil)
    }

    public func patchConnector(name: String, patch: JSONObject) async throws(RestError) -> JSONValue {
        guard var config = snapshot.connectorConfigs[name] else { throw RestError(404, "Connector \(name) not found") }
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

    public func deleteConnector(_ name: String) async throws(RestError) {
        guard connectorExists(name) else { throw RestError(404, "Connector \(name) not found") }
        do { try await configStore!.removeConnectorConfig(name) } catch {
            throw RestError(500, "Failed to write to Kafka: \(error)")
        }
    }

    public func setTargetState(_ name: String, _ state: TargetState) async throws(RestError) {
        guard connectorExists(name) else {
            throw RestError(404, state == .stopped ? "Connector \(name) not found" : "Unknown connector \(name)")
        }
        do {
            if state == .stopped { try await configStore!.putTaskConfigs(name, []) }
            try await configStore!.putTargetState(name, state)
        } catch {
            throw RestError(500, "Failed to write to Kafka: \(error)")
        }
    }

    /// Legacy restart (connector instance only), carried out by the worker running the connector.
    /// Returns nil when done here, else the id of the worker to forward the request to.
    public func restartConnector(_ name: String, forwarded: Bool = false) throws(RestError) -> String? {
        guard connectorExists(name) else { throw RestError(404, "Unknown connector: \(name)") }
        let owner = try owner(forwarded: forwarded) { $0.ownerOfConnector(name) }
        if owner == nil { enqueue(.restartConnector(name)) }
        return owner
    }

    /// nil when this worker runs the work, else its owner's worker id; 409 during a rebalance, or when a
    /// forwarded request lands on a worker that does not run it either (the two disagree on the group).
    private func owner(forwarded: Bool, _ pick: (WorkerGroup) -> WorkerGroup.Member) throws(RestError) -> String? {
        guard let group, !group.members.isEmpty else { throw Self.rebalancing }
        let owner = pick(group)
        if owner.memberId == group.me { return nil }
        if forwarded { throw Self.rebalancing }
        return owner.workerId
    }

    static let rebalancing = RestError(
        409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)")

    /// Restart with flags: persisted as a restart request; returns the plan with RESTARTING states.
    public func restartConnector(_ name: String, includeTasks: Bool, onlyFailed: Bool) async throws(RestError)
        -> JSONValue
    {
        guard connectorExists(name) else { throw RestError(404, "Unknown connector: \(name)") }
        var info = (try? connectorStatus(name))?.objectValue ?? JSONObject()
        if var c = info["connector"]?.objectValue, !onlyFailed || c["state"]?.stringValue == "FAILED" {
            c["state"] = .string("RESTARTING")
            info["connector"] = .object(c)
        }
        if includeTasks, let ts = info["tasks"]?.arrayValue {
            info["tasks"] = .array(
                ts.map { t in
                    guard var o = t.objectValue, !onlyFailed || o["state"]?.stringValue == "FAILED" else { return t }
                    o["state"] = .string("RESTARTING")
                    o["trace"] = nil
                    return .object(o)
                })
        }
        do {
            try await configStore!.putRestartRequest(
                RestartRequest(connector: name, includeTasks: includeTasks, onlyFailed: onlyFailed))
        } catch {
            throw RestError(500, "Failed to write to Kafka: \(error)")
        }
        return .object(info)
    }

    /// Restarts a task on the worker running it. Returns nil when done here, else the id of the worker
    /// to forward the request to.
    public func restartTask(_ name: String, _ task: Int, forwarded: Bool = false) throws(RestError) -> String? {
        guard connectorExists(name) else { throw RestError(404, "Unknown connector: \(name)") }
        guard task >= 0 && task < (snapshot.taskConfigs[name]?.count ?? 0) else {
            throw RestError(404, "Unknown task: \(name)-\(task)")
        }
        let id = ConnectorTaskId(name, task)
        let taskCount = snapshot.taskConfigs[name]?.count ?? 0
        let owner = try owner(forwarded: forwarded) { $0.ownerOfTask(id, taskCount: taskCount) }
        if owner == nil { enqueue(.restartTask(id)) }
        return owner
    }

    /// `PUT /admin/loggers/{name}?scope=cluster`: a `logger-cluster-<name>` record for every worker.
    public func setClusterLogLevel(_ namespace: String, _ level: String) async throws(RestError) {
        do { try await configStore!.putLoggerLevel(namespace, level) } catch {
            throw RestError(500, "Failed to write to Kafka: \(error)")
        }
    }

    // MARK: topics

    public func activeTopics(_ name: String) throws(RestError) -> JSONValue {
        guard workerConfig.topicTrackingEnabled else { throw RestError(403, "Topic tracking is disabled.") }
        guard connectorExists(name) else { throw RestError(404, "Connector \(name) not found") }
        let topics = (statusStore?.statuses.topics[name] ?? [:]).keys.sorted()
        return .object([(name, .object([("topics", .array(topics.map { .string($0) }))]))])
    }

    public func resetActiveTopics(_ name: String) async throws(RestError) {
        guard workerConfig.topicTrackingEnabled else { throw RestError(403, "Topic tracking is disabled.") }
        guard workerConfig.topicTrackingAllowReset else { throw RestError(403, "Topic tracking reset is disabled.") }
        guard connectorExists(name) else { throw RestError(404, "Connector \(name) not found") }
        await statusStore?.resetTopics(connector: name)
    }
}

import ConnectAPI

/// A connector's target state, as stored in `target-state-<name>` records.
public enum TargetState: String, Sendable {
    case started = "STARTED"
    case paused = "PAUSED"
    case stopped = "STOPPED"
}

/// A pending restart request (`restart-connector-<name>`).
public struct RestartRequest: Sendable, Hashable {
    public let connector: String
    public let includeTasks: Bool
    public let onlyFailed: Bool
}

/// Everything the config topic says, as of the last record applied.
public struct ConfigSnapshot: Sendable {
    /// Raw connector configs (placeholders unresolved), in submitted key order.
    public var connectorConfigs: [String: JSONObject] = [:]
    /// Committed task configs per connector (only applied when a `commit-` record completes them).
    public var taskConfigs: [String: [JSONObject]] = [:]
    public var targetStates: [String: TargetState] = [:]
    public var restartRequests: [String: RestartRequest] = [:]
    /// Connectors whose task records were incomplete at a commit: their tasks must be regenerated.
    public var inconsistent: Set<String> = []
    public var loggerLevels: [String: String] = [:]
    /// Task records read but not yet committed.
    var deferredTasks: [String: [Int: JSONObject]] = [:]
    /// Offset of the last config record applied.
    public var offset: Int64 = -1

    public func targetState(_ connector: String) -> TargetState { targetStates[connector] ?? .started }

    public var connectorNames: [String] { connectorConfigs.keys.sorted() }
}

/// Kafka Connect's config-topic record keys and values (`KafkaConfigBackingStore`).
public enum ConfigRecords {
    public static func connectorKey(_ name: String) -> String { "connector-\(name)" }
    public static func taskKey(_ name: String, _ task: Int) -> String { "task-\(name)-\(task)" }
    public static func commitKey(_ name: String) -> String { "commit-\(name)" }
    public static func targetStateKey(_ name: String) -> String { "target-state-\(name)" }
    public static func restartKey(_ name: String) -> String { "restart-connector-\(name)" }

    public static func propertiesValue(_ config: JSONObject) -> [UInt8] {
        JSONWriter.bytes(.object(["properties": .object(config)]))
    }
    public static func commitValue(tasks: Int) -> [UInt8] {
        JSONWriter.bytes(.object(["tasks": .int(Int64(tasks))]))
    }
    /// `state` is the legacy field: old workers do not know STOPPED, so it says PAUSED then.
    public static func targetStateValue(_ state: TargetState) -> [UInt8] {
        JSONWriter.bytes(
            .object([
                ("state", .string(state == .stopped ? TargetState.paused.rawValue : state.rawValue)),
                ("state.v2", .string(state.rawValue)),
            ]))
    }
    public static func restartValue(includeTasks: Bool, onlyFailed: Bool) -> [UInt8] {
        JSONWriter.bytes(.object([("include-tasks", .bool(includeTasks)), ("only-failed", .bool(onlyFailed))]))
    }

    public enum Change: Sendable, Hashable {
        case connector(String)
        case tasks(String)
        case targetState(String)
        case restart(RestartRequest)
        case logger(String)
    }

    /// Applies one record to `snapshot`; returns what changed (nil for records we skip).
    public static func apply(key: String, value: [UInt8]?, offset: Int64, to s: inout ConfigSnapshot) -> Change? {
        s.offset = offset
        let json = value.flatMap { try? JSONParser.parse($0) }
        func properties() -> JSONObject? {
            guard let p = json?["properties"]?.objectValue else { return nil }
            return JSONObject(p.members.compactMap { m in m.value.stringValue.map { (m.key, JSONValue.string($0)) } })
        }
        if let name = key.strip(prefix: "connector-") {
            if value == nil {
                s.connectorConfigs[name] = nil
                s.taskConfigs[name] = nil
                s.deferredTasks[name] = nil
                s.targetStates[name] = nil
                s.inconsistent.remove(name)
            } else if let p = properties() {
                s.connectorConfigs[name] = p
            } else {
                return nil
            }
            return .connector(name)
        }
        if let rest = key.strip(prefix: "task-") {
            guard let dash = rest.lastIndex(of: "-"), let idx = Int(rest[rest.index(after: dash)...]) else {
                return nil
            }
            let name = String(rest[..<dash])
            guard let p = properties() else { return nil }
            s.deferredTasks[name, default: [:]][idx] = p
            return nil
        }
        if let name = key.strip(prefix: "commit-") {
            guard let n = json?["tasks"]?.int64Value.map(Int.init) else { return nil }
            let deferred = s.deferredTasks[name] ?? [:]
            if (0..<n).allSatisfy({ deferred[$0] != nil }) {
                s.taskConfigs[name] = (0..<n).map { deferred[$0]! }
                s.inconsistent.remove(name)
            } else {
                s.inconsistent.insert(name)
            }
            s.deferredTasks[name] = nil
            return .tasks(name)
        }
        if let name = key.strip(prefix: "target-state-") {
            if value == nil {
                s.targetStates[name] = nil
            } else {
                let raw = json?["state.v2"]?.stringValue ?? json?["state"]?.stringValue
                guard let st = raw.flatMap(TargetState.init(rawValue:)) else { return nil }
                s.targetStates[name] = st
            }
            return .targetState(name)
        }
        if let name = key.strip(prefix: "restart-connector-") {
            guard let json else {
                s.restartRequests[name] = nil
                return nil
            }
            let r = RestartRequest(
                connector: name, includeTasks: json["include-tasks"]?.boolValue ?? false,
                onlyFailed: json["only-failed"]?.boolValue ?? false)
            s.restartRequests[name] = r
            return .restart(r)
        }
        if let ns = key.strip(prefix: "logger-cluster-") {
            s.loggerLevels[ns] = json?["level"]?.stringValue
            return .logger(ns)
        }
        return nil  // session-key, tasks-fencing-…: not used by this runtime
    }
}

extension String {
    func strip(prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

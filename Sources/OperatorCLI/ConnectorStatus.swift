import ConnectAPI

/// A connector as `GET /connectors?expand=status&expand=info` describes it, read for the tables.
public struct ConnectorStatus: Sendable, Equatable {
    public struct Task: Sendable, Equatable {
        public let id: Int
        public let state: String
        public let workerId: String
        public let trace: String?
    }
    public let name: String
    public let type: String
    public let state: String
    public let workerId: String
    public let trace: String?
    public let tasks: [Task]

    /// One connector's status object (`GET /connectors/{c}/status`, or the `status` of an expanded list).
    public init?(status: JSONValue) {
        guard let name = status["name"]?.stringValue, let c = status["connector"] else { return nil }
        self.name = name
        type = status["type"]?.stringValue ?? "unknown"
        state = c["state"]?.stringValue ?? "UNKNOWN"
        workerId = c["worker_id"]?.stringValue ?? ""
        trace = c["trace"]?.stringValue
        tasks = (status["tasks"]?.arrayValue ?? []).compactMap { t in
            guard let id = t["id"]?.int64Value else { return nil }
            return Task(
                id: Int(id), state: t["state"]?.stringValue ?? "UNKNOWN", workerId: t["worker_id"]?.stringValue ?? "",
                trace: t["trace"]?.stringValue)
        }
    }

    /// Every connector of an expanded list (`{"name": {"status": {…}, …}}`), by name.
    public static func all(expanded: JSONValue) -> [ConnectorStatus] {
        (expanded.objectValue ?? JSONObject()).compactMap { m in m.value["status"].flatMap(ConnectorStatus.init) }
            .sorted { $0.name < $1.name }
    }

    /// How many tasks are in each state (`2 RUNNING`, `1 RUNNING, 1 FAILED`); `0` without tasks.
    public var taskSummary: String {
        if tasks.isEmpty { return "0" }
        var counts: [(String, Int)] = []
        for t in tasks {
            if let i = counts.firstIndex(where: { $0.0 == t.state }) {
                counts[i].1 += 1
            } else {
                counts.append((t.state, 1))
            }
        }
        return counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
    }

    /// `tributary connectors list`: one line per connector.
    public static func listTable(_ connectors: [ConnectorStatus]) -> String {
        var t = Table(["NAME", "TYPE", "STATE", "TASKS", "WORKER"])
        for c in connectors { t.append([c.name, c.type, c.state, c.taskSummary, c.workerId]) }
        return t.render()
    }

    /// `tributary connectors status`: each connector, then one line per task, then the first line of
    /// every failure's trace (the whole traces are in `--output json`).
    public static func statusTable(_ connectors: [ConnectorStatus]) -> String {
        var t = Table(["NAME", "TYPE", "STATE", "TASKS", "WORKER"])
        var failures: [String] = []
        for c in connectors {
            t.append([c.name, c.type, c.state, c.taskSummary, c.workerId])
            if let trace = c.trace { failures.append("\(c.name): \(c.state): \(firstLine(trace))") }
            for task in c.tasks {
                t.append(["  task \(task.id)", "", task.state, "", task.workerId])
                if let trace = task.trace {
                    failures.append("\(c.name) task \(task.id): \(task.state): \(firstLine(trace))")
                }
            }
        }
        var out = t.render()
        if !failures.isEmpty { out += "\n" + failures.map { $0 + "\n" }.joined() }
        return out
    }

    static func firstLine(_ trace: String) -> String {
        String(trace.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first ?? "")
    }
}

import ConnectAPI
import ConnectRuntime

/// `tributary apply`: validate every connector of a file on the worker, print the plan, then apply it.
public struct Apply: Sendable {
    public let client: ConnectClient
    public let deleteMissing: Bool

    public init(client: ConnectClient, deleteMissing: Bool) {
        self.client = client
        self.deleteMissing = deleteMissing
    }

    /// The validation problems of every connector (empty: all valid) and the keys the worker treats as
    /// secrets, by connector.
    public func validate(_ file: ConnectorsFile) async throws(CLIError) -> (
        problems: [String], secrets: [String: Set<String>]
    ) {
        var problems: [String] = []
        var secrets: [String: Set<String>] = [:]
        for e in file.entries {
            guard let cls = e.config["connector.class"]?.stringValue, !cls.isEmpty else {
                problems.append("\(e.name): connector.class: Missing required configuration \"connector.class\"")
                continue
            }
            let path = "/connector-plugins/\(ConnectorProblems.pathSegment(cls))/config/validate"
            let r = try await client.send("PUT", path, body: .object(e.config))
            guard (200..<300).contains(r.status), let infos = r.json else {
                problems.append("\(e.name): " + ConnectClient.errorMessage(r, method: "PUT", path: path))
                continue
            }
            problems += ConnectorProblems.lines(connector: e.name, configInfos: infos, written: e.config)
            var keys = Set<String>()
            for c in infos["configs"]?.arrayValue ?? [] {
                guard let name = c["value"]?["name"]?.stringValue else { continue }
                if c["definition"]?["type"]?.stringValue == "PASSWORD"
                    || c["value"]?["value"]?.stringValue == ApplyPlan.hidden
                {
                    keys.insert(name)
                }
            }
            secrets[e.name] = keys
        }
        return (problems, secrets)
    }

    /// The worker's connectors and their configs, and the plan that brings them to the file's.
    public func plan(_ file: ConnectorsFile, secrets: [String: Set<String>]) async throws(CLIError) -> ApplyPlan {
        let names = try await client.call("GET", "/connectors")?.arrayValue?.compactMap(\.stringValue) ?? []
        var current: [String: [String: String]] = [:]
        for name in names {
            // Only the file's connectors are compared; the others need no config to be listed or deleted.
            guard file.entries.contains(where: { $0.name == name }) else {
                current[name] = [:]
                continue
            }
            let path = "/connectors/\(ConnectorProblems.pathSegment(name))/config"
            let r = try await client.send("GET", path)
            // Deleted since the list was read: it will be created.
            if r.status == 404 { continue }
            guard r.status == 200, let config = r.json?.objectValue else {
                throw CLIError(ConnectClient.errorMessage(r, method: "GET", path: path))
            }
            current[name] = Self.strings(config)
        }
        return ApplyPlan.compute(
            desired: file.entries.map { e in
                (e.name, Self.strings(e.config), e.initialState.map { Self.stateName($0) })
            }, current: current, deleteMissing: deleteMissing,
            isSecret: { connector, key in secrets[connector]?.contains(key) == true })
    }

    /// Carries the plan out in its order; stops at the first refusal, saying what was done before it.
    public func execute(_ plan: ApplyPlan, file: ConnectorsFile, report: (String) -> Void) async throws(CLIError)
        -> [JSONValue]
    {
        var done: [JSONValue] = []
        var applied: [String] = []
        for item in plan.items {
            let segment = ConnectorProblems.pathSegment(item.name)
            let config = file.entries.first { $0.name == item.name }?.config ?? JSONObject()
            do throws(CLIError) {
                switch item.action {
                case .create where item.initialState != nil:
                    // initial_state (KIP-980) is a field of POST /connectors only.
                    let body: JSONValue = .object([
                        ("name", .string(item.name)), ("config", .object(config)),
                        ("initial_state", .string(item.initialState!)),
                    ])
                    done.append(try await client.call("POST", "/connectors", body: body) ?? .null)
                case .create, .update:
                    done.append(
                        try await client.call("PUT", "/connectors/\(segment)/config", body: .object(config)) ?? .null)
                case .delete:
                    try await client.call("DELETE", "/connectors/\(segment)")
                    done.append(.object([("name", .string(item.name)), ("deleted", .bool(true))]))
                case .unchanged, .leave: continue
                }
            } catch {
                let before =
                    applied.isEmpty
                    ? "nothing applied before it" : "applied before it: \(applied.joined(separator: ", "))"
                throw CLIError("\(item.name): \(item.action.rawValue) failed: \(error.message) (\(before))")
            }
            let verb = item.action == .create ? "created" : item.action == .update ? "updated" : "deleted"
            applied.append("\(verb) \(item.name)")
            report("\(verb) \(item.name)")
        }
        return done
    }

    static func strings(_ o: JSONObject) -> [String: String] {
        var out: [String: String] = [:]
        for m in o { out[m.key] = m.value.stringValue ?? JSONWriter.string(m.value) }
        return out
    }

    static func stateName(_ s: TargetState) -> String {
        switch s {
        case .started: return "RUNNING"
        case .paused: return "PAUSED"
        case .stopped: return "STOPPED"
        }
    }
}

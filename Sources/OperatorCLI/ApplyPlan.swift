import ConnectAPI

/// What `tributary apply` will do: each connector of the file compared with the worker's config.
///
/// Kafka Connect's REST API shows secrets as `"[hidden]"`, so a secret written in clear in the file
/// cannot be compared: such a key counts as changed and is sent again (placeholders such as
/// `${env:PG_PASSWORD}` are stored and shown as written, and compare exactly). Connectors on the worker
/// that the file does not name are left alone unless `deleteMissing` asks for their deletion.
public struct ApplyPlan: Sendable, Equatable {
    public enum Action: String, Sendable, Equatable {
        case create, update, unchanged, delete
        /// On the worker, not in the file, and not deleted.
        case leave
    }

    public struct Change: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case added, removed, changed }
        public let key: String
        public let kind: Kind
        /// Values are shown unless `secret` (a password-typed key, or one the worker hides).
        public let old: String?
        public let new: String?
        public let secret: Bool
    }

    public struct Item: Sendable, Equatable {
        public let name: String
        public let action: Action
        public let changes: [Change]
        /// The file's `initial_state` (creates only, as Kafka Connect's `POST /connectors`).
        public let initialState: String?
    }

    public let items: [Item]

    public static let hidden = "[hidden]"

    /// - Parameters:
    ///   - desired: the file's connectors in file order, each config with its `name`.
    ///   - current: the worker's connectors and their configs as `GET /connectors/{c}/config` shows them.
    ///   - isSecret: whether a key of a connector holds a secret (its value is never printed); `apply`
    ///     asks the worker's `config/validate` (PASSWORD-typed keys, values it shows as `[hidden]`).
    public static func compute(
        desired: [(name: String, config: [String: String], initialState: String?)], current: [String: [String: String]],
        deleteMissing: Bool, isSecret: (_ connector: String, _ key: String) -> Bool = { _, _ in false }
    ) -> ApplyPlan {
        var items: [Item] = []
        for d in desired {
            guard let now = current[d.name] else {
                items.append(Item(name: d.name, action: .create, changes: [], initialState: d.initialState))
                continue
            }
            var changes: [Change] = []
            for key in Set(d.config.keys).union(now.keys).sorted() {
                let old = now[key]
                let new = d.config[key]
                let secret = old == hidden || isSecret(d.name, key)
                switch (old, new) {
                case (nil, let n?): changes.append(Change(key: key, kind: .added, old: nil, new: n, secret: secret))
                case (let o?, nil): changes.append(Change(key: key, kind: .removed, old: o, new: nil, secret: secret))
                case (let o?, let n?) where o != n && n != hidden:
                    changes.append(Change(key: key, kind: .changed, old: o, new: n, secret: secret))
                default: break
                }
            }
            items.append(
                Item(
                    name: d.name, action: changes.isEmpty ? .unchanged : .update, changes: changes,
                    initialState: nil))
        }
        let named = Set(desired.map(\.name))
        for name in current.keys.sorted() where !named.contains(name) {
            items.append(Item(name: name, action: deleteMissing ? .delete : .leave, changes: [], initialState: nil))
        }
        return ApplyPlan(items: items)
    }

    public func count(_ action: Action) -> Int { items.filter { $0.action == action }.count }

    /// Whether applying the plan changes anything on the worker.
    public var isEmpty: Bool { items.allSatisfy { $0.action == .unchanged || $0.action == .leave } }

    /// The plan as printed before anything is applied.
    public func render() -> String {
        var out =
            "Plan: \(count(.create)) to create, \(count(.update)) to update, \(count(.unchanged)) unchanged, \(count(.delete)) to delete\n"
        for item in items {
            switch item.action {
            case .create:
                out +=
                    "  + \(item.name) (create"
                    + (item.initialState.map { ", initial state \($0)" } ?? "") + ")\n"
            case .update:
                out += "  ~ \(item.name) (update)\n"
                for c in item.changes { out += "      " + Self.line(c) + "\n" }
            case .unchanged: out += "  = \(item.name) (unchanged)\n"
            case .delete: out += "  - \(item.name) (delete: not in the file)\n"
            case .leave: out += "  ? \(item.name) (not in the file: left alone; --delete-missing deletes it)\n"
            }
        }
        return out
    }

    static func line(_ c: Change) -> String {
        func shown(_ v: String) -> String { c.secret ? hidden : v }
        switch c.kind {
        case .added: return "+ \(c.key): \(shown(c.new ?? ""))"
        case .removed: return "- \(c.key): \(shown(c.old ?? ""))"
        case .changed:
            if c.old == hidden { return "~ \(c.key): [hidden] (the worker hides secrets: it is sent again)" }
            return "~ \(c.key): \(shown(c.old ?? "")) -> \(shown(c.new ?? ""))"
        }
    }

    /// The plan for `--output json`; secrets appear as `[hidden]`.
    public var json: JSONValue {
        .array(
            items.map { item in
                var o: [(String, JSONValue)] = [
                    ("name", .string(item.name)), ("action", .string(item.action.rawValue)),
                ]
                if item.action == .update {
                    o.append(
                        (
                            "changes",
                            .array(
                                item.changes.map { c in
                                    let kind: String
                                    switch c.kind {
                                    case .added: kind = "added"
                                    case .removed: kind = "removed"
                                    case .changed: kind = "changed"
                                    }
                                    return .object([
                                        ("key", .string(c.key)), ("change", .string(kind)),
                                        ("old", c.old.map { .string(c.secret ? Self.hidden : $0) } ?? .null),
                                        ("new", c.new.map { .string(c.secret ? Self.hidden : $0) } ?? .null),
                                    ])
                                })
                        ))
                }
                return .object(JSONObject(o))
            })
    }
}

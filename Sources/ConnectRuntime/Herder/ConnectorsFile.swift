import ConnectAPI

/// `connectors.json`: connectors declared in a file, in the shape of `POST /connectors` bodies — a JSON
/// array of `{"name":…,"config":{…}}`, or an object with a `connectors` array.
public struct ConnectorsFile: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let config: JSONObject
        public let initialState: TargetState?
    }
    public let entries: [Entry]

    /// Why a file cannot be read or applied; the message names the file or the connector.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func load(path: String) throws(Refusal) -> ConnectorsFile {
        let bytes: [UInt8]
        do { bytes = try ProcessEnv.readFile(path, streams: true) } catch {
            throw Refusal(message: "Cannot read \(error)")
        }
        return try parse(bytes, source: path)
    }

    public static func parse(_ bytes: [UInt8], source: String) throws(Refusal) -> ConnectorsFile {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch { throw Refusal(message: "\(source): invalid JSON: \(error)") }
        let list: [JSONValue]
        if let a = json.arrayValue {
            list = a
        } else if let a = json["connectors"]?.arrayValue {
            list = a
        } else {
            throw Refusal(message: "\(source): expected a JSON array of {\"name\":…,\"config\":{…}} objects")
        }
        var entries: [Entry] = []
        var seen = Set<String>()
        var problems: [String] = []
        for (i, item) in list.enumerated() {
            guard let name = item["name"]?.stringValue, !name.isEmpty else {
                problems.append("\(source): entry \(i): missing \"name\"")
                continue
            }
            if !seen.insert(name).inserted { problems.append("\(source): connector \(name): declared more than once") }
            guard let c = item["config"]?.objectValue else {
                problems.append("\(source): connector \(name): missing \"config\" object")
                continue
            }
            var config = JSONObject()
            for m in c {
                switch m.value {
                case .string: config[m.key] = m.value
                case .int, .number, .bool: config[m.key] = .string(JSONWriter.string(m.value))
                default: problems.append("\(source): connector \(name): key \(m.key): expected a string value")
                }
            }
            if config["name"] == nil { config["name"] = .string(name) }
            let state = item["initial_state"]?.stringValue.map { s -> TargetState in
                s.uppercased() == "PAUSED" ? .paused : s.uppercased() == "STOPPED" ? .stopped : .started
            }
            entries.append(Entry(name: name, config: config, initialState: state))
        }
        if !problems.isEmpty { throw Refusal(message: problems.joined(separator: "\n")) }
        return ConnectorsFile(entries: entries)
    }

    /// Every problem of every entry, each prefixed with its connector; empty when the file is valid.
    public func validate(with herder: Herder) async -> [String] {
        var problems: [String] = []
        for e in entries {
            do { try await herder.validateForWrite(name: e.name, config: e.config) } catch {
                let lines = error.message.split(separator: "\n").map(String.init)
                    .filter {
                        !$0.hasPrefix("Connector configuration is invalid") && !$0.hasPrefix("You can also find")
                    }
                problems += lines.map { "connector \(e.name): \($0)" }
            }
        }
        return problems
    }

    /// Validates everything first; then creates missing connectors and updates changed ones (others are
    /// left alone). Returns what it did; throws with every problem when anything is invalid.
    public func apply(to herder: Herder) async throws(Refusal) -> [String] {
        let problems = await validate(with: herder)
        if !problems.isEmpty {
            throw Refusal(message: "connectors file refused, nothing applied:\n" + problems.joined(separator: "\n"))
        }
        var done: [String] = []
        for e in entries {
            // Compare with the stored config, not the REST view: that shows secrets as "[hidden]", so
            // every connector with a password would look changed and restart on each SIGHUP.
            let current = await herder.storedConnectorConfig(e.name)
            if let current, Herder.stringMap(current) == Herder.stringMap(e.config) { continue }
            do {
                _ = try await herder.putConnector(
                    name: e.name, config: e.config, initialState: e.initialState, allowReplace: true)
            } catch {
                throw Refusal(message: error.message)
            }
            done.append(current == nil ? "created \(e.name)" : "updated \(e.name)")
        }
        return done
    }
}

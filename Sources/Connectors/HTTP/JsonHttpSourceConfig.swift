import ConnectAPI

/// The generic JSON HTTP source's keys, named as in castorm's kafka-connect-http (reference
/// connectors.md §4.3), the subset that polls a JSON list.
struct JsonHttpSourceConfig: Sendable, CrossKeyRules {
    let url: String
    let params: [(String, String)]
    let headers: [(name: String, value: String)]
    let listPointer: JSONPointer
    let keyPointers: [JSONPointer]
    let timestampPointer: JSONPointer?
    let topic: String
    let intervalMs: Int64
    let initialOffset: [String: String]
    let requestTimeoutMs: Int
    let maxRetries: Int
    let maxConsecutiveFailures: Int
    /// resume.skip.delivered
    let skipDelivered: Bool

    static let configDef = ConfigDef()
        .define(
            "kafka.topic", .string, importance: .high, documentation: "The topic to write the records to.",
            group: "Kafka", orderInGroup: 1, width: .long, displayName: "Topic"
        )
        .define(
            "http.request.url", .string, importance: .high,
            documentation: "The URL to poll; ${offset.timestamp} and ${offset.key} are replaced by the last record's.",
            group: "Request", orderInGroup: 1, width: .long, displayName: "URL"
        )
        .define(
            "http.request.params", .string, defaultValue: "", importance: .medium,
            documentation: "Query parameters, 'name=value & name2=value2', templated as the URL.", group: "Request",
            orderInGroup: 2, width: .long, displayName: "Parameters"
        )
        .define(
            "http.request.headers", .string, defaultValue: "", importance: .medium,
            documentation: "Request headers, 'Name: Value, Name2: Value2'.", group: "Request", orderInGroup: 3,
            width: .long, displayName: "Headers"
        )
        .define(
            "http.response.list.pointer", .string, defaultValue: "/", importance: .high,
            documentation: "JSON pointer (RFC 6901) to the array of records in the response, e.g. /features.",
            group: "Response", orderInGroup: 1, width: .medium, displayName: "List pointer"
        )
        .define(
            "http.response.record.key.pointer", .string, defaultValue: "", importance: .medium,
            documentation:
                "Comma-separated JSON pointers to the record key within each item (several: joined with +); empty = no key.",
            group: "Response", orderInGroup: 2, width: .medium, displayName: "Key pointer"
        )
        .define(
            "http.response.record.timestamp.pointer", .string, defaultValue: "", importance: .medium,
            documentation:
                "JSON pointer to the record's timestamp (epoch milliseconds, or an ISO-8601 date-time): records are emitted in its order and those at or before the stored offset are skipped.",
            group: "Response", orderInGroup: 3, width: .medium, displayName: "Timestamp pointer"
        )
        .define(
            "http.timer.interval.millis", .long, defaultValue: "60000", validator: .range(atLeast: 0),
            importance: .medium, documentation: "The time between polls.", group: "Timer", orderInGroup: 1,
            width: .short, displayName: "Interval (ms)"
        )
        .define(
            "http.offset.initial", .string, defaultValue: "", importance: .low,
            documentation: "The offset to start from, 'timestamp=2024-01-01T00:00:00Z, key=…'.", group: "Offset",
            orderInGroup: 1, width: .long, displayName: "Initial offset"
        )
        .definingHttpRequestKeys(timeoutKey: "http.client.read.timeout.millis")

    init(_ raw: [String: String]) throws {
        let c = try Self.configDef.parse(raw)
        if let problem = Self.firstProblem(c) { throw ConfigException(problem) }
        url = c.string("http.request.url")!.trimmingWhitespace()
        params = Self.pairs(c.string("http.request.params") ?? "", separator: "&", assign: "=")
        headers = Self.pairs(c.string("http.request.headers") ?? "", separator: ",", assign: ":").map { ($0.0, $0.1) }
        listPointer = JSONPointer(c.string("http.response.list.pointer") ?? "/")!
        keyPointers = (c.string("http.response.record.key.pointer") ?? "").split(separator: ",")
            .map { JSONPointer(String($0).trimmingWhitespace())! }
        let ts = (c.string("http.response.record.timestamp.pointer") ?? "").trimmingWhitespace()
        timestampPointer = ts.isEmpty ? nil : JSONPointer(ts)
        topic = c.string("kafka.topic")!.trimmingWhitespace()
        intervalMs = c.int64("http.timer.interval.millis") ?? 60_000
        initialOffset = Dictionary(
            Self.pairs(c.string("http.offset.initial") ?? "", separator: ",", assign: "="), uniquingKeysWith: { $1 })
        requestTimeoutMs = c.int("http.client.read.timeout.millis") ?? 60_000
        maxRetries = c.int("http.max.retries") ?? 5
        maxConsecutiveFailures = c.int("http.max.consecutive.failures") ?? 0
        skipDelivered = c.bool("resume.skip.delivered") ?? true
    }

    static func rules(value: (String) -> String?, add: (String, String) -> Void) {
        let url = (value("http.request.url") ?? "").trimmingWhitespace()
        if !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            add("http.request.url", "Invalid value \(url) for configuration http.request.url: an http(s) URL is needed")
        }
        let keys = [
            "http.response.list.pointer", "http.response.record.key.pointer", "http.response.record.timestamp.pointer",
        ]
        for key in keys {
            let v = (value(key) ?? (key == "http.response.list.pointer" ? "/" : "")).trimmingWhitespace()
            let parts = key == "http.response.record.key.pointer" ? v.split(separator: ",").map(String.init) : [v]
            for p in parts where !p.trimmingWhitespace().isEmpty && JSONPointer(p.trimmingWhitespace()) == nil {
                add(
                    key,
                    "Invalid value \(p) for configuration \(key): a JSON pointer starts with / (e.g. /features or /properties/updated)"
                )
            }
        }
        if (value("kafka.topic") ?? "").trimmingWhitespace().isEmpty {
            add("kafka.topic", "Invalid value for configuration kafka.topic: a topic name is needed")
        }
    }

    /// `a=b & c=d` (or `A: b, C: d`) → pairs, trimmed.
    static func pairs(_ s: String, separator: Character, assign: Character) -> [(String, String)] {
        s.split(separator: separator).compactMap { item in
            let kv = item.split(separator: assign, maxSplits: 1)
            guard kv.count == 2 else { return nil }
            return (String(kv[0]).trimmingWhitespace(), String(kv[1]).trimmingWhitespace())
        }
    }
}

/// An RFC 6901 JSON pointer (`/features/0/id`; `~1` is `/`, `~0` is `~`; `/` or empty = the document).
struct JSONPointer: Sendable, Equatable {
    let tokens: [String]

    init?(_ text: String) {
        if text.isEmpty || text == "/" {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacing("~1", with: "/").replacing("~0", with: "~")
        }
    }

    func resolve(_ value: JSONValue) -> JSONValue? {
        var v = value
        for t in tokens {
            switch v {
            case .object(let o):
                guard let next = o[t] else { return nil }
                v = next
            case .array(let a):
                guard let i = Int(t), a.indices.contains(i) else { return nil }
                v = a[i]
            default: return nil
            }
        }
        return v
    }

    /// The same over a record read back through a converter (maps and structs for objects).
    func resolve(_ value: Value) -> Value? {
        var v = value
        for t in tokens {
            if case .array(let a) = v {
                guard let i = Int(t), a.indices.contains(i) else { return nil }
                v = a[i]
            } else {
                guard let next = v.member(t) else { return nil }
                v = next
            }
        }
        return v
    }
}

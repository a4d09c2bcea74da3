import ConnectAPI

/// The Socrata source's keys (reference connectors.md §4.1), read into one value.
struct SocrataSourceConfig: Sendable, CrossKeyRules {
    /// `https://data.sfgov.org` (a bare domain gets https://; tests point it at http://127.0.0.1:port).
    let baseURL: String
    let domain: String
    let dataset: String
    let appToken: String?
    let select: String
    let filter: String
    let topic: String
    let pollIntervalMs: Int64
    let pageSize: Int
    /// `:updated_at` to start after when no offset is stored (nil = the beginning).
    let start: String?
    let keyField: String
    /// Values as Structs with a schema from the dataset's column types (else schemaless maps).
    let valueSchema: Bool
    let requestTimeoutMs: Int
    let maxRetries: Int
    let maxConsecutiveFailures: Int
    /// resume.skip.delivered
    let skipDelivered: Bool

    static let configDef = ConfigDef()
        .define(
            "socrata.domain", .string, importance: .high,
            documentation: "The open-data portal, e.g. data.sfgov.org (https:// assumed), or its URL.",
            group: "Socrata", orderInGroup: 1, width: .long, displayName: "Domain"
        )
        .define(
            "socrata.dataset", .string, importance: .high,
            documentation:
                "The dataset's id (four-by-four, e.g. wr8u-xric) or its resource URL (https://data.sfgov.org/resource/wr8u-xric.json).",
            group: "Socrata", orderInGroup: 2, width: .medium, displayName: "Dataset"
        )
        .define(
            "socrata.app.token", .password, defaultValue: .some(nil), importance: .medium,
            documentation:
                "Application token, sent as X-App-Token: requests with one are not throttled with the shared pool.",
            group: "Socrata", orderInGroup: 3, width: .long, displayName: "App token"
        )
        .define(
            "socrata.select", .string, defaultValue: "", importance: .low,
            documentation:
                "Columns to read ($select), e.g. incident_number,call_type; empty = every column. The system fields :id and :updated_at are always added.",
            group: "Socrata", orderInGroup: 4, width: .long, displayName: "Select"
        )
        .define(
            "socrata.where", .string, defaultValue: "", importance: .low,
            documentation: "A SoQL filter ($where) every request adds, e.g. city = 'San Francisco'.",
            group: "Socrata", orderInGroup: 5, width: .long, displayName: "Where"
        )
        .define(
            "topic", .string, importance: .high, documentation: "The topic to write the rows to.",
            group: "Kafka", orderInGroup: 1, width: .long, displayName: "Topic"
        )
        .define(
            "poll.interval.ms", .long, defaultValue: "60000", validator: .range(atLeast: 0), importance: .medium,
            documentation: "How long to wait between polls once the dataset has been read to its end.",
            group: "Socrata", orderInGroup: 6, width: .short, displayName: "Poll interval (ms)"
        )
        .define(
            "socrata.page.size", .int, defaultValue: "1000", validator: .range(atLeast: 1, atMost: 50_000),
            importance: .medium,
            documentation: "Rows per request ($limit); SODA 2.0 endpoints refuse more than 50000.", group: "Socrata",
            orderInGroup: 7, width: .short, displayName: "Page size"
        )
        .define(
            "socrata.start", .string, defaultValue: "beginning", importance: .medium,
            documentation:
                "Where to start when no offset is stored: beginning, or a timestamp (2024-01-01T00:00:00.000Z): rows updated after it.",
            group: "Socrata", orderInGroup: 8, width: .medium, displayName: "Start"
        )
        .define(
            "socrata.key.field", .string, defaultValue: ":id", importance: .low,
            documentation: "The field whose value becomes the record key (:id, Socrata's row id, by default).",
            group: "Socrata", orderInGroup: 9, width: .medium, displayName: "Key field"
        )
        .define(
            "socrata.value.schema", .boolean, defaultValue: "false", importance: .medium,
            documentation:
                "true: values are Structs with a Connect schema built from the dataset's column types (X-SODA2-Fields/X-SODA2-Types: numbers as FLOAT64, checkboxes as BOOLEAN, the rest as STRING), for converters with schemas (JsonConverter schemas.enable=true, JDBC sink auto.create); false: the row as JSON.",
            group: "Socrata", orderInGroup: 10, width: .short, displayName: "Value schema"
        )
        .definingHttpRequestKeys()

    init(_ raw: [String: String]) throws {
        let c = try Self.configDef.parse(raw)
        if let problem = Self.firstProblem(c) { throw ConfigException(problem) }
        let (base, domain) = Self.base(c.string("socrata.domain")!.trimmingWhitespace())!
        baseURL = base
        self.domain = domain
        dataset = Self.datasetId(c.string("socrata.dataset")!.trimmingWhitespace())!
        appToken = c.string("socrata.app.token").flatMap { $0.isEmpty ? nil : $0 }
        select = (c.string("socrata.select") ?? "").trimmingWhitespace()
        filter = (c.string("socrata.where") ?? "").trimmingWhitespace()
        topic = c.string("topic")!.trimmingWhitespace()
        pollIntervalMs = c.int64("poll.interval.ms") ?? 60_000
        pageSize = c.int("socrata.page.size") ?? 1000
        let s = (c.string("socrata.start") ?? "beginning").trimmingWhitespace()
        start = s.lowercased() == "beginning" ? nil : s
        keyField = (c.string("socrata.key.field") ?? ":id").trimmingWhitespace()
        valueSchema = c.bool("socrata.value.schema") ?? false
        requestTimeoutMs = c.int("http.request.timeout.ms") ?? 60_000
        maxRetries = c.int("http.max.retries") ?? 5
        maxConsecutiveFailures = c.int("http.max.consecutive.failures") ?? 0
        skipDelivered = c.bool("resume.skip.delivered") ?? true
    }

    static func rules(value: (String) -> String?, add: (String, String) -> Void) {
        let d = (value("socrata.domain") ?? "").trimmingWhitespace()
        if base(d) == nil {
            add(
                "socrata.domain",
                "Invalid value \(d) for configuration socrata.domain: a host name such as data.sfgov.org, or an http(s) URL, is needed"
            )
        }
        let ds = (value("socrata.dataset") ?? "").trimmingWhitespace()
        if datasetId(ds) == nil {
            add(
                "socrata.dataset",
                "Invalid value \(ds) for configuration socrata.dataset: a dataset id is two groups of four letters or digits (wr8u-xric), or its /resource/<id>.json URL"
            )
        }
        if (value("topic") ?? "").trimmingWhitespace().isEmpty {
            add("topic", "Invalid value for configuration topic: a topic name is needed")
        }
        let s = (value("socrata.start") ?? "beginning").trimmingWhitespace()
        if s.lowercased() != "beginning" && !isTimestamp(s) {
            add(
                "socrata.start",
                "Invalid value \(s) for configuration socrata.start: use beginning or a timestamp such as 2024-01-01T00:00:00.000Z"
            )
        }
    }

    /// (scheme://host[:port], host) of a domain or URL; nil when it is neither.
    static func base(_ s: String) -> (String, String)? {
        var rest = Substring(s)
        var scheme = "https"
        if let r = rest.firstRange(of: "://") {
            scheme = String(rest[..<r.lowerBound]).lowercased()
            guard scheme == "http" || scheme == "https" else { return nil }
            rest = rest[r.upperBound...]
        }
        let host = rest.prefix { $0 != "/" }
        let name = host.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let ok =
            !name.isEmpty
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
            && (name.contains(".") || name == "localhost")
        return ok ? ("\(scheme)://\(host)", name) : nil
    }

    /// The four-by-four id of an id or a resource URL.
    static func datasetId(_ s: String) -> String? {
        var id = Substring(s)
        if let r = s.firstRange(of: "/resource/") { id = s[r.upperBound...] }
        if let dot = id.firstIndex(of: ".") { id = id[..<dot] }
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
            parts.allSatisfy({ $0.count == 4 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { return nil }
        return String(id).lowercased()
    }

    /// `YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]`, the forms SoQL compares as timestamps.
    static func isTimestamp(_ s: String) -> Bool {
        let b = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && b[r].allSatisfy { $0 >= 48 && $0 <= 57 } }
        guard b.count >= 10, digits(0..<4), b[4] == 45, digits(5..<7), b[7] == 45, digits(8..<10) else { return false }
        return b.count == 10 || (b[10] == UInt8(ascii: "T") && b.count >= 16 && digits(11..<13) && digits(14..<16))
    }
}

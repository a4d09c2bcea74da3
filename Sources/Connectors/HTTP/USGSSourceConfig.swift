import ConnectAPI

/// The USGS earthquake source's keys (reference connectors.md §4.2), read into one value.
struct USGSSourceConfig: Sendable, CrossKeyRules {
    let baseURL: String
    /// A summary feed (`all_hour`, `2.5_day`, …) instead of FDSN queries.
    let feed: String?
    /// FDSN filters, as query parameters (name, value), in a fixed order.
    let filters: [(String, String)]
    /// Oldest event time to ask for (ms); nil = 30 days before the task starts (the service's default).
    let startTime: Int64?
    let limit: Int
    let flatten: Bool
    let topic: String
    let pollIntervalMs: Int64
    let requestTimeoutMs: Int
    let maxRetries: Int
    let maxConsecutiveFailures: Int
    /// resume.skip.delivered
    let skipDelivered: Bool

    static let feedSizes = ["all", "1.0", "2.5", "4.5", "significant"]
    static let feedAges = ["hour", "day", "week", "month"]
    private static let numericFilters: [(key: String, param: String, range: ClosedRange<Double>)] = [
        ("usgs.min.magnitude", "minmagnitude", -2...10), ("usgs.max.magnitude", "maxmagnitude", -2...10),
        ("usgs.min.latitude", "minlatitude", -90...90), ("usgs.max.latitude", "maxlatitude", -90...90),
        ("usgs.min.longitude", "minlongitude", -360...360), ("usgs.max.longitude", "maxlongitude", -360...360),
        ("usgs.min.depth", "mindepth", -100...1000), ("usgs.max.depth", "maxdepth", -100...1000),
    ]

    static let configDef: ConfigDef = {
        var def = ConfigDef()
            .define(
                "usgs.url", .string, defaultValue: "https://earthquake.usgs.gov", importance: .low,
                documentation: "The service's base URL (a mirror, or a test server).", group: "USGS", orderInGroup: 1,
                width: .long, displayName: "Base URL"
            )
            .define(
                "usgs.feed", .string, defaultValue: "", importance: .medium,
                documentation:
                    "A summary feed to poll instead of FDSN queries, for low latency: <size>_<age> with size all, 1.0, 2.5, 4.5 or significant and age hour, day, week or month (e.g. all_hour).",
                group: "USGS", orderInGroup: 2, width: .medium, displayName: "Summary feed"
            )
            .define(
                "usgs.start.time", .string, defaultValue: "", importance: .medium,
                documentation:
                    "FDSN queries: the oldest event time to read (2024-01-01 or 2024-01-01T00:00:00Z); empty = 30 days before the task starts, as the service itself.",
                group: "USGS", orderInGroup: 3, width: .medium, displayName: "Start time"
            )
            .define(
                "usgs.limit", .int, defaultValue: "20000", validator: .range(atLeast: 1, atMost: 20_000),
                importance: .low,
                documentation:
                    "Events per request (the service allows 20000); a time window holding more is split in two until each half fits.",
                group: "USGS", orderInGroup: 4, width: .short, displayName: "Limit"
            )
            .define(
                "usgs.flatten", .boolean, defaultValue: "false", importance: .medium,
                documentation:
                    "false: the value is the GeoJSON feature as the service sends it; true: one flat object (id, the properties, longitude, latitude, depth).",
                group: "USGS", orderInGroup: 5, width: .short, displayName: "Flatten"
            )
            .define(
                "topic", .string, importance: .high, documentation: "The topic to write the events to.",
                group: "Kafka", orderInGroup: 1, width: .long, displayName: "Topic"
            )
            .define(
                "poll.interval.ms", .long, defaultValue: "60000", validator: .range(atLeast: 0), importance: .medium,
                documentation: "How long to wait between polls (the summary feeds change once a minute).",
                group: "USGS", orderInGroup: 6, width: .short, displayName: "Poll interval (ms)"
            )
            .definingHttpRequestKeys()
        for (i, f) in numericFilters.enumerated() {
            def = def.define(
                f.key, .string, defaultValue: "", importance: .medium,
                documentation: "FDSN \(f.param) (\(f.range.lowerBound)…\(f.range.upperBound)); empty = no filter.",
                group: "Filters", orderInGroup: i + 1, width: .short, displayName: f.key)
        }
        return def
    }()

    init(_ raw: [String: String]) throws {
        let c = try Self.configDef.parse(raw)
        if let problem = Self.firstProblem(c) { throw ConfigException(problem) }
        var base = (c.string("usgs.url") ?? "https://earthquake.usgs.gov").trimmingWhitespace()
        while base.hasSuffix("/") { base.removeLast() }
        baseURL = base
        let f = (c.string("usgs.feed") ?? "").trimmingWhitespace()
        feed = f.isEmpty ? nil : f
        filters = Self.numericFilters.compactMap { nf in
            let v = (c.string(nf.key) ?? "").trimmingWhitespace()
            return v.isEmpty ? nil : (nf.param, v)
        }
        let st = (c.string("usgs.start.time") ?? "").trimmingWhitespace()
        startTime = st.isEmpty ? nil : IsoTime.parse(st)
        limit = c.int("usgs.limit") ?? 20_000
        flatten = c.bool("usgs.flatten") ?? false
        topic = c.string("topic")!.trimmingWhitespace()
        pollIntervalMs = c.int64("poll.interval.ms") ?? 60_000
        requestTimeoutMs = c.int("http.request.timeout.ms") ?? 60_000
        maxRetries = c.int("http.max.retries") ?? 5
        maxConsecutiveFailures = c.int("http.max.consecutive.failures") ?? 0
        skipDelivered = c.bool("resume.skip.delivered") ?? true
    }

    static func rules(value: (String) -> String?, add: (String, String) -> Void) {
        for f in numericFilters {
            let v = (value(f.key) ?? "").trimmingWhitespace()
            guard !v.isEmpty else { continue }
            guard let d = Double(v), f.range.contains(d) else {
                add(
                    f.key,
                    "Invalid value \(v) for configuration \(f.key): a number from \(f.range.lowerBound) to \(f.range.upperBound) is needed"
                )
                continue
            }
        }
        for (lo, hi) in [
            ("usgs.min.magnitude", "usgs.max.magnitude"), ("usgs.min.latitude", "usgs.max.latitude"),
            ("usgs.min.longitude", "usgs.max.longitude"), ("usgs.min.depth", "usgs.max.depth"),
        ] {
            if let a = value(lo).flatMap({ Double($0.trimmingWhitespace()) }),
                let b = value(hi).flatMap({ Double($0.trimmingWhitespace()) }), a > b
            {
                add(lo, "Invalid value \(a) for configuration \(lo): it is above \(hi) (\(b))")
            }
        }
        let st = (value("usgs.start.time") ?? "").trimmingWhitespace()
        if !st.isEmpty && IsoTime.parse(st) == nil {
            add(
                "usgs.start.time",
                "Invalid value \(st) for configuration usgs.start.time: use a UTC date or time such as 2024-01-01 or 2024-01-01T00:00:00Z"
            )
        }
        let feed = (value("usgs.feed") ?? "").trimmingWhitespace()
        if !feed.isEmpty {
            let parts = feed.split(separator: "_", maxSplits: 1).map(String.init)
            if parts.count != 2 || !feedSizes.contains(parts[0]) || !feedAges.contains(parts[1]) {
                add(
                    "usgs.feed",
                    "Invalid value \(feed) for configuration usgs.feed: a summary feed is <size>_<age>, size one of \(feedSizes.joined(separator: ", ")), age one of \(feedAges.joined(separator: ", ")) (e.g. all_hour)"
                )
            }
        }
        let url = (value("usgs.url") ?? "https://earthquake.usgs.gov").trimmingWhitespace()
        if !(url.hasPrefix("http://") || url.hasPrefix("https://")) || url.count < 10 {
            add("usgs.url", "Invalid value \(url) for configuration usgs.url: an http(s) URL is needed")
        }
        if (value("topic") ?? "").trimmingWhitespace().isEmpty {
            add("topic", "Invalid value for configuration topic: a topic name is needed")
        }
    }
}

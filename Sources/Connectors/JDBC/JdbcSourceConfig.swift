import ConnectAPI
import PostgresClient

/// The JDBC source connector's keys, defaults and checks, as Confluent's `JdbcSourceConnectorConfig`
/// (reference connectors.md §1.1), read into one value.
struct JdbcSourceConfig: Sendable {
    enum Mode: String, Sendable {
        case bulk, incrementing, timestamp
        case timestampIncrementing = "timestamp+incrementing"
        var usesIncrementing: Bool { self == .incrementing || self == .timestampIncrementing }
        var usesTimestamp: Bool { self == .timestamp || self == .timestampIncrementing }
    }
    /// How timestamp columns appear in records (Confluent's `timestamp.granularity`).
    enum TimestampGranularity: String, Sendable, CaseIterable {
        case connectLogical = "connect_logical"
        case microsLong = "micros_long"
        case microsString = "micros_string"
        case microsIsoDatetimeString = "micros_iso_datetime_string"
        case nanosLong = "nanos_long"
        case nanosString = "nanos_string"
        case nanosIsoDatetimeString = "nanos_iso_datetime_string"

        var isString: Bool { self != .microsLong && self != .nanosLong }

        /// The value as Confluent's DateTimeUtils computes it from a java.sql.Timestamp: epoch seconds
        /// from `getTime() / 1000` (Java's truncating division), the fraction from `getNanos()`; ISO
        /// strings are wall-clock times in `db.timezone` without an offset.
        func value(millis: Int64, nanos: Int32, zone: DbTimeZone) -> Value {
            let seconds = millis / 1000
            switch self {
            case .connectLogical: return .int64(millis)
            case .microsLong: return .int64(seconds &* 1_000_000 &+ Int64(nanos / 1000))
            case .microsString: return .string(String(seconds &* 1_000_000 &+ Int64(nanos / 1000)))
            case .nanosLong: return .int64(seconds &* 1_000_000_000 &+ Int64(nanos))
            case .nanosString:
                // BigInteger in Java: never wraps. seconds * 10^9 + nanos, written out by hand past Int64.
                let (v, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
                if !overflow, case (let sum, false) = v.addingReportingOverflow(Int64(nanos)) {
                    return .string(String(sum))
                }
                let n = String(nanos)
                return .string(String(seconds) + String(repeating: "0", count: 9 - n.count) + n)
            case .microsIsoDatetimeString, .nanosIsoDatetimeString:
                // The instant (Timestamp.toInstant) shown in the zone; Java's yyyy, no era.
                let w = WallClock(millis: millis, zone: zone)
                let fraction =
                    self == .nanosIsoDatetimeString
                    ? WallClock.pad(Int64(nanos), 9) : WallClock.pad(Int64(nanos / 1000), 6)
                return .string(
                    "\(WallClock.pad(w.year, 4))-\(WallClock.pad(w.month, 2))-\(WallClock.pad(w.day, 2))T\(w.clock).\(fraction)"
                )
            }
        }
    }
    enum NumericMapping: String, Sendable {
        case none
        case precisionOnly = "precision_only"
        case bestFit = "best_fit"
        case bestFitEagerDouble = "best_fit_eager_double"
    }

    let connectInfo: PostgresConnectInfo
    let connectionAttempts: Int
    let connectionBackoffMs: Int64
    let mode: Mode
    let incrementingColumn: String
    let timestampColumns: [String]
    /// `timestamp.columns.mapping` / `incrementing.column.mapping`: per-table columns by regex.
    let timestampColumnRules: [ColumnMappingRule]
    let incrementingColumnRules: [ColumnMappingRule]
    let timestampInitialMs: Int64?
    let validateNonNull: Bool
    let timestampDelayMs: Int64
    let pollIntervalMs: Int64
    let batchMaxRows: Int
    let tablePollIntervalMs: Int64
    let whitelist: [String]
    let blacklist: [String]
    let includeList: [String]
    let excludeList: [String]
    let tableTypes: [String]
    let schemaPattern: String?
    let query: String
    let querySuffix: String
    let topicPrefix: String
    let numericMapping: NumericMapping
    let dbTimeZone: DbTimeZone
    let quoteIdentifiers: Bool
    let inFlightGuard: Bool
    let keyFromPrimaryKey: Bool
    /// `transaction.isolation.mode` as PostgreSQL's words (`REPEATABLE READ`); nil for DEFAULT.
    let isolationLevel: String?
    let timestampGranularity: TimestampGranularity
    let queryRetryAttempts: Int

    var isQueryMode: Bool { !query.isEmpty }

    static let connectionKeys: Set<String> = [
        "connection.url", "connection.user", "connection.password", "connection.attempts", "connection.backoff.ms",
    ]

    static let configDef = JdbcConnectionConfig.define(ConfigDef(), group: "Database", urlDefault: "")
        .define(
            "table.whitelist", .list, defaultValue: "", importance: .medium,
            documentation:
                "List of tables to include in copying. If specified, table.blacklist may not be set. Use a comma-separated list to specify multiple tables (for example, table.whitelist: \"User, Address, Email\").",
            group: "Database", orderInGroup: 6, width: .long, displayName: "Table Whitelist"
        )
        .define(
            "table.blacklist", .list, defaultValue: "", importance: .medium,
            documentation:
                "List of tables to exclude from copying. If specified, table.whitelist may not be set. Use a comma-separated list to specify multiple tables (for example, table.blacklist: \"User, Address, Email\").",
            group: "Database", orderInGroup: 7, width: .long, displayName: "Table Blacklist"
        )
        .define(
            "table.include.list", .list, defaultValue: "", importance: .medium,
            documentation:
                "List of regular expressions matching fully-qualified table names (schema.table) to include. Mutually exclusive with table.whitelist and table.blacklist.",
            group: "Database", orderInGroup: 8, width: .long, displayName: "Table Include List"
        )
        .define(
            "table.exclude.list", .list, defaultValue: "", importance: .medium,
            documentation:
                "List of regular expressions matching fully-qualified table names to exclude; requires table.include.list.",
            group: "Database", orderInGroup: 9, width: .long, displayName: "Table Exclude List"
        )
        .define(
            "schema.pattern", .string, defaultValue: .some(nil), importance: .high,
            documentation:
                "Schema pattern to fetch table metadata from the database. \"\" retrieves those without a schema; null (default) retrieves all schemas. SQL LIKE pattern.",
            group: "Database", orderInGroup: 10, width: .short, displayName: "Schema pattern"
        )
        .define(
            "catalog.pattern", .string, defaultValue: .some(nil), importance: .medium,
            documentation:
                "Catalog pattern to fetch table metadata from the database. PostgreSQL has one catalog per connection (the database), so this is accepted and ignored.",
            group: "Database", orderInGroup: 11, width: .short, displayName: "Schema pattern"
        )
        .define(
            "numeric.precision.mapping", .boolean, defaultValue: "false", importance: .low,
            documentation: "Deprecated: use numeric.mapping. true means numeric.mapping=precision_only.",
            group: "Database", orderInGroup: 12, width: .short,
            displayName: "Map Numeric Values By Precision (deprecated)"
        )
        .define(
            "numeric.mapping", .string, defaultValue: .some(nil),
            validator: .oneOf(["none", "precision_only", "best_fit", "best_fit_eager_double"], ignoringCase: true),
            importance: .low,
            documentation:
                "Map NUMERIC values by precision and optionally scale to integral or decimal types: none (always Decimal), precision_only, best_fit, best_fit_eager_double.",
            group: "Database", orderInGroup: 13, width: .short,
            displayName: "Map Numeric Values, Integral or Decimal, By Precision and Scale"
        )
        .define(
            "dialect.name", .string, defaultValue: "",
            validator: .oneOf(["", "PostgreSqlDatabaseDialect"]), importance: .low,
            documentation: "The name of the database dialect; only PostgreSqlDatabaseDialect is built in.",
            group: "Database", orderInGroup: 14, width: .long, displayName: "Database Dialect"
        )
        .define(
            "mode", .string, defaultValue: "",
            validator: .oneOf(["", "bulk", "timestamp", "incrementing", "timestamp+incrementing"]), importance: .high,
            documentation:
                "The mode for updating a table each time it is polled: bulk, incrementing, timestamp, timestamp+incrementing.",
            group: "Mode", orderInGroup: 1, width: .medium, displayName: "Table Loading Mode"
        )
        .define(
            "incrementing.column.name", .string, defaultValue: "", importance: .medium,
            documentation:
                "The name of the strictly incrementing column to use to detect new rows. An empty value detects an auto-incrementing (serial or identity) column.",
            group: "Mode", orderInGroup: 2, width: .medium, displayName: "Incrementing Column Name"
        )
        .define(
            "timestamp.column.name", .list, defaultValue: "", importance: .medium,
            documentation:
                "Comma separated list of one or more timestamp columns to detect new or modified rows using the COALESCE SQL function.",
            group: "Mode", orderInGroup: 3, width: .medium, displayName: "Timestamp Column Name"
        )
        .define(
            "timestamp.columns.mapping", .list, defaultValue: "", importance: .medium,
            documentation:
                "Timestamp columns per table, as comma-separated regex:[col1|col2] entries; the regex is matched in full against the unquoted schema.table name and each table must match exactly one entry. Several columns are combined with COALESCE. Use with table.include.list instead of timestamp.column.name.",
            group: "Mode", orderInGroup: 11, width: .long, displayName: "Timestamp Columns Mapping"
        )
        .define(
            "incrementing.column.mapping", .list, defaultValue: "", importance: .medium,
            documentation:
                "Incrementing column per table, as comma-separated regex:column entries; the regex is matched in full against the unquoted schema.table name and each table must match exactly one entry. Use with table.include.list instead of incrementing.column.name.",
            group: "Mode", orderInGroup: 12, width: .long, displayName: "Incrementing Column Mapping"
        )
        .define(
            "timestamp.initial", .long, defaultValue: .some(nil), importance: .low,
            documentation:
                "The epoch timestamp (ms) used for initial queries that use timestamp criteria. Use -1 to use the current time.",
            group: "Mode", orderInGroup: 4, width: .medium, displayName: "Unix time value of initial timestamp"
        )
        .define(
            "validate.non.null", .boolean, defaultValue: "true", importance: .low,
            documentation:
                "By default, the JDBC connector will validate that all incrementing and timestamp tables have NOT NULL set for the columns being used as their ID/timestamp.",
            group: "Mode", orderInGroup: 5, width: .short, displayName: "Validate Non Null"
        )
        .define(
            "query", .string, defaultValue: "", importance: .medium,
            documentation:
                "If specified, the query to perform to select new or updated rows. Use this setting if you want to join tables, select subsets of columns in a table, or filter data.",
            group: "Mode", orderInGroup: 6, width: .short, displayName: "Query"
        )
        .define(
            "quote.sql.identifiers", .string, defaultValue: "always", validator: .oneOf(["always", "never"]),
            importance: .medium, documentation: "When to quote table names, column names, and other identifiers.",
            group: "Mode", orderInGroup: 7, width: .medium, displayName: "Quote Identifiers"
        )
        .define(
            "query.suffix", .string, defaultValue: "", importance: .low,
            documentation: "Suffix to append at the end of the generated query.", group: "Mode", orderInGroup: 8,
            width: .medium, displayName: "Query suffix"
        )
        .define(
            "table.types", .list, defaultValue: "TABLE", importance: .low,
            documentation:
                "By default, the JDBC connector will only detect tables with type TABLE from the source Database. This config allows a command separated list of table types to extract: TABLE, VIEW, MATERIALIZED VIEW, FOREIGN TABLE, PARTITIONED TABLE.",
            group: "Connector", orderInGroup: 4, width: .short, displayName: "Table Types"
        )
        .define(
            "poll.interval.ms", .int, defaultValue: "5000", importance: .high,
            documentation: "Frequency in ms to poll for new data in each table.", group: "Connector",
            orderInGroup: 1, width: .short, displayName: "Poll Interval (ms)"
        )
        .define(
            "batch.max.rows", .int, defaultValue: "100", validator: .range(atLeast: 1), importance: .low,
            documentation:
                "Maximum number of rows to include in a single batch when polling for new data. This setting can be used to limit the amount of data buffered internally in the connector.",
            group: "Connector", orderInGroup: 2, width: .short, displayName: "Max Rows Per Batch"
        )
        .define(
            "table.poll.interval.ms", .long, defaultValue: "60000", importance: .low,
            documentation:
                "Frequency in ms to poll for new or removed tables, which may result in updated task configurations to start polling for data in added tables or stop polling for data in removed tables.",
            group: "Connector", orderInGroup: 3, width: .short, displayName: "Metadata Change Monitoring Interval (ms)"
        )
        .define(
            "topic.prefix", .string, defaultValue: "", importance: .high,
            documentation:
                "Prefix to prepend to table names to generate the name of the Kafka topic to publish data to, or in the case of a custom query, the full name of the topic to publish to.",
            group: "Connector", orderInGroup: 5, width: .medium, displayName: "Topic Prefix"
        )
        .define(
            "timestamp.delay.interval.ms", .long, defaultValue: "0", importance: .high,
            documentation:
                "How long to wait after a row with certain timestamp appears before we include it in the result. You may choose to add some delay to allow transactions with earlier timestamp to complete.",
            group: "Connector", orderInGroup: 6, width: .medium, displayName: "Delay Interval (ms)"
        )
        .define(
            "db.timezone", .string, defaultValue: "UTC", importance: .medium,
            documentation:
                "Name of the JDBC timezone used in the connector when querying with time-based criteria: a zone of the tz database (America/Chicago) or a fixed offset (+02:00, UTC+2). Wall-clock values (timestamp and time without time zone) are read in it.",
            group: "Connector", orderInGroup: 7, width: .medium, displayName: "DB time zone"
        )
        .define(
            "incrementing.in.flight.guard", .boolean, defaultValue: "false", importance: .medium,
            documentation:
                "Tributary extension (off by default, as Confluent's connector has no such guard). In incrementing mode, each query stops before the first new row written by a transaction that is not older than the oldest transaction still running, so that rows a concurrent transaction commits later with smaller ids are not skipped. A transaction left open holds the table back until it ends.",
            group: "Mode", orderInGroup: 9, width: .short, displayName: "Hold back rows of in-flight transactions"
        )
        .define(
            "key.from.primary.key", .boolean, defaultValue: "false", importance: .low,
            documentation:
                "Tributary extension (off by default: Confluent's connector sends null keys). Key each record by a struct of the table's primary key columns, as ValueToKey would, so that compacted topics and keyed sinks work without SMTs.",
            group: "Connector", orderInGroup: 8, width: .short, displayName: "Key records by primary key"
        )
        .define(
            "timestamp.granularity", .string, defaultValue: "connect_logical",
            validator: .oneOf(TimestampGranularity.allCases.map(\.rawValue), ignoringCase: true), importance: .low,
            documentation:
                "Define the granularity of the Timestamp column. Options include: connect_logical (default): represents timestamp values using Kafka Connect's built-in representations; nanos_long: represents timestamp values as nanos since epoch; nanos_string: represents timestamp values as nanos since epoch in string; nanos_iso_datetime_string: uses the iso format 'yyyy-MM-dd'T'HH:mm:ss.n'; micros_long, micros_string, micros_iso_datetime_string: the same in microseconds.",
            group: "Connector", orderInGroup: 10, width: .short,
            displayName: "Timestamp granularity for timestamp columns"
        )
        .define(
            "transaction.isolation.mode", .string, defaultValue: "DEFAULT",
            validator: .oneOf(
                [
                    "DEFAULT", "READ_UNCOMMITTED", "READ_COMMITTED", "REPEATABLE_READ", "SERIALIZABLE",
                    "SQL_SERVER_SNAPSHOT",
                ]),
            importance: .low,
            documentation:
                "Mode to control which transaction isolation level is used when running queries against the database. By default no explicit transaction isolation mode is set. SQL_SERVER_SNAPSHOT will only work against a connector configured to write to Sql Server.",
            group: "Mode", orderInGroup: 10, width: .medium, displayName: "Transaction Isolation Mode"
        )
        .define(
            "query.retry.attempts", .int, defaultValue: "-1", validator: .range(atLeast: -1), importance: .low,
            documentation:
                "The number of times to retry a query after a transient failure (lost connection, server shutdown, serialization failure) before the task fails; -1 retries forever. Other errors (missing table or column, permissions) fail the task at once.",
            group: "Connector", orderInGroup: 9, width: .short, displayName: "Query Retry Attempts")

    init(_ raw: [String: String]) throws {
        let c = try Self.configDef.parse(raw)
        connectInfo = try JdbcConnectionConfig.connectInfo(raw, c, def: Self.configDef)
        connectionAttempts = c.int("connection.attempts") ?? 3
        connectionBackoffMs = c.int64("connection.backoff.ms") ?? 10000
        query = c.string("query") ?? ""
        guard let m = Mode(rawValue: c.string("mode") ?? ""), !(c.string("mode") ?? "").isEmpty else {
            throw ConfigException("Query mode must be specified")
        }
        mode = m
        incrementingColumn = c.string("incrementing.column.name") ?? ""
        timestampColumns = c.list("timestamp.column.name")
        timestampColumnRules = try ColumnMappingRule.parse(c.list("timestamp.columns.mapping"), bracketed: true).get()
        incrementingColumnRules = try ColumnMappingRule.parse(c.list("incrementing.column.mapping"), bracketed: false)
            .get()
        if let conflict = Self.mappingConflicts(c).first { throw ConfigException(conflict.message) }
        timestampInitialMs = c.int64("timestamp.initial")
        validateNonNull = c.bool("validate.non.null") ?? true
        timestampDelayMs = c.int64("timestamp.delay.interval.ms") ?? 0
        pollIntervalMs = Int64(c.int("poll.interval.ms") ?? 5000)
        batchMaxRows = c.int("batch.max.rows") ?? 100
        tablePollIntervalMs = c.int64("table.poll.interval.ms") ?? 60000
        whitelist = c.list("table.whitelist")
        blacklist = c.list("table.blacklist")
        includeList = c.list("table.include.list")
        excludeList = c.list("table.exclude.list")
        tableTypes = c.list("table.types").map { $0.uppercased() }
        schemaPattern = c.string("schema.pattern")
        querySuffix = c.string("query.suffix") ?? ""
        topicPrefix = (c.string("topic.prefix") ?? "").trimmingWhitespace()
        if let n = c.string("numeric.mapping") {
            numericMapping = NumericMapping(rawValue: n.lowercased()) ?? .none
        } else {
            numericMapping = (c.bool("numeric.precision.mapping") ?? false) ? .precisionOnly : .none
        }
        let tz = c.string("db.timezone") ?? "UTC"
        guard let zone = DbTimeZone(tz) else {
            throw ConfigException(name: "db.timezone", value: tz, reason: Self.zoneReason)
        }
        dbTimeZone = zone
        quoteIdentifiers = (c.string("quote.sql.identifiers") ?? "always") == "always"
        inFlightGuard = c.bool("incrementing.in.flight.guard") ?? false
        keyFromPrimaryKey = c.bool("key.from.primary.key") ?? false
        let isolation = c.string("transaction.isolation.mode") ?? "DEFAULT"
        if isolation == "SQL_SERVER_SNAPSHOT" {
            throw ConfigException(name: "transaction.isolation.mode", value: isolation, reason: Self.snapshotReason)
        }
        isolationLevel = isolation == "DEFAULT" ? nil : isolation.replacing("_", with: " ")
        queryRetryAttempts = c.int("query.retry.attempts") ?? -1
        timestampGranularity =
            TimestampGranularity(rawValue: (c.string("timestamp.granularity") ?? "").lowercased()) ?? .connectLogical
        if mode.usesTimestamp && timestampColumns.isEmpty && timestampColumnRules.isEmpty {
            throw ConfigException(
                name: "timestamp.column.name", value: "",
                reason: "Timestamp column name must be specified for mode \(mode.rawValue)")
        }
    }

    /// Checks across keys, as errors per key (the ConfigInfos shape).
    static func validate(_ raw: [String: String]) -> [String: [String]] {
        var errors: [String: [String]] = [:]
        func add(_ key: String, _ message: String) { errors[key, default: []].append(message) }
        guard let c = try? configDef.parse(raw) else { return [:] }  // per-key errors come from the ConfigDef
        if (c.string("mode") ?? "").isEmpty { add("mode", "Query mode must be specified") }
        JdbcConnectionConfig.validateURL(c, add: add)
        if !c.list("table.whitelist").isEmpty && !c.list("table.blacklist").isEmpty {
            add("table.whitelist", "table.whitelist and table.blacklist are exclusive.")
            add("table.blacklist", "table.whitelist and table.blacklist are exclusive.")
        }
        if !c.list("table.include.list").isEmpty
            && (!c.list("table.whitelist").isEmpty || !c.list("table.blacklist").isEmpty)
        {
            add("table.include.list", "table.include.list cannot be used with table.whitelist or table.blacklist.")
        }
        if !c.list("table.exclude.list").isEmpty && c.list("table.include.list").isEmpty {
            add("table.exclude.list", "table.exclude.list requires table.include.list.")
        }
        for r in c.list("table.include.list") + c.list("table.exclude.list") where (try? Regex(r)) == nil {
            add(
                c.list("table.include.list").contains(r) ? "table.include.list" : "table.exclude.list",
                "Invalid regular expression \(r)")
        }
        let prefix = (c.string("topic.prefix") ?? "").trimmingWhitespace()
        if prefix.count > 249
            || !prefix.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "._-".unicodeScalars.contains($0)
            })
        {
            add(
                "topic.prefix",
                "Invalid value \(prefix) for configuration topic.prefix: must match [a-zA-Z0-9._-]* and be at most 249 characters"
            )
        }
        let mode = c.string("mode") ?? ""
        for (key, bracketed) in [("timestamp.columns.mapping", true), ("incrementing.column.mapping", false)] {
            if case .failure(let e) = ColumnMappingRule.parse(c.list(key), bracketed: bracketed) { add(key, e.message) }
        }
        for conflict in mappingConflicts(c) {
            for key in conflict.keys { add(key, conflict.message) }
        }
        if (mode == "timestamp" || mode == "timestamp+incrementing") && c.list("timestamp.column.name").isEmpty
            && c.list("timestamp.columns.mapping").isEmpty
        {
            add("timestamp.column.name", "Timestamp column name must be specified for mode \(mode)")
        }
        if c.string("transaction.isolation.mode") == "SQL_SERVER_SNAPSHOT" {
            add("transaction.isolation.mode", snapshotReason)
        }
        if DbTimeZone(c.string("db.timezone") ?? "UTC") == nil {
            add(
                "db.timezone",
                "Invalid value \(c.string("db.timezone") ?? "") for configuration db.timezone: \(zoneReason)")
        }
        return errors
    }

    /// Keys that cannot be combined with the column mappings, with Confluent's messages.
    static func mappingConflicts(_ c: ParsedConfig) -> [(keys: [String], message: String)] {
        var out: [(keys: [String], message: String)] = []
        let tsMapping = !c.list("timestamp.columns.mapping").isEmpty
        let incMapping = !c.list("incrementing.column.mapping").isEmpty
        let legacyTables = ["table.whitelist", "table.blacklist"].filter { !c.list($0).isEmpty }
        if (tsMapping || incMapping) && !legacyTables.isEmpty {
            out.append(
                (
                    legacyTables + (tsMapping ? ["timestamp.columns.mapping"] : [])
                        + (incMapping ? ["incrementing.column.mapping"] : []),
                    "Cannot use legacy table filtering (table.whitelist/table.blacklist) with new column mapping (timestamp.columns.mapping/incrementing.column.mapping). Use table.include.list with column mappings."
                ))
        }
        if tsMapping && !c.list("timestamp.column.name").isEmpty {
            out.append(
                (
                    ["timestamp.column.name", "timestamp.columns.mapping"],
                    "Cannot use both timestamp.column.name and timestamp.columns.mapping. Use timestamp.columns.mapping for new implementations."
                ))
        }
        if incMapping && !(c.string("incrementing.column.name") ?? "").trimmingWhitespace().isEmpty {
            out.append(
                (
                    ["incrementing.column.name", "incrementing.column.mapping"],
                    "Cannot use both incrementing.column.name and incrementing.column.mapping. Use incrementing.column.mapping for new implementations."
                ))
        }
        if (tsMapping || incMapping) && !(c.string("query") ?? "").isEmpty {
            out.append(
                (
                    (tsMapping ? ["timestamp.columns.mapping"] : [])
                        + (incMapping ? ["incrementing.column.mapping"] : []),
                    "Column mappings select columns per table; with query, use timestamp.column.name and incrementing.column.name."
                ))
        }
        return out
    }

    static let snapshotReason =
        "Isolation mode of `SQL_SERVER_SNAPSHOT` can only be configured with a Sql Server Dialect"
    static let zoneReason =
        "not a time zone of the tz database (e.g. America/Chicago, Europe/Berlin) nor a fixed offset (e.g. +02:00, UTC+2)"
}

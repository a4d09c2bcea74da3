import ConnectAPI
import PostgresClient

/// The JDBC sink connector's keys, defaults and checks, as Confluent's `JdbcSinkConfig`
/// (reference connectors.md §2.1), read into one value.
struct JdbcSinkConfig: Sendable {
    enum InsertMode: String, Sendable { case insert, upsert, update }
    enum PrimaryKeyMode: String, Sendable {
        case none, kafka
        case recordKey = "record_key"
        case recordValue = "record_value"
    }

    let connectInfo: PostgresConnectInfo
    let connectionAttempts: Int
    let connectionBackoffMs: Int64
    let insertMode: InsertMode
    let batchSize: Int
    let deleteEnabled: Bool
    let tableNameFormat: String
    let pkMode: PrimaryKeyMode
    let pkFields: [String]
    let fieldsWhitelist: Set<String>
    let dbTimeZone: DbTimeZone
    /// `date.timezone=DB_TIMEZONE` (default) renders DATE values in db.timezone, as Confluent does.
    let dateInDbTimeZone: Bool
    let autoCreate: Bool
    let autoEvolve: Bool
    let quoteIdentifiers: Bool
    let maxRetries: Int
    let retryBackoffMs: Int64
    let replaceNullWithDefault: Bool
    let tableTypes: [String]
    /// `timestamp.fields.list`: INT64 or STRING fields holding epoch micro- or nanoseconds
    /// (`timestamp.precision.mode`), written and created as TIMESTAMP.
    let timestampFields: Set<String>
    let timestampNanos: Bool
    /// Whether column `name` holds epoch micro/nanoseconds to write as TIMESTAMP: listed in
    /// `timestamp.fields.list` and an INT64 or STRING without a logical type (Confluent binds logical
    /// types first), or schemaless.
    func isEpochTimestamp(_ name: String, _ schema: Schema?) -> Bool {
        guard timestampFields.contains(name) else { return false }
        guard let schema else { return true }
        return schema.name == nil && (schema.type == .int64 || schema.type == .string)
    }
    /// `string.output.value.column.name`: the column of values with a STRING schema.
    let stringValueColumn: String

    static let configDef = JdbcConnectionConfig.define(ConfigDef(), group: "Connection")
        .define(
            "dialect.name", .string, defaultValue: "", validator: .oneOf(["", "PostgreSqlDatabaseDialect"]),
            importance: .low,
            documentation: "The name of the database dialect; only PostgreSqlDatabaseDialect is built in.",
            group: "Connection", orderInGroup: 6, width: .long, displayName: "Database Dialect"
        )
        .define(
            "insert.mode", .string, defaultValue: "insert",
            validator: .oneOf(["insert", "upsert", "update"], ignoringCase: true),
            importance: .high,
            documentation:
                "The insertion mode to use: insert (standard INSERT), upsert (INSERT … ON CONFLICT … DO UPDATE on the primary key columns), update (UPDATE … WHERE the primary key columns match).",
            group: "Writes", orderInGroup: 1, width: .medium, displayName: "Insert Mode"
        )
        .define(
            "batch.size", .int, defaultValue: "3000", validator: .range(atLeast: 0), importance: .medium,
            documentation:
                "Specifies how many records to attempt to batch together for insertion into the destination table, when possible.",
            group: "Writes", orderInGroup: 2, width: .short, displayName: "Batch Size"
        )
        .define(
            "delete.enabled", .boolean, defaultValue: "false", importance: .medium,
            documentation: "Whether to treat null record values as deletes. Requires pk.mode to be record_key.",
            group: "Writes", orderInGroup: 3, width: .short, displayName: "Enable deletes"
        )
        .define(
            "table.types", .list, defaultValue: "TABLE", importance: .low,
            documentation:
                "The comma-separated types of database tables to which the sink connector can write: TABLE, PARTITIONED TABLE, VIEW.",
            group: "Writes", orderInGroup: 4, width: .short, displayName: "Table Types"
        )
        .define(
            "replace.null.with.default", .boolean, defaultValue: "true", importance: .low,
            documentation: "Whether to replace a null field with the field schema's default value when one is defined.",
            group: "Writes", orderInGroup: 5, width: .short, displayName: "Replace null with default"
        )
        .define(
            "table.name.format", .string, defaultValue: "${topic}", importance: .medium,
            documentation:
                "A format string for the destination table name, which may contain '${topic}' as a placeholder for the originating topic name. For example, kafka_${topic} for the topic 'orders' will map to the table name 'kafka_orders'.",
            group: "Data Mapping", orderInGroup: 1, width: .long, displayName: "Table Name Format"
        )
        .define(
            "pk.mode", .string, defaultValue: "none",
            validator: .oneOf(["none", "kafka", "record_key", "record_value"], ignoringCase: true), importance: .high,
            documentation:
                "The primary key mode: none (no keys), kafka (__connect_topic, __connect_partition, __connect_offset), record_key (fields of the record key), record_value (fields of the record value).",
            group: "Data Mapping", orderInGroup: 2, width: .medium, displayName: "Primary Key Mode"
        )
        .define(
            "pk.fields", .list, defaultValue: "", importance: .medium,
            documentation:
                "List of comma-separated primary key field names. The runtime interpretation of this config depends on the pk.mode.",
            group: "Data Mapping", orderInGroup: 3, width: .long, displayName: "Primary Key Fields"
        )
        .define(
            "fields.whitelist", .list, defaultValue: "", importance: .medium,
            documentation:
                "List of comma-separated record value field names. If empty, all fields from the record value are utilized, otherwise used to filter to the desired fields.",
            group: "Data Mapping", orderInGroup: 4, width: .long, displayName: "Fields Whitelist"
        )
        .define(
            "db.timezone", .string, defaultValue: "UTC", importance: .medium,
            documentation:
                "Name of the JDBC timezone that should be used in the connector when inserting time-based values: a zone of the tz database (America/Chicago) or a fixed offset (+02:00).",
            group: "Data Mapping", orderInGroup: 5, width: .medium, displayName: "DB Time Zone"
        )
        .define(
            "date.timezone", .string, defaultValue: "DB_TIMEZONE", validator: .oneOf(["DB_TIMEZONE", "UTC"]),
            importance: .medium,
            documentation:
                "Name of the timezone used for DATE values: DB_TIMEZONE (db.timezone, Confluent's default, which shifts dates for zones west of UTC) or UTC.",
            group: "Data Mapping", orderInGroup: 6, width: .medium, displayName: "Date Time Zone"
        )
        .define(
            "timestamp.fields.list", .list, defaultValue: "", importance: .medium,
            documentation:
                "List of comma-separated record value timestamp field names that should be converted to timestamps: INT64 values, or STRING values of digits, counting micro- or nanoseconds since the epoch (timestamp.precision.mode). Such fields are written, and created by auto.create, as TIMESTAMP.",
            group: "Data Mapping", orderInGroup: 7, width: .medium, displayName: "Timestamp Fields List"
        )
        .define(
            "timestamp.precision.mode", .string, defaultValue: "MICROSECONDS",
            validator: .oneOf(["MICROSECONDS", "NANOSECONDS"], ignoringCase: true), importance: .low,
            documentation:
                "The unit of the fields in timestamp.fields.list: MICROSECONDS or NANOSECONDS since the epoch (PostgreSQL keeps microseconds and rounds the rest).",
            group: "Data Mapping", orderInGroup: 8, width: .medium, displayName: "Sink Timestamp Precision mode"
        )
        .define(
            "date.calendar.system", .string, defaultValue: "LEGACY",
            validator: .oneOf(["LEGACY", "PROLEPTIC_GREGORIAN"]),
            importance: .low,
            documentation:
                "Accepted for compatibility. Tributary always counts days in the proleptic Gregorian calendar, as PostgreSQL does (PROLEPTIC_GREGORIAN); LEGACY differs only for dates before 1582-10-15, which Confluent's connector shifts into the Julian calendar.",
            group: "Data Mapping", orderInGroup: 9, width: .medium, displayName: "Date Calendar System"
        )
        .define(
            "string.output.value.column.name", .string, defaultValue: "record_value", validator: .nonEmptyString,
            importance: .low,
            documentation:
                "When the Kafka record value uses the String schema (e.g. records produced with StringConverter), the connector writes the value into a single column with this name. If the destination table is being auto-created, the column is created with this name; if the table exists without it, auto.evolve adds it or the write fails.",
            group: "Data Mapping", orderInGroup: 10, width: .medium, displayName: "String Value Column Name"
        )
        .define(
            "auto.create", .boolean, defaultValue: "false", importance: .medium,
            documentation:
                "Whether to automatically create the destination table based on record schema if it is found to be missing by issuing CREATE.",
            group: "DDL Support", orderInGroup: 1, width: .short, displayName: "Auto-Create"
        )
        .define(
            "auto.evolve", .boolean, defaultValue: "false", importance: .medium,
            documentation:
                "Whether to automatically add columns in the table schema when found to be missing relative to the record schema by issuing ALTER.",
            group: "DDL Support", orderInGroup: 2, width: .short, displayName: "Auto-Evolve"
        )
        .define(
            "quote.sql.identifiers", .string, defaultValue: "always", validator: .oneOf(["always", "never"]),
            importance: .medium, documentation: "When to quote table names, column names, and other identifiers.",
            group: "DDL Support", orderInGroup: 3, width: .medium, displayName: "Quote Identifiers"
        )
        .define(
            "max.retries", .int, defaultValue: "10", validator: .range(atLeast: 0), importance: .medium,
            documentation:
                "The maximum number of times to retry on errors before failing the task. Tributary retries transient errors (lost connection, deadlock, serialization failure); data errors fail at once.",
            group: "Retries", orderInGroup: 1, width: .short, displayName: "Maximum Retries"
        )
        .define(
            "retry.backoff.ms", .int, defaultValue: "3000", validator: .range(atLeast: 0), importance: .medium,
            documentation: "The time in milliseconds to wait following an error before a retry attempt is made.",
            group: "Retries", orderInGroup: 2, width: .short, displayName: "Retry Backoff (millis)")

    init(_ raw: [String: String]) throws {
        let c = try Self.configDef.parse(raw)
        connectInfo = try JdbcConnectionConfig.connectInfo(raw, c, def: Self.configDef)
        connectionAttempts = c.int("connection.attempts") ?? 3
        connectionBackoffMs = c.int64("connection.backoff.ms") ?? 10000
        insertMode = InsertMode(rawValue: (c.string("insert.mode") ?? "insert").lowercased()) ?? .insert
        batchSize = c.int("batch.size") ?? 3000
        deleteEnabled = c.bool("delete.enabled") ?? false
        tableNameFormat = (c.string("table.name.format") ?? "${topic}").trimmingWhitespace()
        pkMode = PrimaryKeyMode(rawValue: (c.string("pk.mode") ?? "none").lowercased()) ?? .none
        pkFields = c.list("pk.fields")
        fieldsWhitelist = Set(c.list("fields.whitelist"))
        let tz = c.string("db.timezone") ?? "UTC"
        guard let zone = DbTimeZone(tz) else {
            throw ConfigException(name: "db.timezone", value: tz, reason: JdbcSourceConfig.zoneReason)
        }
        dbTimeZone = zone
        dateInDbTimeZone = (c.string("date.timezone") ?? "DB_TIMEZONE") == "DB_TIMEZONE"
        autoCreate = c.bool("auto.create") ?? false
        autoEvolve = c.bool("auto.evolve") ?? false
        quoteIdentifiers = (c.string("quote.sql.identifiers") ?? "always") == "always"
        maxRetries = c.int("max.retries") ?? 10
        retryBackoffMs = Int64(c.int("retry.backoff.ms") ?? 3000)
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
        tableTypes = c.list("table.types").map { $0.uppercased() }
        timestampFields = Set(c.list("timestamp.fields.list"))
        timestampNanos = (c.string("timestamp.precision.mode") ?? "MICROSECONDS").uppercased() == "NANOSECONDS"
        stringValueColumn = c.string("string.output.value.column.name") ?? "record_value"
        // URL and zone were read above; the rules across keys remain.
        var problem: String?
        Self.crossKeyRules(c) { _, message in problem = problem ?? message }
        if let problem { throw ConfigException(problem) }
    }

    /// Checks across keys, as errors per key (the ConfigInfos shape).
    static func validate(_ raw: [String: String]) -> [String: [String]] {
        var errors: [String: [String]] = [:]
        func add(_ key: String, _ message: String) { errors[key, default: []].append(message) }
        guard let c = try? configDef.parse(raw) else { return [:] }  // per-key errors come from the ConfigDef
        JdbcConnectionConfig.validateURL(c, add: add)
        crossKeyRules(c, add: add)
        if DbTimeZone(c.string("db.timezone") ?? "UTC") == nil {
            add(
                "db.timezone",
                "Invalid value \(c.string("db.timezone") ?? "") for configuration db.timezone: \(JdbcSourceConfig.zoneReason)"
            )
        }
        return errors
    }

    /// Rules that tie keys together (Confluent's JdbcSinkConfig checks).
    private static func crossKeyRules(_ c: ParsedConfig, add: (String, String) -> Void) {
        let pkMode = (c.string("pk.mode") ?? "none").lowercased()
        if c.bool("delete.enabled") == true && pkMode != "record_key" {
            add("delete.enabled", "Primary key mode must be 'record_key' when delete support is enabled")
        }
        let format = (c.string("table.name.format") ?? "").trimmingWhitespace()
        if format.isEmpty { add("table.name.format", "table.name.format must not be empty") }
        if pkMode == "kafka" && !c.list("pk.fields").isEmpty && c.list("pk.fields").count != 3 {
            add(
                "pk.fields",
                "PK mode for table is kafka so there should either be no field names defined for defaults __connect_topic, __connect_partition and __connect_offset to be applicable, or exactly 3, defined fields are: \(c.list("pk.fields").joined(separator: ","))"
            )
        }
    }
}

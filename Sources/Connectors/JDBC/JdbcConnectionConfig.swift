import ConnectAPI
import PostgresClient

/// The `connection.*` keys the JDBC source and sink share: their definitions, the libpq connection
/// they describe (unknown `connection.*` keys pass through as driver properties), and their checks.
enum JdbcConnectionConfig {
    /// Adds connection.url/user/password/attempts/backoff.ms to `def` in `group`.
    static func define(_ def: ConfigDef, group: String, urlDefault: String?? = .none) -> ConfigDef {
        def.define(
            "connection.url", .string, defaultValue: urlDefault, importance: .high,
            documentation:
                "JDBC connection URL, e.g. jdbc:postgresql://host:5432/db?sslmode=require. Mapped to libpq connection keywords.",
            group: group, orderInGroup: 1, width: .long, displayName: "JDBC URL"
        )
        .define(
            "connection.user", .string, defaultValue: .some(nil), importance: .high,
            documentation: "JDBC connection user.", group: group, orderInGroup: 2, width: .long,
            displayName: "JDBC User"
        )
        .define(
            "connection.password", .password, defaultValue: .some(nil), importance: .high,
            documentation: "JDBC connection password.", group: group, orderInGroup: 3, width: .long,
            displayName: "JDBC Password"
        )
        .define(
            "connection.attempts", .int, defaultValue: "3", validator: .range(atLeast: 1), importance: .low,
            documentation: "Maximum number of attempts to retrieve a valid JDBC connection.", group: group,
            orderInGroup: 4, width: .short, displayName: "JDBC connection attempts"
        )
        .define(
            "connection.backoff.ms", .long, defaultValue: "10000", importance: .low,
            documentation: "Backoff time in milliseconds between connection attempts.", group: group,
            orderInGroup: 5, width: .short, displayName: "JDBC connection backoff in milliseconds")
    }

    /// The connection described by the parsed keys; a bad URL names `connection.url` (password hidden).
    static func connectInfo(_ raw: [String: String], _ c: ParsedConfig, def: ConfigDef) throws -> PostgresConnectInfo {
        let url = c.string("connection.url") ?? ""
        let passthrough = raw.filter { $0.key.hasPrefix("connection.") && def.key($0.key) == nil }
            .map { (String($0.key.dropFirst("connection.".count)), $0.value) }.sorted { $0.0 < $1.0 }
        do {
            return try PostgresConnectInfo.jdbc(
                url, user: c.string("connection.user"), password: c.string("connection.password"),
                properties: passthrough)
        } catch {
            throw ConfigException(
                name: "connection.url", value: PostgresConnectInfo.redactURL(url), reason: error.message)
        }
    }

    /// A missing or non-PostgreSQL `connection.url`, for validation.
    static func validateURL(_ c: ParsedConfig, add: (String, String) -> Void) {
        let url = c.string("connection.url") ?? ""
        if url.isEmpty {
            add("connection.url", "Missing required configuration \"connection.url\" which has no default value.")
        } else {
            do { _ = try PostgresConnectInfo.jdbc(url) } catch { add("connection.url", error.message) }
        }
    }
}

import ConnectAPI
import Logging
import PostgresClient

/// Confluent's JDBC sink connector for PostgreSQL: writes topics into tables with insert, upsert or
/// update, deletes on tombstones, creates and evolves tables (reference connectors.md §2).
public final class JdbcSinkConnector: Connector {
    public static let className = "io.confluent.connect.jdbc.JdbcSinkConnector"
    public static let taskClass = "io.confluent.connect.jdbc.sink.JdbcSinkTask"

    public static let plugin = ConnectorPlugin(
        className: className, type: .sink, version: "10.7.6", configDef: JdbcSinkConfig.configDef,
        taskClass: taskClass, makeConnector: { JdbcSinkConnector() }, makeTask: { .sink(JdbcSinkTask()) })

    private var raw: [String: String] = [:]

    public init() {}

    public func validate(_ config: [String: String]) -> [String: [String]] { JdbcSinkConfig.validate(config) }

    public func start(_ raw: [String: String], context: any ConnectorContext) async throws {
        _ = try JdbcSinkConfig(raw)
        self.raw = raw
    }

    /// Every task gets the connector's config; the worker spreads the topic partitions over them.
    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] {
        Array(repeating: raw, count: max(1, maxTasks))
    }

    public func stop() async {}
}

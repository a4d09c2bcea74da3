import ConnectAPI
import Logging
import PostgresClient
import Synchronization

/// Confluent's JDBC source connector for PostgreSQL: copies tables (or a query) into Kafka topics by
/// polling, in bulk or incrementally by an id and/or timestamp column, with Confluent's configs, SQL,
/// offsets, topic names and record shapes (reference connectors.md §1).
public final class JdbcSourceConnector: Connector {
    public static let className = "io.confluent.connect.jdbc.JdbcSourceConnector"
    public static let taskClass = "io.confluent.connect.jdbc.source.JdbcSourceTask"

    public static let plugin = ConnectorPlugin(
        className: className, type: .source, version: "10.7.6", configDef: JdbcSourceConfig.configDef,
        taskClass: taskClass, makeConnector: { JdbcSourceConnector() }, makeTask: { .source(JdbcSourceTask()) })

    private var raw: [String: String] = [:]
    private var config: JdbcSourceConfig?
    private var context: (any ConnectorContext)?
    /// The tables last listed; shared with the monitor task that re-lists them.
    private final class TableList: Sendable {
        let value = Mutex<[TableId]?>(nil)
    }
    private let tables = TableList()
    private var monitor: Task<Void, Never>?

    public init() {}

    public func validate(_ config: [String: String]) -> [String: [String]] { JdbcSourceConfig.validate(config) }

    public func start(_ raw: [String: String], context: any ConnectorContext) async throws {
        let config = try JdbcSourceConfig(raw)
        self.raw = raw
        self.config = config
        self.context = context
        guard !config.isQueryMode else { return }
        // List the tables now, so bad URLs, credentials and empty whitelists fail the connector at once
        // with the database's own message; then watch for tables appearing or going away.
        let connection = try await Self.connect(config, logger: context.logger, context: nil)
        let found: [TableId]
        do {
            found = try await Self.listTables(connection, config)
        } catch {
            await connection.close()
            throw error
        }
        tables.value.withLock { $0 = found }
        let list = tables
        monitor = Task.detached { await JdbcSourceConnector.watchTables(list, connection, config, context) }
    }

    /// Re-lists the tables every `table.poll.interval.ms` and asks for new task configs when they change.
    private static func watchTables(
        _ tables: TableList, _ connection: PostgresConnection, _ config: JdbcSourceConfig,
        _ context: any ConnectorContext
    ) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(config.tablePollIntervalMs))
            if Task.isCancelled { break }
            do {
                let now = try await listTables(connection, config)
                let changed = tables.value.withLock { old -> Bool in
                    defer { old = now }
                    return old != now
                }
                if changed {
                    context.logger.info("Tables changed: now \(now.map(\.description).joined(separator: ", "))")
                    context.requestTaskReconfiguration()
                }
            } catch {
                context.logger.warning("Could not list tables: \(error)")
            }
        }
        await connection.close()
    }

    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] {
        guard let config else { return [] }
        if config.isQueryMode { return [raw] }
        let list = tables.value.withLock { $0 } ?? []
        if list.isEmpty {
            throw ConnectError(
                .config,
                "No tables to copy: none of the database's tables matches table.whitelist/table.blacklist/table.include.list/table.exclude.list, schema.pattern and table.types"
            )
        }
        return Self.groupPartitions(list, maxTasks).map { group in
            var c = raw
            c["tables"] = group.map { $0.quoted(config.quoteIdentifiers) }.joined(separator: ",")
            c["tables.fetched"] = "true"
            return c
        }
    }

    public func stop() async {
        monitor?.cancel()
        monitor = nil
    }

    // MARK: helpers shared with the task

    /// Connects with `connection.attempts` tries `connection.backoff.ms` apart; a wrong password or a
    /// missing database fails at once.
    static func connect(_ config: JdbcSourceConfig, logger: Logger, context: (any SourceTaskContext)?) async throws
        -> PostgresConnection
    {
        try await connect(
            config.connectInfo, attempts: config.connectionAttempts, backoffMs: config.connectionBackoffMs,
            isolation: config.isolationLevel, logger: logger, isStopping: { context?.isStopping == true })
    }

    /// The connection with the session settings every connection gets; shared by the source and the sink.
    static func connect(
        _ info: PostgresConnectInfo, attempts: Int, backoffMs: Int64, isolation: String? = nil, logger: Logger,
        isStopping: () -> Bool = { false }
    ) async throws -> PostgresConnection {
        var attempt = 1
        while true {
            do {
                let c = try await PostgresConnection.connect(info)
                try await PostgresCatalog.prepare(c, isolation: isolation)
                return c
            } catch {
                let retriable = error.isTransient && attempt < attempts && !isStopping()
                guard retriable else {
                    throw ConnectError(
                        .connect,
                        "Could not connect to PostgreSQL (\(info.redacted)) after \(attempt) attempt(s): \(error)",
                        cause: error)
                }
                logger.warning("Connecting to PostgreSQL failed (attempt \(attempt)): \(error); retrying")
                attempt += 1
                try? await Task.sleep(for: .milliseconds(backoffMs))
            }
        }
    }

    /// The tables to copy: by type and schema, then the whitelist/blacklist or include/exclude lists.
    static func listTables(_ c: PostgresConnection, _ config: JdbcSourceConfig) async throws -> [TableId] {
        var all = try await PostgresCatalog.tables(c, types: config.tableTypes, schemaPattern: config.schemaPattern)
        if !config.whitelist.isEmpty {
            all = all.filter { t in config.whitelist.contains { t.matches($0) } }
        } else if !config.blacklist.isEmpty {
            all = all.filter { t in !config.blacklist.contains { t.matches($0) } }
        } else if !config.includeList.isEmpty {
            let include = config.includeList.compactMap { try? Regex($0) }
            let exclude = config.excludeList.compactMap { try? Regex($0) }
            all = all.filter { t in
                let name = t.description
                return include.contains { (try? $0.wholeMatch(in: name)) != nil }
                    && !exclude.contains { (try? $0.wholeMatch(in: name)) != nil }
            }
        }
        // Topics are named after the bare table name: two schemas' tables of one name would share a topic.
        var seen: [String: TableId] = [:]
        var duplicates: [String] = []
        for t in all {
            if let other = seen[t.table] { duplicates.append("\(other), \(t)") } else { seen[t.table] = t }
        }
        if !duplicates.isEmpty {
            throw ConnectError(
                .config,
                "The connector uses the unqualified table name as the topic name and has detected duplicate unqualified table names: \(duplicates.joined(separator: "; ")). Restrict table.whitelist or schema.pattern so that each table name appears once."
            )
        }
        return all
    }

    /// Kafka's `ConnectorUtils.groupPartitions`: `min(count, n)` contiguous groups in list order, the
    /// first `count mod groups` one element larger.
    static func groupPartitions<T>(_ items: [T], _ n: Int) -> [[T]] {
        let groups = max(1, min(items.count, n))
        let base = items.count / groups
        let extra = items.count % groups
        var out: [[T]] = []
        var i = 0
        for g in 0..<groups {
            let size = base + (g < extra ? 1 : 0)
            out.append(Array(items[i..<(i + size)]))
            i += size
        }
        return out
    }

    /// Splits a task's `tables` value on the commas between entries (not those inside quotes).
    static func splitTableList(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inQuotes = false
        for c in s {
            if c == "\"" { inQuotes.toggle() }
            if c == ",", !inQuotes {
                if !current.isEmpty { out.append(current) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}

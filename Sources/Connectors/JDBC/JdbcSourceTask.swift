import ConnectAPI
import Logging
import PostgresClient

/// Polls its tables (or the query) in turn: each at most every `poll.interval.ms`, its rows streamed
/// through a server-side cursor `batch.max.rows` at a time, one open result per connection.
public final class JdbcSourceTask: SourceTask {
    private var config: JdbcSourceConfig?
    private var context: (any SourceTaskContext)?
    private var connection: PostgresConnection?
    private var queriers: [TableQuerier] = []
    private var incrementingColumns: [ObjectIdentifier: String] = [:]
    private var notNullByTable: [UInt32: [Int32: PostgresCatalog.ColumnInfo]] = [:]
    /// The next batch of the open cursor, fetched while the worker produces the last one.
    private var prefetch: Task<([SourceRecord], Int), any Error>?
    private var prefetchSnapshot: TableQuerier.Snapshot?

    public init() {}

    public func start(_ raw: [String: String], context: any SourceTaskContext) async throws {
        let config = try JdbcSourceConfig(raw)
        self.config = config
        self.context = context
        let connection = try await JdbcSourceConnector.connect(config, logger: context.logger, context: context)
        self.connection = connection
        if config.isQueryMode {
            let stored = await context.offsetStorageReader.offset(for: ["query": "query"])
            queriers = [TableQuerier(table: nil, config: config, stored: stored)]
        } else {
            guard raw["tables.fetched"] != "false" else { return }  // the connector has not listed tables yet
            let tables = JdbcSourceConnector.splitTableList(raw["tables"] ?? "").map { entry in
                let p = TableId.parse(entry)
                return TableId(schema: p.schema ?? "public", table: p.table)
            }
            if tables.isEmpty {
                throw ConnectError(
                    .config, "Invalid configuration: each JdbcSourceTask must have at least one table assigned to it")
            }
            for t in tables {
                var stored: JSONObject? = nil
                if config.mode != .bulk {
                    stored = await context.offsetStorageReader.offset(for: [
                        "protocol": "1", "table": .string(t.description),
                    ])
                    // Offsets of old connector versions (protocol 0) are keyed by the bare table name.
                    if stored == nil {
                        stored = await context.offsetStorageReader.offset(for: ["table": .string(t.table)])
                    }
                }
                var timestampColumns = config.timestampColumns
                if config.mode.usesTimestamp && !config.timestampColumnRules.isEmpty {
                    timestampColumns = try ColumnMappingRule.columns(
                        for: t, in: config.timestampColumnRules, key: "timestamp.columns.mapping")
                }
                queriers.append(
                    TableQuerier(table: t, config: config, stored: stored, timestampColumns: timestampColumns))
            }
        }
        for q in queriers { try await checkColumns(q, connection) }
    }

    /// Finds the incrementing column (auto-detected when not configured) and applies validate.non.null.
    private func checkColumns(_ q: TableQuerier, _ c: PostgresConnection) async throws {
        guard let config else { return }
        guard let table = q.table else {
            incrementingColumns[ObjectIdentifier(q)] = config.incrementingColumn
            return
        }
        guard let oid = try await PostgresCatalog.oid(c, table) else {
            throw ConnectError(.connect, "Table \(table) does not exist (or is not visible to this user)")
        }
        let columns = try await PostgresCatalog.columns(c, oid: oid)
        notNullByTable[oid] = columns
        var inc = config.incrementingColumn
        if config.mode.usesIncrementing && !config.incrementingColumnRules.isEmpty {
            inc = try ColumnMappingRule.columns(
                for: table, in: config.incrementingColumnRules, key: "incrementing.column.mapping")[0]
        }
        if config.mode.usesIncrementing {
            if inc.isEmpty {
                guard
                    // The first auto-incrementing column in the table's column order.
                    let auto = columns.sorted(by: { $0.key < $1.key }).first(where: { $0.value.autoIncrement })?.value
                else {
                    throw ConnectError(
                        .config,
                        "Cannot find an auto-incrementing column in \(table) to use for incrementing mode: set incrementing.column.name"
                    )
                }
                inc = auto.name
            }
            guard let col = columns.values.first(where: { $0.name == inc }) else {
                throw ConnectError(.config, "Incrementing column \(inc) does not exist in table \(table)")
            }
            if config.validateNonNull && !col.notNull {
                throw ConnectError(
                    .config,
                    "Cannot make incremental queries using incrementing column \(inc) on \(table) because this column is nullable."
                )
            }
        }
        if config.mode.usesTimestamp {
            let found = q.timestampColumns.compactMap { name in columns.values.first { $0.name == name } }
            if found.count != q.timestampColumns.count {
                let missing = q.timestampColumns.filter { n in !found.contains { $0.name == n } }
                throw ConnectError(
                    .config, "Timestamp column(s) \(missing.joined(separator: ", ")) do not exist in table \(table)")
            }
            if config.validateNonNull && found.allSatisfy({ !$0.notNull }) {
                throw ConnectError(
                    .config,
                    "Cannot make incremental queries using timestamp columns \(q.timestampColumns.joined(separator: ",")) on \(table) because all of these columns are nullable."
                )
            }
        }
        incrementingColumns[ObjectIdentifier(q)] = inc
    }

    public func poll() async throws -> [SourceRecord] {
        guard let config, let context else { return [] }
        guard let q = queriers.min(by: Self.runsFirst) else {
            // No tables yet: idle until the connector reconfigures us.
            for _ in 0..<10 where !context.isStopping { try? await Task.sleep(for: .milliseconds(50)) }
            return []
        }
        if q.cursor == nil {
            let wait = q.nextRunMs - Self.nowMs()
            if wait > 0 {
                // Sleep in short steps so a stop is noticed; return nothing meanwhile.
                if !context.isStopping { try? await Task.sleep(for: .milliseconds(min(wait, 100))) }
                return []
            }
        }
        // While a prefetch runs it owns the querier's offsets; its snapshot says where to roll back to.
        let saved: TableQuerier.Snapshot? = prefetch == nil ? q.snapshot() : nil
        if prefetch == nil { prefetchSnapshot = nil }
        do {
            let connection = try await connectionForPoll(config, context)
            if q.cursor == nil {
                // One look at the database clock serves both timestamp.initial=-1 and the upper bound.
                let now = config.mode.usesTimestamp ? try await PostgresCatalog.now(connection) : nil
                if q.needsInitialNow, let now { q.setInitialTimestamp(now) }
                let (sql, params) = q.statement(
                    incrementingColumn: incrementingColumns[ObjectIdentifier(q)] ?? "", dbNow: now)
                context.logger.debug("\(q.table?.description ?? "query"): \(sql) \(params.map { $0 ?? "NULL" })")
                q.cursor = try await connection.openCursor(sql, params)
            }
            guard let cursor = q.cursor else { return [] }
            let batchSize = config.batchMaxRows
            // The batch fetched ahead during the previous poll, or a fetch now.
            let pending = prefetch ?? fetch(q, cursor, context)
            prefetch = nil
            let (records, count) = try await pending.value
            if count < batchSize {
                try await cursor.close()
                q.cursor = nil
                q.failedAttempts = 0
                q.nextRunMs = Self.nowMs() + config.pollIntervalMs
                return records + q.finish()
            }
            // Fetch the next batch while the worker converts and produces this one. From here a failure
            // of that fetch rolls back only to the end of the rows returned now.
            prefetchSnapshot = q.snapshot()
            prefetch = fetch(q, cursor, context)
            return records
        } catch {
            // Nothing of this poll was returned: the next query starts where the last returned row ended.
            if let back = prefetchSnapshot ?? saved { q.restore(back) }
            prefetchSnapshot = nil
            q.cursor = nil
            // A reconnect that gave up after connection.attempts carries the PostgreSQL error as its cause.
            guard let e = (error as? PostgresError) ?? ((error as? ConnectError)?.cause as? PostgresError) else {
                throw error
            }
            if e.isTransient {
                await connection?.close()
                connection = nil
                q.nextRunMs = Self.nowMs() + config.connectionBackoffMs
                q.failedAttempts += 1
                if config.queryRetryAttempts >= 0 && q.failedAttempts > config.queryRetryAttempts {
                    throw ConnectError(
                        .connect,
                        "Failed to query \(q.table.map { "table \($0)" } ?? "the query") after \(q.failedAttempts) attempt(s) (query.retry.attempts=\(config.queryRetryAttempts)): \(e)",
                        cause: e)
                }
            }
            throw Self.error(e, q)
        }
    }

    /// One FETCH of `batch.max.rows` rows turned into records, on the connection's thread.
    private func fetch(_ q: TableQuerier, _ cursor: PostgresCursor, _ context: any SourceTaskContext)
        -> Task<([SourceRecord], Int), any Error>
    {
        let batchSize = config?.batchMaxRows ?? 100
        let inc = incrementingColumns[ObjectIdentifier(q)] ?? ""
        let info = notNullByTable
        let logger = context.logger
        // The querier is touched by one fetch at a time: poll() awaits a fetch before starting another.
        nonisolated(unsafe) let querier = q
        return Task {
            try await cursor.fetch(batchSize) { batch in
                if !querier.isPrepared {
                    try querier.prepare(
                        columns: batch.columns, notNull: { c in info[c.tableOID]?[c.tableColumn]?.notNull ?? false },
                        primaryKey: { c in info[c.tableOID]?[c.tableColumn]?.primaryKey ?? false },
                        incrementingColumn: inc, logger: logger)
                }
                return (try querier.records(batch), batch.count)
            }
        }
    }

    /// An open result first (finish reading it), then the table whose next run is earliest.
    private static func runsFirst(_ a: TableQuerier, _ b: TableQuerier) -> Bool {
        if (a.cursor != nil) != (b.cursor != nil) { return a.cursor != nil }
        return a.nextRunMs < b.nextRunMs
    }

    /// The task's connection, reconnecting after a transient failure.
    private func connectionForPoll(_ config: JdbcSourceConfig, _ context: any SourceTaskContext) async throws
        -> PostgresConnection
    {
        if let connection { return connection }
        let c = try await JdbcSourceConnector.connect(config, logger: context.logger, context: nil)
        connection = c
        return c
    }

    static func error(_ e: PostgresError, _ q: TableQuerier) -> ConnectError {
        let what = q.table.map { "table \($0)" } ?? "the query"
        if e.isTransient { return ConnectError(.retriable, "Failed to query \(what): \(e)") }
        return ConnectError(.connect, "Failed to query \(what): \(e)")
    }

    public func stop() async {
        _ = await prefetch?.result
        prefetch = nil
        connection?.cancel()
        await connection?.close()
        connection = nil
    }

    static func nowMs() -> Int64 {
        let d = ContinuousClock.now - clockOrigin
        return d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}

/// The task's monotonic time base (poll scheduling only).
private let clockOrigin = ContinuousClock.now

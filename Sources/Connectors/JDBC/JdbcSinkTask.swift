import ConnectAPI
import Logging
import PostgresClient

/// Writes each `put` to PostgreSQL in one transaction: records grouped by destination table, each table's
/// records in runs of one shape (schema, or tombstones), each run in as few statements as the batch
/// size and the protocol allow (reference connectors.md §2.3).
///
/// A put's transaction runs while the worker consumes and converts the next batch (one write in flight):
/// the next `put`, `flush` (so before any offset commit) and `stop` wait for it first, and a failure
/// shows there: a transient one rewrites that batch before the next (`max.retries`), any other fails
/// the task. Under `errors.tolerance=all` puts are written synchronously, so a refused record goes to the
/// dead-letter queue next to the batch it came with.
///
/// Cancelling the Swift task that calls `put`, `flush` or `stop` (a worker giving up on a task that does
/// not stop) cancels the write in flight: the server cancels its statement, the transaction is rolled
/// back, so nothing of that batch is committed, and the call throws `CancellationError`. The connection is
/// closed then (a late cancel request must not hit a later statement).
///
/// Unchecked Sendable: the in-flight write uses the connection and the table caches while the worker
/// is elsewhere; every entry point awaits that write before touching them, so one runs at a time.
public final class JdbcSinkTask: JSONValueSinkTask, @unchecked Sendable {
    private var config: JdbcSinkConfig?
    private var context: (any SinkTaskContext)?
    private var connection: PostgresConnection?
    private var structure: SinkTableStructure?
    private let staging = SinkTableWriter.Staging()
    private var remainingRetries = 0
    /// The previous put's transaction, still running, and its records.
    private var inFlight: (records: [SinkRecord], write: Task<Void, any Error>)?
    /// A batch whose transaction failed transiently: written again before anything else.
    private var redo: [SinkRecord]?
    /// A failure seen by `flush` that the next `put` reports (the worker only logs commit failures).
    private var failure: ConnectError?
    /// `current_schema()`: tables named without a schema live there (pgjdbc's `getSchema()`).
    private var defaultSchema = "public"
    /// Longer table names are truncated by the server; we name tables as it does.
    private var maxIdentifierLength = TableId.defaultMaxIdentifierLength
    /// `current_database()`: a table name's database part must be this one.
    private var database = ""

    public init() {}

    /// Schemaless JSON values come as their bytes: a run of them is written as COPY text copied from
    /// those bytes where the text is the same (`SinkTableWriter.appendPlain(json:to:)`), and parsed
    /// into values for every other way of writing them.
    public var takesValueJSON: Bool { true }

    public func start(_ raw: [String: String], context: any SinkTaskContext) async throws {
        let config = try JdbcSinkConfig(raw)
        self.config = config
        self.context = context
        remainingRetries = config.maxRetries
        structure = SinkTableStructure(config: config, logger: context.logger)
        _ = try await connectionForPut(config, context)
    }

    private func connectionForPut(_ config: JdbcSinkConfig, _ context: any SinkTaskContext) async throws
        -> PostgresConnection
    {
        if let connection { return connection }
        staging.forget()  // temporary tables belong to the old session
        let c = try await JdbcSourceConnector.connect(
            config.connectInfo, attempts: config.connectionAttempts, backoffMs: config.connectionBackoffMs,
            logger: context.logger)
        let session = try await c.query(
            "SELECT current_schema(), current_database(), current_setting('max_identifier_length')")
        if let s = session.rows.first?[0] { defaultSchema = s }
        if let d = session.rows.first?[1] { database = d }
        if let n = session.rows.first?[2].flatMap({ Int($0) }), n > 0 { maxIdentifierLength = n }
        connection = c
        return c
    }

    public func put(_ records: [SinkRecord]) async throws {
        guard let config, let context, let structure else { return }
        try await finishInFlight(config, context)
        if let failure { throw failure }
        try Task.checkCancellation()
        if let batch = redo {
            try await writeNow(batch, config, context, structure)
            redo = nil
        }
        guard !records.isEmpty else { return }
        if context.errantRecordReporter != nil { return try await writeNow(records, config, context, structure) }
        let c: PostgresConnection
        do { c = try await connectionForPut(config, context) } catch { throw await retryOrFail(error, config, context) }
        let (order, byTable) = try group(records, config)
        try Task.checkCancellation()
        inFlight = (
            records,
            Task {
                try await self.transaction(order, byTable, c, config, structure)
            }
        )
    }

    /// Waits for the write in flight before offsets are committed; its failure stops the commit.
    public func flush(_ offsets: [TopicPartition: Int64]) async throws {
        guard let config, let context else { return }
        do { try await finishInFlight(config, context) } catch let e as ConnectError where !e.isRetriable {
            failure = e
            throw e
        }
    }

    /// Waits for the previous put's transaction; a transient failure keeps its records for rewriting.
    private func finishInFlight(_ config: JdbcSinkConfig, _ context: any SinkTaskContext) async throws {
        guard let (records, write) = inFlight else { return }
        inFlight = nil
        do {
            try await Self.wait(for: write)
            remainingRetries = config.maxRetries
        } catch {
            if error is CancellationError { throw await dropConnection() }
            let e = await retryOrFail(error, config, context)
            if e.isRetriable { redo = records }
            throw e
        }
    }

    /// The write's outcome; cancelling the waiting task cancels the write (it runs in a task of its own).
    private static func wait(for write: Task<Void, any Error>) async throws {
        try await withTaskCancellationHandler {
            try await write.value
        } onCancel: {
            write.cancel()
        }
    }

    /// After a cancelled write (rolled back): the connection may still receive a late cancel request.
    private func dropConnection() async -> CancellationError {
        await connection?.close()
        connection = nil
        return CancellationError()
    }

    /// One put's transaction, waited for (the first write after a failure, and every write under
    /// errors.tolerance=all).
    private func writeNow(
        _ records: [SinkRecord], _ config: JdbcSinkConfig, _ context: any SinkTaskContext,
        _ structure: SinkTableStructure
    ) async throws {
        let c: PostgresConnection
        do { c = try await connectionForPut(config, context) } catch { throw await retryOrFail(error, config, context) }
        // After connecting: table names need the session's schema and database.
        let (order, byTable) = try group(records, config)
        do {
            // Under tolerance a refused batch is written again record by record, and each refused record
            // is located then: locating the batch's first one here would be thrown away.
            try await transaction(order, byTable, c, config, structure, locate: context.errantRecordReporter == nil)
            remainingRetries = config.maxRetries
        } catch is CancellationError {
            throw await dropConnection()
        } catch {
            if let reporter = context.errantRecordReporter, Self.postgresError(error)?.isTransient != true {
                // errors.tolerance=all: write the records one by one, as Confluent's connector does, so
                // only the ones the database refuses go to the dead-letter queue.
                return try await unrollAndRetry(order, byTable, c, config, structure, reporter)
            }
            throw await retryOrFail(error, config, context)
        }
    }

    private func transaction(
        _ order: [TableId], _ byTable: [TableId: [SinkRecord]], _ c: PostgresConnection, _ config: JdbcSinkConfig,
        _ structure: SinkTableStructure, locate: Bool = true
    ) async throws {
        do {
            try await c.execute("BEGIN")
            for id in order { try await write(byTable[id]!, to: id, c, config, structure) }
            try await c.execute("COMMIT")
        } catch {
            try? await rollBack(c, structure)
            // A statement the cancellation interrupted fails like any other: what matters is why.
            if Task.isCancelled { throw CancellationError() }
            if let failure = error as? SinkWriteFailure { throw locate ? await failure.located(c) : failure.error }
            throw error
        }
    }

    private func rollBack(_ c: PostgresConnection, _ structure: SinkTableStructure) async throws {
        structure.forget()  // DDL of this transaction is rolled back with it
        staging.forget()
        try await c.rollback()
    }

    /// Per table, in order of first appearance; each table keeps its records' order. Usually every
    /// record of a batch comes from one topic: then the batch is the one group, as it is.
    private func group(_ records: [SinkRecord], _ config: JdbcSinkConfig) throws(ConnectError) -> (
        [TableId], [TableId: [SinkRecord]]
    ) {
        let firstTopic = records[0].topic
        if records.indices.allSatisfy({ records[$0].topic == firstTopic }) {
            let id = try tableId(for: firstTopic, config)
            return ([id], [id: records])
        }
        var order: [TableId] = []
        var byTable: [TableId: [SinkRecord]] = [:]
        for r in records {
            let id = try tableId(for: r.topic, config)
            if byTable[id] == nil { order.append(id) }
            byTable[id, default: []].append(r)
        }
        return (order, byTable)
    }

    private func unrollAndRetry(
        _ order: [TableId], _ byTable: [TableId: [SinkRecord]], _ c: PostgresConnection, _ config: JdbcSinkConfig,
        _ structure: SinkTableStructure, _ reporter: any ErrantRecordReporter
    ) async throws {
        for id in order {
            for r in byTable[id]! {
                do {
                    try await transaction([id], [id: [r]], c, config, structure)
                } catch is CancellationError {
                    throw await dropConnection()
                } catch {
                    let pg = Self.postgresError(error)
                    if pg?.isTransient == true { throw await retryOrFail(error, config, context!) }
                    // The located error names the column and value; the database's message is in it.
                    let reported =
                        error as? ConnectError
                        ?? pg.map { ConnectError(.connect, "Write to PostgreSQL failed: \($0)", cause: $0) } ?? error
                    try await reporter.report(r, reported)
                }
            }
        }
        remainingRetries = config.maxRetries
    }

    /// The database's error behind `error`, if any (raised directly or wrapped by the writer).
    private static func postgresError(_ error: any Error) -> PostgresError? {
        (error as? PostgresError) ?? ((error as? ConnectError)?.cause as? PostgresError)
    }

    /// Transient database failures (lost connection, deadlock, serialization failure) are retried up to
    /// `max.retries` times, `retry.backoff.ms` apart, by having the worker redeliver the batch; anything
    /// else fails the task with the database's message.
    private func retryOrFail(_ error: any Error, _ config: JdbcSinkConfig, _ context: any SinkTaskContext) async
        -> ConnectError
    {
        let pg = Self.postgresError(error)
        if let pg, pg.isTransient, remainingRetries > 0 {
            remainingRetries -= 1
            await connection?.close()
            connection = nil
            context.timeout(config.retryBackoffMs)
            return ConnectError(
                .retriable,
                "Write to PostgreSQL failed (\(config.maxRetries - remainingRetries) of max.retries=\(config.maxRetries)): \(pg)",
                cause: pg)
        }
        if let e = error as? ConnectError { return e }
        if let pg {
            return ConnectError(.connect, "Write to PostgreSQL failed: \(pg)", cause: pg)
        }
        return ConnectError(.connect, "Write to PostgreSQL failed: \(error)")
    }

    private var tableIds: [String: TableId] = [:]

    func tableId(for topic: String, _ config: JdbcSinkConfig) throws(ConnectError) -> TableId {
        if let id = tableIds[topic] { return id }
        let name = config.tableNameFormat.replacing("${topic}", with: topic)
        let id = try TableId.sink(
            name, defaultSchema: defaultSchema, database: database, quote: config.quoteIdentifiers,
            maxIdentifierLength: maxIdentifierLength)
        tableIds[topic] = id
        return id
    }

    private func write(
        _ records: [SinkRecord], to id: TableId, _ c: PostgresConnection, _ config: JdbcSinkConfig,
        _ structure: SinkTableStructure
    ) async throws {
        var start = 0
        while start < records.count {
            // A run: consecutive records of one shape.
            let first = records[start]
            var end = start + 1
            while end < records.count && Self.sameShape(records, end, as: first) { end += 1 }
            let run = records[start..<end]
            try await writeRun(run, to: id, c, config, structure)
            start = end
        }
    }

    private func writeRun(
        _ run: ArraySlice<SinkRecord>, to id: TableId, _ c: PostgresConnection, _ config: JdbcSinkConfig,
        _ structure: SinkTableStructure
    ) async throws {
        var run = run
        var first = run[run.startIndex]
        let tombstone = first.isTombstone
        // Values that came as JSON are written from their bytes only by COPY of a whole run.
        if !tombstone, first.valueJSON != nil, !Self.copiesJSON(run, config) {
            run = Self.parsed(run)
            first = run[run.startIndex]
        }
        if tombstone && !config.deleteEnabled {
            throw ConnectError(
                .data,
                "Sink connector is configured with 'delete.enabled=false' and 'pk.mode=\(config.pkMode.rawValue)' and therefore requires records with a non-null Struct value and non-null Struct schema, but found record at (topic='\(first.topic)',partition=\(first.kafkaPartition ?? 0),offset=\(first.kafkaOffset)) with a null value"
            )
        }
        // Schemaless: JSON without schemas (a tombstone then has no key schema either).
        let schemaless = first.valueSchema == nil && (!tombstone || first.keySchema == nil)
        var fields: SinkFields
        let table: SinkTableStructure.Table
        if schemaless {
            guard tombstone || first.valueJSON != nil || { if case .map = first.value { true } else { false } }() else {
                throw ConnectError(
                    .data,
                    "Record at (topic='\(first.topic)',partition=\(first.kafkaPartition ?? 0),offset=\(first.kafkaOffset)) has a schemaless \(first.value.kindName) value; the JDBC sink needs a Struct with a schema or a JSON object"
                )
            }
            guard let existing = try await structure.describe(id, c) else {
                throw ConnectError(
                    .connect,
                    "Table \(id.quoted(true)) is missing: schemaless (JSON without schema) records are written to existing tables only"
                )
            }
            fields = try SinkFields.forSchemaless(
                records: run, tableColumns: existing.columns, config: config, table: id.description)
            if first.valueJSON != nil, !fields.unmatched.isEmpty || !fields.complete {
                // Columns to add, or records that lack some: the ways that read values.
                run = Self.parsed(run)
                first = run[run.startIndex]
                fields = try SinkFields.forSchemaless(
                    records: run, tableColumns: existing.columns, config: config, table: id.description)
            }
            if fields.unmatched.isEmpty {
                table = existing
            } else {
                // Fields without a column: added under auto.evolve, else the batch fails naming them.
                table = try await structure.evolve(existing, schemaless: fields, run, c)
                fields = try SinkFields.forSchemaless(
                    records: run, tableColumns: table.columns, config: config, table: id.description)
            }
        } else {
            let valueSchema =
                first.valueSchema ?? { if case .struct(let s) = first.value { s.schema } else { nil } }()
            fields = try SinkFields.forSchemas(
                keySchema: first.keySchema ?? Self.keySchema(first.key), valueSchema: tombstone ? nil : valueSchema,
                config: config, table: id.description)
            // Key fields read from a Struct key whose schema only the first record's key gave.
            if first.keySchema == nil { fields.complete = false }
            table =
                tombstone
                ? try await requireTable(id, c, structure) : try await structure.ensure(id, fields: fields, c)
        }
        let names = Dictionary(table.columns.map { ($0.name.lowercased(), $0.name) }, uniquingKeysWith: { a, _ in a })
        let writer = SinkTableWriter(config: config, table: id, fields: fields, columnNames: names)
        do {
            if tombstone { try await writer.delete(run, c) } else { try await writer.write(run, c, staging: staging) }
        } catch let e as PostgresError where SinkWriteFailure.isAboutAValue(e) {
            throw SinkWriteFailure(error: e, writer: writer, run: run)
        }
    }

    private func requireTable(_ id: TableId, _ c: PostgresConnection, _ structure: SinkTableStructure) async throws
        -> SinkTableStructure.Table
    {
        guard let t = try await structure.describe(id, c) else {
            throw ConnectError(.connect, "Table \(id.quoted(true)) is missing: cannot delete from it")
        }
        return t
    }

    /// Whether a run whose values came as JSON is written from the bytes: COPY writes it (insert and
    /// upsert runs long enough), and every value is an object.
    private static func copiesJSON(_ run: ArraySlice<SinkRecord>, _ config: JdbcSinkConfig) -> Bool {
        guard config.insertMode != .update, run.count >= SinkTableWriter.copyThreshold else { return false }
        return run.withUnsafeBufferPointer { b in
            b.indices.allSatisfy { b[$0].valueJSON.map { $0.first == UInt8(ascii: "{") } ?? true }
        }
    }

    /// The run with values that came as JSON parsed as JsonConverter parses them.
    private static func parsed(_ run: ArraySlice<SinkRecord>) -> ArraySlice<SinkRecord> {
        ArraySlice(
            run.map { r in
                guard let json = r.valueJSON else { return r }
                var r = r
                // The bytes passed JsonConverterForm, so they parse.
                r.value = (try? JSONParser.parseConnectValue(json, allowingLeadingZeros: true)) ?? .null
                r.valueJSON = nil
                return r
            })
    }

    /// A key's schema when the converter gave none but the key is a Struct.
    private static func keySchema(_ key: Value) -> Schema? {
        if case .struct(let s) = key { return s.schema }
        return nil
    }

    /// Same table shape: both tombstones, or both values with the same schemas (or both schemaless).
    /// (Record `i` is read in place: copying a SinkRecord per comparison showed in profiles.)
    private static func sameShape(_ records: [SinkRecord], _ i: Int, as b: SinkRecord) -> Bool {
        let null = records[i].isTombstone
        if null != b.isTombstone { return false }
        let keySchema = records[i].keySchema
        if null { return keySchema === b.keySchema || keySchema == b.keySchema }
        let valueSchema = records[i].valueSchema
        return (valueSchema === b.valueSchema || valueSchema == b.valueSchema)
            && (keySchema === b.keySchema || keySchema == b.keySchema)
    }

    public func stop() async {
        // Cancelled while stopping: the write in flight is cancelled and rolled back.
        if let (_, write) = inFlight { _ = try? await Self.wait(for: write) }
        inFlight = nil
        await connection?.close()
        connection = nil
    }
}

extension SinkRecord {
    /// A null value (one that came as JSON never is: JSON `null` is converted).
    fileprivate var isTombstone: Bool { valueJSON == nil && value.isNull }
}

import ConnectAPI
import Logging
import PostgresClient

/// One table (or the custom query) of a task: the SQL its mode generates, its offset, and turning the
/// rows of a fetch into records (reference connectors.md §1.2–1.4).
final class TableQuerier {
    /// Where the last row read so far stands: the next query continues after it.
    struct Offset: Sendable, Equatable {
        var incrementing: Int64?
        var timestampMillis: Int64?
        var timestampNanos: Int32?

        /// Confluent writes the map from a `HashMap(3)`, whose iteration order puts `timestamp_nanos`,
        /// then `incrementing`, then `timestamp`; the offsets topic shows that order.
        var json: JSONObject {
            var o = JSONObject()
            if let n = timestampNanos, timestampMillis != nil { o["timestamp_nanos"] = .int(Int64(n)) }
            if let i = incrementing { o["incrementing"] = .int(i) }
            if let t = timestampMillis { o["timestamp"] = .int(t) }
            return o
        }

        init(incrementing: Int64? = nil, timestampMillis: Int64? = nil, timestampNanos: Int32? = nil) {
            self.incrementing = incrementing
            self.timestampMillis = timestampMillis
            self.timestampNanos = timestampNanos
        }

        init(_ stored: JSONObject) {
            incrementing = stored["incrementing"]?.int64Value
            timestampMillis = stored["timestamp"]?.int64Value
            timestampNanos = stored["timestamp_nanos"]?.int64Value.map { Int32(truncatingIfNeeded: $0) }
            if timestampMillis != nil && timestampNanos == nil {
                // A stored offset without nanos: the fraction of the millisecond value.
                timestampNanos = Int32(((timestampMillis! % 1000) + 1000) % 1000) * 1_000_000
            }
        }

        /// Ordering of (timestamp, nanos) pairs.
        static func tsLess(_ a: (Int64, Int32), _ b: (Int64, Int32)) -> Bool {
            let sa = a.0 >= 0 ? a.0 / 1000 : (a.0 - 999) / 1000
            let sb = b.0 >= 0 ? b.0 / 1000 : (b.0 - 999) / 1000
            return sa != sb ? sa < sb : a.1 < b.1
        }
    }

    let table: TableId?
    let mode: JdbcSourceConfig.Mode
    let config: JdbcSourceConfig
    let topic: String
    let partition: JSONObject
    private(set) var offset: Offset
    var nextRunMs: Int64 = 0
    /// Failed queries since the last one that completed (`query.retry.attempts`).
    var failedAttempts = 0
    var cursor: PostgresCursor?
    private var mappings: [ColumnMapping]?
    private var keyIndexes: [Int] = []
    private var keySchema: Schema?
    /// (column, reader) of each mapping: plain values the per-row loop reads without reference counting.
    private var readers: [(Int, ColumnMapping.Reader)] = []
    private var valueSchema: Schema?
    private var incrementingIndex: Int?
    private var timestampIndexes: [Int] = []
    /// Timestamp mode holds back the last row of each fetch until the next row shows whether its
    /// timestamp is complete (see `records`).
    private var held: (record: SourceRecord, ts: (Int64, Int32))?
    /// The committable offset in timestamp mode: the last timestamp all of whose rows were sent.
    private var safeOffset: Offset

    /// The timestamp columns of this table (timestamp.column.name, or its timestamp.columns.mapping entry).
    let timestampColumns: [String]

    init(table: TableId?, config: JdbcSourceConfig, stored: JSONObject?, timestampColumns: [String]? = nil) {
        self.table = table
        self.timestampColumns = timestampColumns ?? config.timestampColumns
        self.mode = config.mode
        self.config = config
        self.topic = table.map { config.topicPrefix + $0.table } ?? config.topicPrefix
        if let table {
            partition =
                mode == .bulk
                ? ["table": .string(table.table)] : ["protocol": "1", "table": .string(table.description)]
        } else {
            partition = ["query": "query"]
        }
        var start = stored.map(Offset.init) ?? Offset()
        if stored == nil, let initial = config.timestampInitialMs, mode.usesTimestamp, initial != -1 {
            start.timestampMillis = initial
            start.timestampNanos = Int32(((initial % 1000) + 1000) % 1000) * 1_000_000
        }
        offset = start
        safeOffset = start
    }

    /// Whether `timestamp.initial=-1` still has to be resolved to the database's current time.
    var needsInitialNow: Bool {
        mode.usesTimestamp && config.timestampInitialMs == -1 && offset.timestampMillis == nil
    }

    func setInitialTimestamp(_ now: (millis: Int64, nanos: Int32)) {
        offset.timestampMillis = now.millis
        offset.timestampNanos = now.nanos
        safeOffset = offset
    }

    /// A column of the table, qualified by it (`"public"."orders"."id"`) as Confluent's
    /// TimestampIncrementingCriteria writes it; bare for the custom query.
    private func column(_ name: String) -> String {
        let c = config.quoteIdentifiers ? TableId.quote(name) : name
        return table.map { "\($0.quoted(config.quoteIdentifiers)).\(c)" } ?? c
    }

    private var timestampExpression: String {
        let cols = timestampColumns.map(column)
        return cols.count == 1 ? cols[0] : "COALESCE(\(cols.joined(separator: ",")))"
    }

    /// The statement for the next run and its parameters (`dbNow` for the timestamp modes' upper bound).
    func statement(incrementingColumn: String, dbNow: (millis: Int64, nanos: Int32)?) -> (String, [String?]) {
        var sql = table.map { "SELECT * FROM \($0.quoted(config.quoteIdentifiers))" } ?? config.query
        var params: [String?] = []
        let upper = dbNow.map { (millis: $0.millis - config.timestampDelayMs, nanos: $0.nanos) }
        let ts = timestampExpression
        let inc = column(incrementingColumn)
        switch mode {
        case .bulk:
            break
        case .incrementing:
            if config.inFlightGuard, let table {
                // Rows of a transaction that is not older than the oldest one still running may be followed
                // by smaller ids committed later: stop before the first such row (age() copes with xid
                // wraparound; the snapshot's xmin is taken as a 32-bit xid).
                let t = table.quoted(config.quoteIdentifiers)
                sql += """
                     WHERE \(inc) > $1 AND \(inc) < (SELECT coalesce(min(\(inc)), 9223372036854775807) FROM \(t) \
                    WHERE \(inc) > $1 AND age(xmin) <= age(((pg_snapshot_xmin(pg_current_snapshot())::text::bigint \
                    % 4294967296)::text)::xid)) ORDER BY \(inc) ASC
                    """
            } else {
                sql += " WHERE \(inc) > $1 ORDER BY \(inc) ASC"
            }
            params = [String(offset.incrementing ?? -1)]
        case .timestamp:
            sql += " WHERE \(ts) > $1 AND \(ts) < $2 ORDER BY \(ts) ASC"
            params = [
                literal(offset.timestampMillis ?? 0, offset.timestampNanos ?? 0),
                upper.map { literal($0.millis, $0.nanos) },
            ]
        case .timestampIncrementing:
            sql += " WHERE \(ts) < $1 AND ((\(ts) = $2 AND \(inc) > $3) OR \(ts) > $4) ORDER BY \(ts),\(inc) ASC"
            let last = literal(offset.timestampMillis ?? 0, offset.timestampNanos ?? 0)
            params = [upper.map { literal($0.millis, $0.nanos) }, last, String(offset.incrementing ?? -1), last]
        }
        if !config.querySuffix.isEmpty { sql += " " + config.querySuffix }
        return (sql, params)
    }

    /// A timestamp parameter as wall time in `db.timezone` with its offset: exact for timestamptz columns,
    /// and read as that wall time by timestamp columns (which ignore the offset).
    func literal(_ millis: Int64, _ nanos: Int32) -> String {
        let w = WallClock(millis: millis, zone: config.dbTimeZone)
        return "\(w.date) \(w.clock).\(WallClock.pad(Int64(nanos) / 1000, 6))\(w.offsetText)\(w.era)"
    }

    /// Builds the schema from the first fetch's columns (nullability from the catalog).
    func prepare(
        columns: [PostgresColumn], notNull: (PostgresColumn) -> Bool, primaryKey: (PostgresColumn) -> Bool,
        incrementingColumn: String, logger: Logger
    )
        throws
    {
        var ms: [ColumnMapping] = []
        for (i, c) in columns.enumerated() {
            if let m = ColumnMapping.make(
                column: i, c, optional: !notNull(c), numericMapping: config.numericMapping,
                timestampGranularity: config.timestampGranularity,
                warn: { logger.warning("\(table?.description ?? "query"): \($0)") })
            {
                ms.append(m)
            }
        }
        mappings = ms
        readers = ms.map { ($0.column, $0.reader) }
        if config.keyFromPrimaryKey {
            // The key is a struct of the primary key's columns, as ValueToKey would make it.
            keyIndexes = ms.indices.filter { primaryKey(columns[ms[$0].column]) }
            if keyIndexes.isEmpty {
                logger.warning(
                    "\(table?.description ?? "query"): key.from.primary.key is set but there is no primary key; keys stay null"
                )
            } else {
                keySchema = Schema.struct(keyIndexes.map { (ms[$0].name, ms[$0].schema) })
            }
        }
        valueSchema = Schema.struct(ms.map { ($0.name, $0.schema) }, name: table?.table)
        if mode.usesIncrementing {
            guard
                let i = columns.firstIndex(where: { $0.name == incrementingColumn })
                    ?? columns.firstIndex(where: { $0.name.lowercased() == incrementingColumn.lowercased() })
            else {
                throw ConnectError(
                    .config,
                    "Incrementing column \(incrementingColumn) not found in \(table?.description ?? "the query's") columns: \(columns.map(\.name).joined(separator: ", "))"
                )
            }
            incrementingIndex = i
        }
        if mode.usesTimestamp {
            timestampIndexes = try timestampColumns.map { name in
                guard let i = columns.firstIndex(where: { $0.name == name }) else {
                    throw ConnectError(
                        .config,
                        "Timestamp column \(name) not found in \(table?.description ?? "the query's") columns: \(columns.map(\.name).joined(separator: ", "))"
                    )
                }
                return i
            }
        }
    }

    var isPrepared: Bool { mappings != nil }

    struct Snapshot {
        fileprivate let offset: Offset
        fileprivate let safeOffset: Offset
        fileprivate let held: (record: SourceRecord, ts: (Int64, Int32))?
    }

    /// The offsets as of now, to go back to when a poll fails before returning its records.
    func snapshot() -> Snapshot { Snapshot(offset: offset, safeOffset: safeOffset, held: held) }

    func restore(_ s: Snapshot) {
        offset = s.offset
        safeOffset = s.safeOffset
        held = s.held
    }

    /// Records for the rows of `batch`; advances the offset. `exhausted` (an empty fetch) releases a row
    /// held back in timestamp mode.
    func records(_ batch: PostgresRowBatch) throws -> [SourceRecord] {
        guard let mappings, let sharedSchema = valueSchema else { return [] }
        var out: [SourceRecord] = []
        out.reserveCapacity(batch.count + 1)
        let zone = config.dbTimeZone
        // Every record holds the topic, partition and schema. Fresh copies per batch keep their reference
        // counts apart from the previous batch's, which the worker releases on another core meanwhile.
        let topic = String(decoding: Array(self.topic.utf8), as: UTF8.self)
        let partition = JSONObject(self.partition.map { ($0.key, $0.value) })
        let valueSchema = sharedSchema.copy()
        let keySchema = self.keySchema?.copy()
        // Read once per batch, and by index: the property read and the iterator each retained the array
        // once more per row.
        let readers = self.readers
        for row in 0..<batch.count {
            var values: [Value] = []
            values.reserveCapacity(readers.count)
            for k in readers.indices {
                let r = readers[k]
                guard let v = ColumnMapping.read(r.1, r.0, batch, row, zone: zone) else {
                    values.append(try mappings[k].value(batch, row, zone: zone))  // throws with the details
                    continue
                }
                values.append(v)
            }
            if let i = incrementingIndex {
                guard !batch.isNull(row, i), let v = incrementingValue(batch, row, i) else {
                    throw ConnectError(
                        .data,
                        "Null or non-integral value in incrementing column \(batch.columns[i].name) of \(table?.description ?? "the query")"
                    )
                }
                offset.incrementing = v
            }
            var rowTs: (Int64, Int32)?
            if !timestampIndexes.isEmpty {
                guard
                    let t = timestampIndexes.lazy.compactMap({
                        batch.isNull(row, $0) ? nil : PostgresText.timestamp(batch.bytes(row, $0), zone: zone)
                    }).first
                else {
                    throw ConnectError(
                        .data, "All timestamp columns are null in a row of \(table?.description ?? "the query")")
                }
                rowTs = (t.millis, t.nanos)
                offset.timestampMillis = t.millis
                offset.timestampNanos = t.nanos
            }
            let key: Value =
                keySchema.map { .struct(Struct(schema: $0, values: keyIndexes.map { values[$0] })) } ?? .null
            // Built where it is kept: a record made first and then appended was copied and destroyed,
            // retaining and releasing each of its fields once more per row.
            func record() -> SourceRecord {
                SourceRecord(
                    sourcePartition: partition, sourceOffset: mode == .bulk ? [:] : offset.json, topic: topic,
                    keySchema: keySchema, key: key, valueSchema: valueSchema,
                    value: .struct(Struct(schema: valueSchema, values: values)))
            }
            guard mode == .timestamp, let ts = rowTs else {
                out.append(record())
                continue
            }
            // A row's timestamp is committable only once a later row has a greater one: the next
            // query asks for "> timestamp" and would skip rows still to come with the same value.
            if let h = held {
                var r = h.record
                if Offset.tsLess(h.ts, ts) { safeOffset = Offset(timestampMillis: h.ts.0, timestampNanos: h.ts.1) }
                r.sourceOffset = safeOffset.json
                out.append(r)
            }
            held = (record(), ts)
        }
        return out
    }

    /// At the end of a result: the held row's timestamp is complete.
    func finish() -> [SourceRecord] {
        guard var h = held else { return [] }
        held = nil
        safeOffset = Offset(timestampMillis: h.ts.0, timestampNanos: h.ts.1)
        h.record.sourceOffset = safeOffset.json
        return [h.record]
    }

    private func incrementingValue(_ batch: PostgresRowBatch, _ row: Int, _ col: Int) -> Int64? {
        let b = batch.bytes(row, col)
        if let v = PostgresText.int64(b) { return v }
        // numeric with scale 0 prints "42"; anything with a fraction is not an incrementing id.
        return nil
    }
}

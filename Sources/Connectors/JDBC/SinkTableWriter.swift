import ConnectAPI
import PostgresClient

/// Writes runs of records to one table, a batch per statement: multi-row `INSERT … VALUES (…),(…)`
/// (with `ON CONFLICT … DO UPDATE` for upserts), `DELETE … WHERE (keys) IN (…)` for tombstones, and one
/// `UPDATE` per record in update mode. Values travel as text parameters (PostgreSQL parses them as the
/// columns' types), at most 65 535 per statement as the protocol allows.
struct SinkTableWriter {
    let config: JdbcSinkConfig
    let table: TableId
    let fields: SinkFields
    /// The table's column names as the database spells them, by lowercased name.
    let columnNames: [String: String]

    struct Failure: Error {
        let message: String
    }

    private func q(_ name: String) -> String {
        let real = columnNames[name.lowercased()] ?? name
        return config.quoteIdentifiers ? TableId.quote(real) : real
    }

    /// Writes a run of records that all have values (no tombstones).
    func write(_ records: ArraySlice<SinkRecord>, _ c: PostgresConnection) async throws {
        let columns = fields.all
        guard !columns.isEmpty else { return }
        // Upserts: the last record per key wins (one statement may not touch a row twice).
        var rows: [[String?]] = []
        rows.reserveCapacity(records.count)
        var present: [[Bool]] = []
        var indexByKey: [[String?]: Int] = [:]
        for r in records {
            var row: [String?] = []
            var has: [Bool] = []
            row.reserveCapacity(columns.count)
            for col in columns {
                let (text, found) = try value(col, r)
                row.append(text)
                has.append(found)
            }
            if config.insertMode != .insert {
                let key = Array(row.prefix(fields.keyColumns.count))
                if let i = indexByKey[key] {
                    rows[i] = row
                    present[i] = has
                    continue
                }
                indexByKey[key] = rows.count
            }
            rows.append(row)
            present.append(has)
        }
        if config.insertMode == .update {
            for row in rows { try await update(row, c) }
            return
        }
        let perStatement = max(1, min(config.batchSize > 0 ? config.batchSize : rows.count, 65_535 / columns.count))
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            try await insert(rows[start..<end], present[start..<end], c)
            start = end
        }
    }

    private func insert(_ rows: ArraySlice<[String?]>, _ present: ArraySlice<[Bool]>, _ c: PostgresConnection)
        async throws
    {
        let columns = fields.all
        var sql = "INSERT INTO \(table.quoted(config.quoteIdentifiers)) ("
        sql += columns.map { q($0.name) }.joined(separator: ",") + ") VALUES "
        var params: [String?] = []
        params.reserveCapacity(rows.count * columns.count)
        var first = true
        for (row, has) in zip(rows, present) {
            sql += first ? "(" : ",("
            first = false
            for (i, v) in row.enumerated() {
                if i > 0 { sql += "," }
                if has[i] {
                    params.append(v)
                    sql += "$\(params.count)"
                } else {
                    sql += "DEFAULT"  // a schemaless record without this key: the column's default
                }
            }
            sql += ")"
        }
        if config.insertMode == .upsert {
            sql += " ON CONFLICT (" + fields.keyColumns.map { q($0.name) }.joined(separator: ",") + ")"
            if fields.valueColumns.isEmpty {
                sql += " DO NOTHING"
            } else {
                sql += " DO UPDATE SET "
                sql += fields.valueColumns.map { "\(q($0.name))=EXCLUDED.\(q($0.name))" }.joined(separator: ",")
            }
        }
        try await c.execute(sql, params)
    }

    private func update(_ row: [String?], _ c: PostgresConnection) async throws {
        guard !fields.valueColumns.isEmpty else { return }
        let k = fields.keyColumns.count
        var params: [String?] = Array(row[k...])
        var sql = "UPDATE \(table.quoted(config.quoteIdentifiers)) SET "
        sql += fields.valueColumns.enumerated().map { "\(q($0.element.name)) = $\($0.offset + 1)" }.joined(
            separator: ", ")
        sql += " WHERE "
        sql += fields.keyColumns.enumerated().map { "\(q($0.element.name)) = $\(params.count + $0.offset + 1)" }
            .joined(separator: " AND ")
        params += row[..<k]
        try await c.execute(sql, params)
    }

    /// Deletes the rows keyed by a run of tombstones.
    func delete(_ records: ArraySlice<SinkRecord>, _ c: PostgresConnection) async throws {
        let keys = fields.keyColumns
        guard !keys.isEmpty else { return }
        var seen = Set<[String?]>()
        var tuples: [[String?]] = []
        for r in records {
            let key = try keys.map { try value($0, r).text }
            if seen.insert(key).inserted { tuples.append(key) }
        }
        let perStatement = max(1, min(config.batchSize > 0 ? config.batchSize : tuples.count, 65_535 / keys.count))
        var start = 0
        while start < tuples.count {
            let end = min(tuples.count, start + perStatement)
            var params: [String?] = []
            var list: [String] = []
            for t in tuples[start..<end] {
                var ph: [String] = []
                for v in t {
                    params.append(v)
                    ph.append("$\(params.count)")
                }
                list.append("(" + ph.joined(separator: ",") + ")")
            }
            let sql =
                "DELETE FROM \(table.quoted(config.quoteIdentifiers)) WHERE ("
                + keys.map { q($0.name) }.joined(separator: ",") + ") IN (" + list.joined(separator: ",") + ")"
            try await c.execute(sql, params)
            start = end
        }
    }

    /// The text of one column for `r`, and whether the record has it at all (schemaless maps may not).
    func value(_ col: SinkFields.Column, _ r: SinkRecord) throws -> (text: String?, found: Bool) {
        var v: Value = .null
        var found = true
        switch col.source {
        case .topic: v = .string(r.topic)
        case .partition: v = .int32(r.kafkaPartition ?? 0)
        case .offset: v = .int64(r.kafkaOffset)
        case .key:
            switch r.key {
            case .struct, .map: (v, found) = Self.member(r.key, col.name)
            default: v = r.key
            }
            if v.isNull {
                throw Failure(
                    message:
                        "Record at \(r.topic)-\(r.kafkaPartition ?? 0) offset \(r.kafkaOffset) has a null key, but pk.mode=record_key makes it the primary key of \(table)"
                )
            }
        case .keyField(let name): (v, found) = Self.member(r.key, name)
        case .valueField(let name): (v, found) = Self.member(r.value, name)
        }
        if v.isNull, config.replaceNullWithDefault, let d = col.schema?.defaultValue { v = d }
        do {
            return (
                try SinkValueText.text(
                    v, schema: col.schema, zone: config.dbTimeZone, dateInZone: config.dateInDbTimeZone), found
            )
        } catch {
            throw Failure(
                message:
                    "Cannot write field \(col.name) of the record at \(r.topic)-\(r.kafkaPartition ?? 0) offset \(r.kafkaOffset) to \(table): \(error.reason)"
            )
        }
    }

    /// A struct field or a map entry by name.
    static func member(_ container: Value, _ name: String) -> (Value, Bool) {
        switch container {
        case .struct(let s): return s[name].map { ($0, true) } ?? (.null, false)
        case .map(let entries):
            for e in entries where e.key.stringValue == name { return (e.value, true) }
            return (.null, false)
        default: return (.null, false)
        }
    }
}

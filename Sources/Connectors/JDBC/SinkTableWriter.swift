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
    /// The run's SQL text, made once per run.
    let statements: SinkStatements

    init(config: JdbcSinkConfig, table: TableId, fields: SinkFields, columnNames: [String: String]) {
        self.config = config
        self.table = table
        self.fields = fields
        self.columnNames = columnNames
        func real(_ c: SinkFields.Column) -> String { columnNames[c.name.lowercased()] ?? c.name }
        statements = SinkStatements(
            table: table, keys: fields.keyColumns.map(real), values: fields.valueColumns.map(real),
            quote: config.quoteIdentifiers)
    }

    /// Writes a run of records that all have values (no tombstones). Insert and upsert runs go through
    /// COPY into `staging` (a temporary table with the target's column types) and one
    /// `INSERT … SELECT` from it; runs with fields missing (schemaless) and update runs use statements.
    func write(_ records: ArraySlice<SinkRecord>, _ c: PostgresConnection, staging: Staging) async throws {
        let columns = fields.all
        guard !columns.isEmpty else { return }
        if config.insertMode != .update, records.count >= Self.copyThreshold,
            try await copy(records, c, staging: staging)
        {
            return
        }
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
            // Nothing to set when every column is a key.
            guard let sql = statements.update() else { return }
            for row in rows { try await update(row, sql, c) }
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

    /// Below this many records a multi-row statement is one round trip against COPY's three.
    static let copyThreshold = 64

    /// A temporary table per target and column list, created on first use in a session (and again after
    /// a rolled-back transaction took it away), and per target whether upserts may try COPY straight
    /// into it (see `copy`).
    final class Staging {
        private var names: [String: String] = [:]
        private var next = 0
        private var direct: [String: DirectCopy] = [:]

        /// Whether a batch is first copied straight into the target: only once an upsert through the
        /// staging table succeeded (so a unique index matches the keys: without one ON CONFLICT fails,
        /// and a plain COPY would add duplicates silently), and after a batch that met existing keys the
        /// next 1, 2, 4 … 64 batches go through staging at once.
        struct DirectCopy {
            var verified = false
            var skip = 0
            var backoff = 1
        }

        func forget() { names.removeAll() }
        func name(for key: String, create: (String) async throws -> Void) async throws -> String {
            if let n = names[key] { return n }
            next += 1
            let n = "tributary_stage_\(next)"
            try await create(n)
            names[key] = n
            return n
        }

        func tryDirect(_ key: String) -> Bool {
            guard var d = direct[key], d.verified else { return false }
            if d.skip > 0 {
                d.skip -= 1
                direct[key] = d
                return false
            }
            return true
        }

        func upserted(_ key: String) { direct[key, default: DirectCopy()].verified = true }

        func direct(_ key: String, succeeded: Bool) {
            var d = direct[key, default: DirectCopy()]
            if succeeded {
                d.backoff = 1
            } else {
                d.skip = d.backoff
                d.backoff = min(d.backoff * 2, 64)
            }
            direct[key] = d
        }
    }

    /// COPY path; false (nothing written) when a record lacks a column, so that statements with
    /// DEFAULT handle the run instead.
    private func copy(_ records: ArraySlice<SinkRecord>, _ c: PostgresConnection, staging: Staging) async throws -> Bool
    {
        var text = CopyText(records: records)
        // A schemaless record may lack a column: then the whole text is built before any COPY starts.
        if !fields.complete, try !text.buildAll(self) { return false }
        let key = "\(table)|\(statements.columnList)"
        // Upserts of new keys (the usual case for event streams) cost one COPY, not COPY + INSERT … SELECT
        // + an index probe per row: the batch goes straight into the target inside a savepoint. A key that
        // exists (or twice in the batch) makes it fail on the unique index; it is then rolled back to the
        // savepoint and upserted through the staging table. Any other error takes the same way, so the
        // error reported is the upsert's.
        if config.insertMode == .upsert, staging.tryDirect(key) {
            try await c.execute("SAVEPOINT tributary_direct")
            do {
                try await copyIn(statements.copy(), &text, c)
                try await c.execute("RELEASE SAVEPOINT tributary_direct")
                staging.direct(key, succeeded: true)
                return true
            } catch {
                // A value that cannot be written (ConnectError) fails the batch either way.
                guard let pg = error as? PostgresError, !pg.isTransient else { throw error }
                try await c.execute("ROLLBACK TO SAVEPOINT tributary_direct")
                staging.direct(key, succeeded: false)
            }
        }
        let stage = try await staging.name(for: key) { name in
            // The target's column types without its constraints: a NOT NULL violation is then reported
            // by the INSERT, naming the target table.
            try await c.execute(statements.createStaging(name))
        }
        try await copyIn(statements.copy(into: stage), &text, c)
        // The last record of each key wins: rows of a fresh COPY lie in ctid order.
        try await c.execute(statements.insert(fromStaging: stage, upsert: config.insertMode == .upsert))
        try await c.execute(SinkStatements.truncate(stage))
        if config.insertMode == .upsert { staging.upserted(key) }
        return true
    }

    /// Streams the batch's COPY text: chunks are sent as they are built, so PostgreSQL parses one while
    /// the next is built; a second COPY of the batch (after the direct one failed) resends them.
    private func copyIn(_ sql: String, _ text: inout CopyText, _ c: PostgresConnection) async throws {
        let copy = try await c.beginCopyIn(sql)
        do {
            var i = 0
            while let chunk = try text.chunk(i, self) {
                copy.send(chunk)
                i += 1
            }
        } catch {
            await copy.abort("tributary could not build the rows: \(error)")
            throw error
        }
        try await copy.finish()
    }

    /// A batch's rows in COPY text, in chunks built on demand and kept for a second COPY.
    struct CopyText {
        let records: ArraySlice<SinkRecord>
        private(set) var chunks: [[UInt8]] = []
        private var built: Int
        /// Rows per chunk: large enough for few hand-overs, small enough to start the server early.
        static let chunkRows = 1000

        init(records: ArraySlice<SinkRecord>) {
            self.records = records
            built = records.startIndex
        }

        /// Chunk `i`, built now if it is the next one; nil after the last.
        mutating func chunk(_ i: Int, _ writer: SinkTableWriter) throws -> [UInt8]? {
            if i == chunks.count, try buildNext(writer) == nil {
                throw ConnectError(.connect, "A record of \(writer.table) lacks a column of its run")
            }
            return i < chunks.count ? chunks[i] : nil
        }

        /// Builds every chunk; false when a record lacks a column.
        mutating func buildAll(_ writer: SinkTableWriter) throws -> Bool {
            while let more = try buildNext(writer) { if !more { return true } }
            return false
        }

        /// Builds the next chunk: true when one was built, false when none is left, nil when a record
        /// lacks a column.
        private mutating func buildNext(_ writer: SinkTableWriter) throws -> Bool? {
            guard built < records.endIndex else { return false }
            let end = min(records.endIndex, built + Self.chunkRows)
            guard let data = try writer.rows(records[built..<end]) else { return nil }
            chunks.append(data)
            built = end
            return true
        }
    }

    /// The COPY text of some records; nil when one lacks a column.
    func rows(_ records: ArraySlice<SinkRecord>) throws -> [UInt8]? {
        let columns = fields.all
        // Schemaless fields read by position that need no conversion rule (-1: the general way).
        let plain = columns.map { col in
            col.position.flatMap { col.schema == nil && !config.isEpochTimestamp(col.name, nil) ? $0 : nil } ?? -1
        }
        var data: [UInt8] = []
        data.reserveCapacity(records.count * 16 * columns.count)
        // Records are read in place through the buffer: iterating or indexing the slice copied each
        // SinkRecord (a retain and release of every field), a fifth of this function's time.
        var members = JSONMembers()
        let known = fields.jsonValues
        let complete = try records.withUnsafeBufferPointer { buffer throws -> Bool in
            for r in buffer.indices {
                if buffer[r].valueJSON != nil {
                    // By pointer: passing the record, even borrowed, copied it (a retain of every field).
                    let record = buffer.baseAddress! + r
                    guard
                        try appendRow(json: record, records.startIndex + r, columns, plain, known, &members, to: &data)
                    else { return false }
                    continue
                }
                let entries: [MapEntry]
                if case .map(let e) = buffer[r].value { entries = e } else { entries = [] }
                for i in columns.indices {
                    if i > 0 { data.append(UInt8(ascii: "\t")) }
                    // Numbers, booleans, plain strings and nulls go straight into the text, without a
                    // String in between.
                    if plain[i] >= 0, plain[i] < entries.count, Self.appendPlain(entries[plain[i]].value, to: &data) {
                        continue
                    }
                    let (text, found) = try value(columns[i], buffer[r])
                    guard found else { return false }
                    Self.appendCopyText(text, to: &data)
                }
                data.append(UInt8(ascii: "\n"))
            }
            return true
        }
        return complete ? data : nil
    }

    /// The COPY row of a record whose value came as JSON (`valueJSON`): plain fields are copied from
    /// its bytes, the others parsed and written the general way. False when it lacks a column.
    /// Its values' places come from `fields.jsonValues` when the run has them, else from a scan.
    private func appendRow(
        json r: UnsafePointer<SinkRecord>, _ index: Int, _ columns: [SinkFields.Column], _ plain: [Int],
        _ known: SinkFields.JSONValues?, _ members: inout JSONMembers, to data: inout [UInt8]
    ) throws -> Bool {
        try r.pointee.valueJSON.unsafelyUnwrapped.withUnsafeBytes { b throws -> Bool in
            if known == nil { _ = members.scan(b) }
            let count = known?.stride ?? members.count
            for i in columns.indices {
                if i > 0 { data.append(UInt8(ascii: "\t")) }
                // A value field at its place in a uniform run: copied when plain, else parsed from its
                // bytes there (not found again by a scan of the record).
                if let p = columns[i].position, p < count {
                    let bytes = UnsafeRawBufferPointer(rebasing: b[known?.range(index, p) ?? members[p].value])
                    if plain[i] >= 0, Self.appendPlain(json: bytes, to: &data) { continue }
                    let v = try JSONParser.parseConnectValue(bytes, allowingLeadingZeros: true)
                    Self.appendCopyText(try text(columns[i], v, r.pointee), to: &data)
                    continue
                }
                let (text, found) = try value(columns[i], r.pointee)
                guard found else { return false }
                Self.appendCopyText(text, to: &data)
            }
            data.append(UInt8(ascii: "\n"))
            return true
        }
    }

    /// A value in JsonConverter's JSON form in COPY text, as `appendPlain` writes the value it reads as:
    /// strings without escapes and numbers whose text is the Connect value's (`numberIsSwiftText`) are
    /// copied; false for anything else, which is parsed and written the general way.
    static func appendPlain(json v: UnsafeRawBufferPointer, to out: inout [UInt8]) -> Bool {
        guard let first = v.first else { return false }
        switch first {
        case UInt8(ascii: "\""):
            // The form escapes every control character, so unescaped contents need no COPY escape either
            // (and hold no NUL).
            let contents = UnsafeRawBufferPointer(rebasing: v[(v.startIndex + 1)..<(v.endIndex - 1)])
            guard !contents.contains(UInt8(ascii: "\\")) else { return false }
            out.append(contentsOf: contents)
        case UInt8(ascii: "t"): out.append(UInt8(ascii: "t"))
        case UInt8(ascii: "f"): out.append(UInt8(ascii: "f"))
        case UInt8(ascii: "n"): appendCopyText(nil, to: &out)
        case UInt8(ascii: "{"), UInt8(ascii: "["): return false
        default:
            guard JsonConverterForm.numberIsSwiftText(v) else { return false }
            out.append(contentsOf: v)
        }
        return true
    }

    /// A schemaless value in COPY text, as `SinkValueText.text` writes it, for the kinds that need no
    /// schema: null, integers, booleans, finite doubles and strings without NUL; false for any other
    /// value (the general way then writes it, or reports why it cannot).
    static func appendPlain(_ v: Value, to out: inout [UInt8]) -> Bool {
        switch v {
        case .null: appendCopyText(nil, to: &out)
        case .boolean(let b): out.append(b ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case .int64(let i): appendDecimal(i, to: &out)
        case .int32(let i): appendDecimal(Int64(i), to: &out)
        case .int16(let i): appendDecimal(Int64(i), to: &out)
        case .int8(let i): appendDecimal(Int64(i), to: &out)
        case .float64(let d):
            guard d.isFinite else { return false }
            // `description` is `floatText`'s text; short ones are small strings, not allocated.
            var text = d.description
            text.withUTF8 { out.append(contentsOf: $0) }
        case .string(var s):
            return s.withUTF8 { appendEscaped($0, to: &out) }
        default: return false
        }
        return true
    }

    /// Appends UTF-8 text in COPY's text format; false (with nothing appended) when it holds a NUL,
    /// which PostgreSQL cannot store. Eight bytes are checked at a time for one that needs a look
    /// (a control character or a backslash): most values have none and are appended whole.
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        let n = bytes.count
        guard let base = bytes.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let start = out.count
        var i = 0
        // A word with no byte below 0x20 and no backslash needs nothing.
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let below = (w &- ones &* 0x20) & ~w & highs
            let x = w ^ (ones &* 0x5C)
            let backslash = (x &- ones) & ~x & highs
            if below | backslash != 0 { break }
            i += 8
        }
        var run = 0
        while i < n {
            let escaped: UInt8
            switch bytes[i] {
            case 0:
                out.removeSubrange(start...)
                return false
            case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
            case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
            case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
            default:
                i += 1
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
            out.append(UInt8(ascii: "\\"))
            out.append(escaped)
            i += 1
            run = i
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        return true
    }

    static func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = 20
            repeat {
                i -= 1
                digits[i] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
            } while m > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i...]))
        }
    }

    /// A value in COPY's text format: `\N` for NULL; backslash, tab, newline and carriage return escaped.
    static func appendCopyText(_ text: String?, to out: inout [UInt8]) {
        guard var text else {
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "N"))
            return
        }
        // `SinkValueText.text` refused NULs already.
        _ = text.withUTF8 { appendEscaped($0, to: &out) }
    }

    private func insert(_ rows: ArraySlice<[String?]>, _ present: ArraySlice<[Bool]>, _ c: PostgresConnection)
        async throws
    {
        var params: [String?] = []
        params.reserveCapacity(rows.count * fields.all.count)
        for (row, has) in zip(rows, present) {
            // A schemaless record without a field leaves that cell to the column's DEFAULT.
            for i in row.indices where has[i] { params.append(row[i]) }
        }
        try await c.execute(statements.insert(present, upsert: config.insertMode == .upsert), params)
    }

    private func update(_ row: [String?], _ sql: String, _ c: PostgresConnection) async throws {
        let k = fields.keyColumns.count
        var params: [String?] = Array(row[k...])
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
            params.reserveCapacity((end - start) * keys.count)
            for t in tuples[start..<end] { params += t }
            try await c.execute(statements.delete(rows: end - start), params)
            start = end
        }
    }

    /// The text of one column for `r`, and whether the record has it at all (schemaless maps may not).
    func value(_ col: SinkFields.Column, _ r: borrowing SinkRecord) throws -> (text: String?, found: Bool) {
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
                throw ConnectError(
                    .data,
                    "Record at \(r.topic)-\(r.kafkaPartition ?? 0) offset \(r.kafkaOffset) has a null key, but pk.mode=record_key makes it the primary key of \(table)"
                )
            }
        case .keyField(let name): (v, found) = Self.member(r.key, name)
        case .valueField(let name):
            // By position within a same-shaped run (bounds checked as in `rows`), else by name.
            if let json = r.valueJSON {
                (v, found) = try Self.member(json: json, name, col.position)
            } else if let p = col.position, case .map(let entries) = r.value, p < entries.count {
                v = entries[p].value
            } else {
                (v, found) = Self.member(r.value, name)
            }
        case .value: v = r.value
        }
        return (try text(col, v, r), found)
    }

    /// The text of column `col` for value `v` of record `r` (named in the error when it cannot be written).
    func text(_ col: SinkFields.Column, _ value: Value, _ r: borrowing SinkRecord) throws -> String? {
        var v = value
        if v.isNull, config.replaceNullWithDefault, let d = col.schema?.defaultValue { v = d }
        do {
            if config.isEpochTimestamp(col.name, col.schema) {
                return try SinkValueText.epochTimestampText(v, nanos: config.timestampNanos, zone: config.dbTimeZone)
            }
            return try SinkValueText.text(
                v, schema: col.schema, zone: config.dbTimeZone, dateInZone: config.dateInDbTimeZone)
        } catch {
            throw ConnectError(
                .data,
                "Cannot write field \(col.name) of the record at \(r.topic)-\(r.kafkaPartition ?? 0) offset \(r.kafkaOffset) to \(table): \(error.reason)"
            )
        }
    }

    /// A field of a value that came as JSON, read as JsonConverter reads it: the member at `position`
    /// when it has that name, else the one of that name.
    static func member(json: [UInt8], _ name: String, _ position: Int?) throws -> (Value, Bool) {
        var members = JSONMembers()
        return try json.withUnsafeBytes { b in
            guard members.scan(b) else { return (.null, false) }
            let at =
                position.flatMap { p in
                    p < members.count && JSONMembers.name(members[p].name, in: b, is: name) ? p : nil
                } ?? (0..<members.count).first { JSONMembers.name(members[$0].name, in: b, is: name) }
            guard let at else { return (.null, false) }
            let text = UnsafeRawBufferPointer(rebasing: b[members[at].value])
            return (try JSONParser.parseConnectValue(text, allowingLeadingZeros: true), true)
        }
    }

    /// A struct field or a map entry by name.
    static func member(_ container: Value, _ name: String) -> (Value, Bool) {
        container.member(name).map { ($0, true) } ?? (.null, false)
    }
}

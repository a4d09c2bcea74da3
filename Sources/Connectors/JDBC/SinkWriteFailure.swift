import ConnectAPI
import PostgresClient

/// The database refused a value of a run (a data exception such as `invalid input syntax for type
/// integer`, or a not-null or check violation). PostgreSQL names neither the record nor, for a
/// parameter, the column; COPY does (`line 3, column mag`). So after the put's transaction is rolled
/// back, `located` copies the run once more into an empty temporary copy of the table, in a
/// transaction of its own that is rolled back too, and turns COPY's line into the record's topic,
/// partition and offset.
struct SinkWriteFailure: Error {
    let error: PostgresError
    let writer: SinkTableWriter
    let run: ArraySlice<SinkRecord>

    /// Failures that are about a value, so a record can be blamed for them.
    static func isAboutAValue(_ e: PostgresError) -> Bool {
        guard let state = e.sqlState else { return false }
        return state.hasPrefix("22") || state == "23502" || state == "23514"
    }

    /// The error naming the record, column and value; the run's first and last offsets when COPY
    /// cannot point at one (a missing field, the temporary table refused, another failure).
    func located(_ c: PostgresConnection) async -> ConnectError {
        let table = writer.table.quoted(true)
        if let (record, column) = await locate(c) {
            var text = "Cannot write the record at \(Self.coordinates(record)) to \(table)"
            if let column {
                let value = writer.fields.all.first { $0.name.lowercased() == column.lowercased() }.flatMap {
                    try? writer.value($0, record).text
                }
                text += ": column \(column), value " + (value.map { Self.quoted($0) } ?? "null")
            }
            return ConnectError(.connect, "\(text): \(error)", cause: error)
        }
        let first = run[run.startIndex]
        let last = run[run.index(before: run.endIndex)]
        let range =
            run.count == 1
            ? Self.coordinates(first)
            : "\(first.topic)-\(first.kafkaPartition ?? 0) offsets \(first.kafkaOffset)..\(last.kafkaOffset)"
        return ConnectError(.connect, "Cannot write the records at \(range) to \(table): \(error)", cause: error)
    }

    /// The record and column COPY stops at, when it stops with the same failure.
    private func locate(_ c: PostgresConnection) async -> (SinkRecord, String?)? {
        guard let data = try? writer.rows(run) else { return nil }
        let list = writer.fields.all.map { TableId.quote(writer.columnNames[$0.name.lowercased()] ?? $0.name) }
        // Defaults and identities as the target has them, so that columns the run lacks are filled as
        // the real write fills them (and a NOT NULL one without a default fails there too).
        let create =
            "CREATE TEMP TABLE tributary_diagnose (LIKE \(writer.table.quoted(true)) INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) ON COMMIT DROP"
        var found: PostgresError?
        do {
            try await c.execute("BEGIN")
            try await c.execute(create)
            let copy = try await c.beginCopyIn("COPY tributary_diagnose (\(list.joined(separator: ","))) FROM STDIN")
            copy.send(data)
            try await copy.finish()
        } catch {
            found = error
        }
        try? await c.execute("ROLLBACK")
        // The same failure, or COPY found another thing (then the first report stands as it is).
        guard let found, found.sqlState == error.sqlState, let context = found.context,
            error.sqlState == "23502" ? found.column == error.column : found.message == error.message,
            let line = Self.line(in: context), line >= 1, line <= run.count
        else { return nil }
        return (run[run.startIndex + line - 1], found.column ?? Self.column(in: context))
    }

    /// `…, line 3, column mag: "x"` → 3.
    static func line(in context: String) -> Int? {
        guard let r = context.firstRange(of: ", line ") else { return nil }
        return Int(context[r.upperBound...].prefix { $0.isNumber })
    }

    /// `…, line 3, column mag: "x"` → mag (a column name may hold any character but `: "`).
    static func column(in context: String) -> String? {
        guard let r = context.firstRange(of: ", column ") else { return nil }
        let rest = context[r.upperBound...]
        return String(rest[..<(rest.firstRange(of: ": ")?.lowerBound ?? rest.endIndex)])
    }

    static func coordinates(_ r: SinkRecord) -> String {
        "\(r.topic)-\(r.kafkaPartition ?? 0) offset \(r.kafkaOffset)"
    }

    /// A value in the message, shortened: enough to find it, not a whole document.
    static func quoted(_ value: String) -> String {
        value.count <= 100 ? "\"\(value)\"" : "\"\(value.prefix(100))…\" (\(value.utf8.count) bytes)"
    }
}

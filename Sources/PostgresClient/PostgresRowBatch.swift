import CLibPQ

/// A result column: name, type and, for columns read straight from a table, where they come from.
public struct PostgresColumn: Sendable, Equatable {
    public let name: String
    /// The type's OID (`pg_type.oid`): 20 int8, 25 text, 1700 numeric, 1184 timestamptz, …
    public let typeOID: UInt32
    /// Type modifier: for numeric `((p << 16) | s) + 4`, for varchar `n + 4`; -1 when none.
    public let typeModifier: Int32
    /// The table the column was read from (0 for computed columns) and its attribute number there.
    public let tableOID: UInt32
    public let tableColumn: Int32

    /// For `numeric(p,s)`; nil for an unconstrained `numeric`.
    public var numericPrecisionScale: (precision: Int, scale: Int)? {
        guard typeModifier >= 4 else { return nil }
        let m = Int(typeModifier) - 4
        return ((m >> 16) & 0xFFFF, m & 0xFFFF)
    }

    static func columns(of res: OpaquePointer) -> [PostgresColumn] {
        (0..<tpq_nfields(res)).map { i in
            PostgresColumn(
                name: String(cString: tpq_fname(res, i)), typeOID: tpq_ftype(res, i), typeModifier: tpq_fmod(res, i),
                tableOID: tpq_ftable(res, i), tableColumn: tpq_ftablecol(res, i))
        }
    }

    public static func == (a: PostgresColumn, b: PostgresColumn) -> Bool {
        a.name == b.name && a.typeOID == b.typeOID && a.typeModifier == b.typeModifier && a.tableOID == b.tableOID
            && a.tableColumn == b.tableColumn
    }
}

/// Rows of one fetch, read in place from libpq's result (text format). Valid only inside the closure
/// it is handed to: the result is cleared when that returns.
public struct PostgresRowBatch {
    private let res: OpaquePointer  // PGresult, borrowed
    public let count: Int
    public let columnCount: Int

    init(_ res: OpaquePointer) {
        self.res = res
        count = Int(tpq_ntuples(res))
        columnCount = Int(tpq_nfields(res))
    }

    public var columns: [PostgresColumn] { PostgresColumn.columns(of: res) }

    public func isNull(_ row: Int, _ column: Int) -> Bool { tpq_getisnull(res, Int32(row), Int32(column)) == 1 }

    /// The value's text bytes (empty for NULL: check `isNull`).
    public func bytes(_ row: Int, _ column: Int) -> UnsafeRawBufferPointer {
        let p = tpq_getvalue(res, Int32(row), Int32(column))
        return UnsafeRawBufferPointer(start: p, count: Int(tpq_getlength(res, Int32(row), Int32(column))))
    }

    public func string(_ row: Int, _ column: Int) -> String? {
        isNull(row, column) ? nil : String(decoding: bytes(row, column), as: UTF8.self)
    }
}

/// A whole (small) result: columns and text values.
public struct PostgresResult: Sendable {
    public let columns: [PostgresColumn]
    public let rows: [[String?]]
    /// Rows affected, for INSERT/UPDATE/DELETE.
    public let affected: Int

    init(_ res: OpaquePointer) {
        let batch = PostgresRowBatch(res)
        columns = batch.columns
        rows = (0..<batch.count).map { r in (0..<batch.columnCount).map { batch.string(r, $0) } }
        affected = Int(String(cString: tpq_cmdTuples(res))) ?? 0
    }

    /// The value of `column` (by name) in row `row`.
    public func value(_ row: Int, _ column: String) -> String? {
        guard let i = columns.firstIndex(where: { $0.name == column }) else { return nil }
        return rows[row][i]
    }
}

/// A server-side cursor opened by `PostgresConnection.openCursor`; one per connection at a time.
public struct PostgresCursor: Sendable {
    let connection: PostgresConnection

    /// Reads up to `count` rows; an empty batch means the cursor is exhausted.
    public func fetch<T: Sendable>(_ count: Int, _ read: @escaping @Sendable (PostgresRowBatch) throws -> T)
        async throws -> T
    {
        try await connection.fetch(count, read)
    }

    /// Closes the cursor and commits its (read-only) transaction.
    public func close() async throws(PostgresError) { try await connection.closeCursor() }
}

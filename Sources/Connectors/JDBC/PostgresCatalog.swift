import PostgresClient

/// What the connector asks PostgreSQL's catalog: which tables exist, which columns may be null, which
/// column is auto-incrementing. Values always travel as parameters.
enum PostgresCatalog {
    /// Session settings every connection gets, so text values parse the same way everywhere.
    static func prepare(_ c: PostgresConnection, isolation: String? = nil) async throws(PostgresError) {
        var settings = [
            "SET TimeZone TO 'UTC'", "SET DateStyle TO 'ISO, YMD'", "SET bytea_output TO 'hex'",
            "SET extra_float_digits TO 3",
        ]
        // What JDBC's Connection.setTransactionIsolation does: the level of every later transaction.
        if let isolation { settings.append("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL " + isolation) }
        for setting in settings {
            try await c.execute(setting)
        }
    }

    /// `relkind`s for the JDBC table types users configure (pgjdbc's names).
    static func relkinds(_ types: [String]) -> [String] {
        var kinds: [String] = []
        for t in types {
            switch t {
            case "TABLE": kinds += ["r", "p"]
            case "PARTITIONED TABLE": kinds.append("p")
            case "VIEW": kinds.append("v")
            case "MATERIALIZED VIEW": kinds.append("m")
            case "FOREIGN TABLE": kinds.append("f")
            default: break
            }
        }
        return kinds
    }

    /// Tables of the given types, outside the system schemas, in pgjdbc's `getTables` order.
    static func tables(_ c: PostgresConnection, types: [String], schemaPattern: String?) async throws(PostgresError)
        -> [TableId]
    {
        let kinds = relkinds(types)
        guard !kinds.isEmpty else { return [] }
        let r = try await c.query(
            """
            SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = ANY(string_to_array($1, ',')::"char"[])
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
              AND n.nspname NOT LIKE 'pg\\_temp%' AND ($2::text IS NULL OR n.nspname LIKE $2)
            ORDER BY c.relkind, n.nspname, c.relname
            """, [kinds.joined(separator: ","), schemaPattern])
        return r.rows.compactMap { row in
            guard let s = row[0], let t = row[1] else { return nil }
            return TableId(schema: s, table: t)
        }
    }

    struct ColumnInfo: Sendable {
        let name: String
        let notNull: Bool
        let autoIncrement: Bool
        let primaryKey: Bool
        /// `format_type`: `integer`, `text`, `timestamp without time zone`, `numeric(12,2)`, …
        var typeName: String = ""
        var hasDefault: Bool = false
    }

    /// The table's columns by attribute number, or nil when the table does not exist.
    static func columns(_ c: PostgresConnection, oid: UInt32) async throws(PostgresError) -> [Int32: ColumnInfo] {
        let r = try await c.query(
            """
            SELECT a.attnum, a.attname, a.attnotnull,
                   (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%') AS auto,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary
                           AND a.attnum = ANY(i.indkey)) AS pk,
                   pg_catalog.format_type(a.atttypid, a.atttypmod), d.adbin IS NOT NULL OR a.attidentity <> ''
            FROM pg_catalog.pg_attribute a
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, [String(oid)])
        var out: [Int32: ColumnInfo] = [:]
        for row in r.rows {
            guard let n = row[0].flatMap({ Int32($0) }), let name = row[1] else { continue }
            out[n] = ColumnInfo(
                name: name, notNull: row[2] == "t", autoIncrement: row[3] == "t", primaryKey: row[4] == "t",
                typeName: row[5] ?? "", hasDefault: row[6] == "t")
        }
        return out
    }

    /// The table's OID and relkind (`r` table, `p` partitioned, `v` view, …), or nil when it does not exist.
    static func relation(_ c: PostgresConnection, _ table: TableId) async throws(PostgresError) -> (
        oid: UInt32, kind: String
    )? {
        let r = try await c.query(
            """
            SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2
            """, [table.schema, table.table])
        guard let row = r.rows.first, let oid = row[0].flatMap({ UInt32($0) }) else { return nil }
        return (oid, row[1] ?? "r")
    }

    /// The table's OID, or nil when it does not exist.
    static func oid(_ c: PostgresConnection, _ table: TableId) async throws(PostgresError) -> UInt32? {
        let r = try await c.query(
            """
            SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2
            """, [table.schema, table.table])
        return r.rows.first?[0].flatMap { UInt32($0) }
    }

    /// The database's current time as epoch ms and nanoseconds of the second (`SELECT CURRENT_TIMESTAMP`,
    /// as Confluent's generic dialect asks it).
    static func now(_ c: PostgresConnection) async throws(PostgresError) -> (millis: Int64, nanos: Int32) {
        let r = try await c.query("SELECT CURRENT_TIMESTAMP")
        guard let text = r.rows.first?[0],
            let ts = Array(text.utf8).withUnsafeBytes({ PostgresText.timestamp($0, zone: .utc) })
        else { throw PostgresError(message: "Could not read the database's current time") }
        return ts
    }
}

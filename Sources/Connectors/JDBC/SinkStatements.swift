import ConnectAPI

/// The SQL text the JDBC sink sends, built from names alone so that it can be checked without a
/// database (Tests/JdbcConnectorsTests/SinkStatementsTests.swift holds Confluent's
/// PostgreSqlDatabaseDialectTest cases). The statements are those of Confluent's PostgreSQL dialect
/// (INSERT, INSERT … ON CONFLICT, UPDATE, DELETE, CREATE TABLE, ALTER TABLE … ADD) with `$n`
/// parameters for libpq and our batching: multi-row VALUES, `(keys) IN (…)` deletes, COPY into a
/// staging table and `INSERT … SELECT` from it (docs/jdbc-sink.md, "Differences from Confluent's
/// connector").
///
/// Made once per run of records, never per record: each statement's fixed parts are built here.
struct SinkStatements: Sendable {
    /// The target: `"schema"."table"`, or bare with `quote.sql.identifiers=never`.
    let table: String
    /// Key and non-key columns, quoted as the table.
    let keys: [String]
    let values: [String]
    /// `"k1","k2","v1"`: the column list of INSERT and COPY.
    let columnList: String
    /// ` ON CONFLICT ("k1","k2") DO UPDATE SET "v1"=EXCLUDED."v1",…`, or `DO NOTHING` when every column
    /// is a key (Confluent's upsert).
    let onConflict: String

    /// `keys` and `values` are column names as the table spells them.
    init(table: TableId, keys: [String], values: [String], quote: Bool) {
        self.table = table.quoted(quote)
        self.keys = keys.map { Self.identifier($0, quote: quote) }
        self.values = values.map { Self.identifier($0, quote: quote) }
        columnList = (self.keys + self.values).joined(separator: ",")
        var conflict = " ON CONFLICT (" + self.keys.joined(separator: ",") + ")"
        if self.values.isEmpty {
            conflict += " DO NOTHING"
        } else {
            conflict += " DO UPDATE SET " + self.values.map { "\($0)=EXCLUDED.\($0)" }.joined(separator: ",")
        }
        onConflict = conflict
    }

    /// A column or table name: in double quotes (embedded ones doubled), or bare.
    static func identifier(_ name: String, quote: Bool) -> String { quote ? TableId.quote(name) : name }

    // MARK: Writes

    /// `INSERT INTO t ("k","v") VALUES ($1,$2),($3,$4)` (with `onConflict` for upserts). A cell whose
    /// `present` flag is false (a schemaless record without that field) is `DEFAULT`, and takes no
    /// parameter.
    func insert(_ present: ArraySlice<[Bool]>, upsert: Bool) -> String {
        var sql = "INSERT INTO \(table) (\(columnList)) VALUES "
        var parameter = 0
        var first = true
        for has in present {
            sql += first ? "(" : ",("
            first = false
            for i in has.indices {
                if i > 0 { sql += "," }
                if has[i] {
                    parameter += 1
                    sql += "$\(parameter)"
                } else {
                    sql += "DEFAULT"
                }
            }
            sql += ")"
        }
        if upsert { sql += onConflict }
        return sql
    }

    /// `INSERT … VALUES` of `rows` complete rows.
    func insert(rows: Int, upsert: Bool) -> String {
        insert(
            Array(repeating: Array(repeating: true, count: keys.count + values.count), count: rows)[...], upsert: upsert
        )
    }

    /// `UPDATE t SET "v1" = $1, "v2" = $2 WHERE "k1" = $3 AND "k2" = $4`: the values' parameters
    /// first, then the keys'. Nil without non-key columns (nothing to set).
    func update() -> String? {
        guard !values.isEmpty else { return nil }
        var sql = "UPDATE \(table) SET "
        sql += values.enumerated().map { "\($0.element) = $\($0.offset + 1)" }.joined(separator: ", ")
        sql += " WHERE "
        sql += keys.enumerated().map { "\($0.element) = $\(values.count + $0.offset + 1)" }.joined(separator: " AND ")
        return sql
    }

    /// `DELETE FROM t WHERE ("k1","k2") IN (($1,$2),($3,$4))`: the keys of `rows` tombstones.
    func delete(rows: Int) -> String {
        var sql = "DELETE FROM \(table) WHERE (" + keys.joined(separator: ",") + ") IN ("
        var parameter = 0
        for row in 0..<rows {
            sql += row == 0 ? "(" : ",("
            for k in keys.indices {
                if k > 0 { sql += "," }
                parameter += 1
                sql += "$\(parameter)"
            }
            sql += ")"
        }
        return sql + ")"
    }

    // MARK: COPY through a staging table

    /// `COPY t ("k","v") FROM STDIN`, into the target or a staging table.
    func copy(into target: String? = nil) -> String { "COPY \(target ?? table) (\(columnList)) FROM STDIN" }

    /// The staging table: the target's column types without its constraints, emptied at commit.
    func createStaging(_ name: String) -> String {
        "CREATE TEMP TABLE \(name) ON COMMIT DELETE ROWS AS SELECT \(columnList) FROM \(table) WITH NO DATA"
    }

    /// Moves the staged rows into the target. Upserts keep the last staged row of each key (rows of a
    /// fresh COPY lie in ctid order) and end as Confluent's upsert does.
    func insert(fromStaging stage: String, upsert: Bool) -> String {
        guard upsert else { return "INSERT INTO \(table) (\(columnList)) SELECT \(columnList) FROM \(stage)" }
        let k = keys.joined(separator: ",")
        return
            "INSERT INTO \(table) (\(columnList)) SELECT DISTINCT ON (\(k)) \(columnList) FROM \(stage) ORDER BY \(k), ctid DESC"
            + onConflict
    }

    static func truncate(_ stage: String) -> String { "TRUNCATE \(stage)" }

    // MARK: DDL

    /// `CREATE TABLE t (\n"c1" INT NOT NULL,\n…,\nPRIMARY KEY("c1"))`: one column definition per line,
    /// as Confluent's `buildCreateTableStatement`.
    static func createTable(_ table: TableId, columns: [String], primaryKey: [String], quote: Bool) -> String {
        var lines = columns
        if !primaryKey.isEmpty {
            lines.append("PRIMARY KEY(" + primaryKey.map { identifier($0, quote: quote) }.joined(separator: ",") + ")")
        }
        return "CREATE TABLE \(table.quoted(quote)) (\n" + lines.joined(separator: ",\n") + ")"
    }

    /// `ALTER TABLE t ADD "c" INT NULL` for one column; for more, each `ADD` on its own line
    /// (`ALTER TABLE t \nADD "a" INT NULL,\nADD "b" INT DEFAULT 42`), as Confluent's `buildAlterTable`.
    static func alterTable(_ table: TableId, add columns: [String], quote: Bool) -> String {
        let newline = columns.count > 1 ? "\n" : ""
        return "ALTER TABLE \(table.quoted(quote)) " + columns.map { "\(newline)ADD \($0)" }.joined(separator: ",")
    }

    /// A column definition: `"name" TYPE`, then `DEFAULT literal` when there is a default, else `NULL`
    /// or `NOT NULL` (Confluent's `writeColumnSpec`; key columns are never optional).
    static func column(_ name: String, type: String, defaultLiteral: String?, optional: Bool, quote: Bool) -> String {
        let def = "\(identifier(name, quote: quote)) \(type)"
        if let defaultLiteral { return def + " DEFAULT " + defaultLiteral }
        return def + (optional ? " NULL" : " NOT NULL")
    }

    /// A schema default as an SQL literal, as Confluent's PostgreSQL `formatColumnValue` writes it:
    /// numbers bare, booleans `TRUE`/`FALSE`, Date `'2001-03-15'` (in the date zone), Time
    /// `'00:00:00.000'` and Timestamp `'2001-03-15 00:00:00.000'` (in db.timezone), strings quoted,
    /// arrays `ARRAY[…]`. Where Confluent's text is not valid PostgreSQL we write what is: quotes in
    /// strings doubled, bytes as a bytea literal (`'\x2a'`, not the bit string `x'2a'`), NaN and
    /// infinities quoted, an empty array or one of other elements as its text (`'{}'`,
    /// `'{"2001-03-15"}'`: `ARRAY[]` has no type, `ARRAY['2001-03-15']` is text[]). Nil when the value
    /// does not fit the schema.
    static func defaultLiteral(_ value: Value, schema: Schema, zone: DbTimeZone, dateInZone: Bool) -> String? {
        switch (schema.name, value) {
        case (LogicalType.dateName, .int32(let days)):
            let millis = Int64(days) * 86_400_000
            return quoted(SinkValueText.zoneText(millis, 0, dateInZone ? zone : .utc).date)
        case (LogicalType.timeName, .int32(let millis)):
            return quoted(SinkValueText.zoneText(Int64(millis), 0, zone).time)
        case (LogicalType.timestampName, .int64(let millis)):
            let w = WallClock(millis: millis, zone: zone)
            let ms = WallClock.pad(CivilDate.floorMod(millis, 1000), 3)
            return quoted("\(w.date) \(w.clock).\(ms)\(w.era)")
        case (LogicalType.decimalName, .decimal(let d)):
            return d.description
        default:
            break
        }
        switch value {
        case .null: return "NULL"
        case .int8(let v): return String(v)
        case .int16(let v): return String(v)
        case .int32(let v): return String(v)
        case .int64(let v): return String(v)
        case .float32(let v): return number(Double(v))
        case .float64(let v): return number(v)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .string(let s): return quoted(s)
        case .bytes(let b): return quoted(SinkValueText.byteaText(b))
        case .decimal(let d): return d.description
        case .array(let items):
            // Confluent's ARRAY[…] takes strings, numbers and booleans; ARRAY[] and arrays of other
            // elements (dates, bytes, NaN) have no type PostgreSQL can assign, so those are written as
            // the array's text, which the column's type reads.
            if let element = schema.valueSchema, !items.isEmpty,
                element.name == nil || element.name == LogicalType.decimalName
            {
                var parts: [String] = []
                for item in items {
                    guard inArray(item),
                        let literal = defaultLiteral(item, schema: element, zone: zone, dateInZone: dateInZone)
                    else { break }
                    parts.append(literal)
                }
                if parts.count == items.count { return "ARRAY[" + parts.joined(separator: ",") + "]" }
            }
            return (try? SinkValueText.text(value, schema: schema, zone: zone, dateInZone: dateInZone)).flatMap {
                $0.map(quoted)
            }
        case .map, .struct: return nil
        }
    }

    /// Whether Confluent's `ARRAY[…]` takes the item: a string, a finite number, a boolean or null.
    private static func inArray(_ item: Value) -> Bool {
        switch item {
        case .float32(let v): v.isFinite
        case .float64(let v): v.isFinite
        case .null, .int8, .int16, .int32, .int64, .boolean, .string, .decimal: true
        default: false
        }
    }

    /// An SQL string literal, quotes doubled.
    static func quoted(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }

    private static func number(_ v: Double) -> String {
        v.isFinite ? SinkValueText.floatText(v) : quoted(SinkValueText.floatText(v))
    }
}

import ConnectAPI
import Logging
import PostgresClient

/// The destination tables as the sink knows them, created and evolved as Confluent's `DbStructure`
/// does (reference connectors.md §2.5): CREATE when missing and `auto.create` is on, ALTER … ADD for
/// missing optional columns when `auto.evolve` is on, never a type change or a drop.
final class SinkTableStructure {
    struct Table {
        let id: TableId
        let kind: String
        let columns: [PostgresCatalog.ColumnInfo]
    }
    private var known: [TableId: Table] = [:]
    private let config: JdbcSinkConfig
    private let logger: Logger

    init(config: JdbcSinkConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    func forget() { known.removeAll() }

    /// The table as it is now in the database (nil when missing), read once and then cached.
    func describe(_ id: TableId, _ c: PostgresConnection) async throws -> Table? {
        if let t = known[id] { return t }
        guard let rel = try await PostgresCatalog.relation(c, id) else { return nil }
        let cols = try await PostgresCatalog.columns(c, oid: rel.oid).sorted { $0.key < $1.key }.map(\.value)
        let t = Table(id: id, kind: rel.kind, columns: cols)
        known[id] = t
        return t
    }

    /// Makes sure `id` exists with a column for every field (schemas known), creating or altering it as
    /// configured; returns the table.
    func ensure(_ id: TableId, fields: SinkFields, _ c: PostgresConnection) async throws -> Table {
        guard let table = try await describe(id, c) else {
            guard config.autoCreate else {
                throw ConnectError(
                    .connect, "Table \(id.quoted(true)) is missing and auto-creation is disabled")
            }
            let sql = try createStatement(id, fields)
            logger.info("Creating table \(id) with SQL: \(sql)")
            // Inside the put's transaction: a savepoint lets a table another task created meanwhile
            // (42P07) be taken as it is instead of aborting the transaction.
            try await c.execute("SAVEPOINT tributary_ddl")
            do {
                try await c.execute(sql)
                try await c.execute("RELEASE SAVEPOINT tributary_ddl")
            } catch {
                guard (error as PostgresError?)?.sqlState == "42P07" else { throw error }
                try await c.execute("ROLLBACK TO SAVEPOINT tributary_ddl")
            }
            known[id] = nil
            guard let created = try await describe(id, c) else {
                throw ConnectError(.connect, "Table \(id.quoted(true)) was created but cannot be found")
            }
            return created
        }
        let existing = Set(table.columns.map { $0.name.lowercased() })
        let missing = fields.all.filter { !existing.contains($0.name.lowercased()) }
        guard !missing.isEmpty else { return table }
        try Self.requireAlterable(table, adding: missing.map(\.name))
        return try await amend(table, with: try alterStatement(id, missing: missing, keys: fields), c)
    }

    /// Only tables (plain or partitioned) take ALTER … ADD; a view or foreign table is refused.
    private static func requireAlterable(_ table: Table, adding names: [String]) throws {
        guard table.kind == "r" || table.kind == "p" else {
            throw ConnectError(.connect, "Cannot ALTER \(table.id.quoted(true)) to add \(names): it is not a table")
        }
    }

    /// Runs the ALTER `sql` on `table` and returns the table as it is then.
    private func amend(_ table: Table, with sql: String, _ c: PostgresConnection) async throws -> Table {
        logger.info("Amending table \(table.id) to add missing fields with SQL: \(sql)")
        try await c.execute(sql)
        known[table.id] = nil
        return try await describe(table.id, c) ?? table
    }

    /// Adds a column for each of the schemaless run's `unmatched` fields when `auto.evolve` is on, typed
    /// by the values seen (nullable: another record may lack the field); refuses them otherwise, as
    /// Confluent refuses a schema field the table lacks. Returns the table as it is then.
    func evolve(_ table: Table, schemaless fields: SinkFields, _ run: ArraySlice<SinkRecord>, _ c: PostgresConnection)
        async throws -> Table
    {
        let id = table.id
        guard config.autoEvolve else {
            throw ConnectError(
                .connect,
                "Table \(id.quoted(true)) is missing fields (\(fields.unmatched.joined(separator: ", "))) and auto-evolution is disabled"
            )
        }
        var clauses: [String] = []
        for name in fields.unmatched {
            let source = fields.keyColumns.first { $0.name == name }?.source
            let type: String
            switch source {
            case .topic: type = "TEXT"
            case .partition: type = "INT"
            case .offset: type = "BIGINT"
            case .key: type = Self.schemalessType(run.lazy.map(\.key))
            case .keyField(let f): type = Self.schemalessType(run.lazy.map { $0.key.member(f) ?? .null })
            default: type = Self.schemalessType(run.lazy.map { $0.value.member(name) ?? .null })
            }
            clauses.append(
                SinkStatements.column(
                    name, type: type, defaultLiteral: nil, optional: true, quote: config.quoteIdentifiers))
        }
        try Self.requireAlterable(table, adding: fields.unmatched)
        return try await amend(
            table, with: SinkStatements.alterTable(id, add: clauses, quote: config.quoteIdentifiers), c)
    }

    /// The column type for a schemaless field, from its first non-null value: what JSON gives (integers
    /// as BIGINT, numbers as DOUBLE PRECISION, objects as JSONB, arrays by their first element); TEXT when
    /// every value is null.
    static func schemalessType(_ values: some Sequence<Value>) -> String {
        guard let v = values.first(where: { !$0.isNull }) else { return "TEXT" }
        switch v {
        case .int8, .int16, .int32, .int64: return "BIGINT"
        case .float32, .float64: return "DOUBLE PRECISION"
        case .boolean: return "BOOLEAN"
        case .bytes: return "BYTEA"
        case .decimal: return "NUMERIC"
        case .map, .struct: return "JSONB"
        case .array(let items):
            let element = schemalessType(items)
            return element == "JSONB" ? "JSONB" : element + "[]"
        case .string, .null: return "TEXT"
        }
    }

    /// `CREATE TABLE` for the fields, as Confluent's `buildCreateTableStatement`.
    func createStatement(_ id: TableId, _ fields: SinkFields) throws -> String {
        var lines: [String] = []
        for col in fields.createOrder {
            guard let schema = col.schema else {
                throw ConnectError(.connect, "Cannot create table \(id) for schemaless records: create it first")
            }
            lines.append(try columnDefinition(col, schema: schema, key: fields.isKey(col)))
        }
        return SinkStatements.createTable(
            id, columns: lines, primaryKey: fields.keyColumns.map(\.name), quote: config.quoteIdentifiers)
    }

    /// `ALTER TABLE … ADD` for the `missing` columns, as Confluent's `buildAlterTable`; refused (as
    /// Confluent's `DbStructure` does, before looking at `auto.evolve`) when one is required without a
    /// default, and when `auto.evolve` is off.
    func alterStatement(_ id: TableId, missing: [SinkFields.Column], keys fields: SinkFields) throws -> String {
        var clauses: [String] = []
        for col in missing {
            let key = fields.isKey(col)
            guard let schema = col.schema, (schema.isOptional && !key) || schema.defaultValue != nil else {
                throw ConnectError(
                    .connect,
                    "Cannot ALTER TABLE \(id.quoted(true)) to add missing field \(col.name), as the field is not optional and does not have a default value"
                )
            }
            clauses.append(try columnDefinition(col, schema: schema, key: key))
        }
        guard config.autoEvolve else {
            throw ConnectError(
                .connect,
                "Table \(id.quoted(true)) is missing fields (\(missing.map(\.name).joined(separator: ", "))) and auto-evolution is disabled"
            )
        }
        return SinkStatements.alterTable(id, add: clauses, quote: config.quoteIdentifiers)
    }

    /// One column of CREATE or ALTER: Confluent's `writeColumnSpec`. Key columns are never NULL (its
    /// `SinkRecordField.isOptional`).
    func columnDefinition(_ col: SinkFields.Column, schema: Schema, key: Bool) throws -> String {
        // timestamp.fields.list turns INT64 and STRING fields into TIMESTAMP columns (Confluent's dialect).
        let epochTimestamp = config.isEpochTimestamp(col.name, schema)
        let type = epochTimestamp ? "TIMESTAMP" : try Self.sqlType(schema, column: col.name)
        var literal: String?
        if let d = schema.defaultValue, !d.isNull {
            // An epoch count is written as the timestamp it means (Confluent writes the bare number, which
            // PostgreSQL refuses for a TIMESTAMP column).
            literal =
                epochTimestamp
                ? (try? SinkValueText.epochTimestampText(d, nanos: config.timestampNanos, zone: config.dbTimeZone))
                    .map(SinkStatements.quoted)
                : SinkStatements.defaultLiteral(
                    d, schema: schema, zone: config.dbTimeZone, dateInZone: config.dateInDbTimeZone)
        }
        return SinkStatements.column(
            col.name, type: type, defaultLiteral: literal, optional: schema.isOptional && !key,
            quote: config.quoteIdentifiers)
    }

    /// Confluent's PostgreSQL type map for DDL.
    static func sqlType(_ schema: Schema, column: String) throws -> String {
        switch schema.name {
        case LogicalType.decimalName: return "DECIMAL"
        case LogicalType.dateName: return "DATE"
        case LogicalType.timeName: return "TIME"
        case LogicalType.timestampName: return "TIMESTAMP"
        default: break
        }
        switch schema.type {
        case .int8, .int16: return "SMALLINT"
        case .int32: return "INT"
        case .int64: return "BIGINT"
        case .float32: return "REAL"
        case .float64: return "DOUBLE PRECISION"
        case .boolean: return "BOOLEAN"
        case .string: return "TEXT"
        case .bytes: return "BYTEA"
        case .array:
            guard let items = schema.valueSchema, items.type != .array, items.type != .map, items.type != .struct else {
                throw ConnectError(
                    .connect,
                    "\(schema.type.rawValue.uppercased()) (\(column)) doesn't have a mapping to the SQL database column type"
                )
            }
            return try sqlType(items, column: column) + "[]"
        case .map, .struct:
            throw ConnectError(
                .connect,
                "\(schema.type.rawValue.uppercased()) (\(column)) doesn't have a mapping to the SQL database column type"
            )
        }
    }
}

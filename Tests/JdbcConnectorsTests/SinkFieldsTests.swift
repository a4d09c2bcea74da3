import ConnectAPI
import Testing

@testable import JdbcConnectors

/// How schemaless (JSON without schemas) fields find the table's columns: as PostgreSQL resolves
/// unquoted names, and never by dropping a field that has no column.
struct SinkFieldsTests {
    func record(_ fields: [(String, Value)], offset: Int64 = 0) -> SinkRecord {
        SinkRecord(
            topic: "quakes", kafkaPartition: 0, kafkaOffset: offset, keySchema: nil, key: .null, valueSchema: nil,
            value: .map(fields.map { MapEntry(key: .string($0.0), value: $0.1) }), timestamp: nil)
    }

    func column(_ name: String, primaryKey: Bool = false) -> PostgresCatalog.ColumnInfo {
        .init(name: name, notNull: primaryKey, autoIncrement: false, primaryKey: primaryKey)
    }

    func config(_ extra: [String: String] = [:]) throws -> JdbcSinkConfig {
        try JdbcSinkConfig(
            [
                "connection.url": "jdbc:postgresql://localhost/db", "topics": "quakes", "insert.mode": "upsert",
                "pk.mode": "record_value", "pk.fields": "id",
            ].merging(extra) { $1 })
    }

    func fields(_ records: [SinkRecord], _ columns: [PostgresCatalog.ColumnInfo], _ extra: [String: String] = [:])
        throws -> SinkFields
    {
        try SinkFields.forSchemaless(
            records: records[...], tableColumns: columns, config: try config(extra), table: "public.quakes")
    }

    @Test func aFieldFillsTheColumnItsNameFoldsTo() throws {
        // CREATE TABLE quakes (id TEXT PRIMARY KEY, magType TEXT) makes the column magtype.
        let f = try fields(
            [record([("id", .string("ev1")), ("magType", .string("ml"))])], [column("id"), column("magtype")])
        #expect(f.keyColumns.map(\.name) == ["id"])
        #expect(f.valueColumns.map(\.name) == ["magtype"])
        #expect(f.valueColumns.map(\.source) == [.valueField("magType")])
        // Read by position in a same-shaped run: the field's place in the record.
        #expect(f.valueColumns.map(\.position) == [1])
        #expect(f.unmatched.isEmpty)
    }

    @Test func anExactNameWinsOverOnesThatDifferInCase() throws {
        let f = try fields(
            [record([("id", .string("a")), ("Mag", .int64(1))])], [column("id"), column("mag"), column("Mag")])
        #expect(f.valueColumns.map(\.name) == ["Mag"])
    }

    @Test func twoColumnsThatDifferOnlyInCaseAreAmbiguous() throws {
        let error = #expect(throws: ConnectError.self) {
            try fields(
                [record([("id", .string("a")), ("MAG", .int64(1))])], [column("id"), column("mag"), column("Mag")])
        }
        #expect(
            error?.message.contains("The field MAG for table 'public.quakes' matches Mag and mag ignoring case") == true
        )
    }

    @Test func fieldsWithoutAColumnAreListedNotDropped() throws {
        let f = try fields(
            [
                record([("id", .string("ev1")), ("magType", .string("ml")), ("depth", .float64(7.5))]),
                record([("id", .string("ev2")), ("felt", .null)], offset: 1),
            ], [column("id"), column("magtype")])
        #expect(f.valueColumns.map(\.name) == ["magtype"])
        #expect(f.unmatched == ["depth", "felt"])
    }

    @Test func fieldsOutsideTheWhitelistAreIgnoredNotUnmatched() throws {
        let f = try fields(
            [record([("id", .string("ev1")), ("magType", .string("ml")), ("depth", .float64(7.5))])],
            [column("id"), column("magtype")], ["fields.whitelist": "magType"])
        #expect(f.valueColumns.map(\.name) == ["magtype"])
        #expect(f.unmatched.isEmpty)
    }

    @Test func aKeyFieldIsResolvedToo() throws {
        let f = try fields([record([("ID", .string("ev1"))])], [column("id")], ["pk.fields": "ID"])
        #expect(f.keyColumns.map(\.name) == ["id"])
        #expect(f.keyColumns.map(\.source) == [.valueField("ID")])
        // The table's primary key, when pk.fields is empty, is found in a field spelled otherwise.
        let byTable = try fields(
            [record([("Id", .string("ev1")), ("magType", .string("ml"))])],
            [column("id", primaryKey: true), column("magtype")], ["pk.fields": ""])
        #expect(byTable.keyColumns.map(\.source) == [.valueField("Id")])
        #expect(byTable.valueColumns.map(\.name) == ["magtype"])
    }

    @Test func aKeyColumnIsFilledFromTheKeyNotFromItsValueField() throws {
        // pk.mode=record_key with a primitive key: the value's own case_id is not read.
        let f = try fields(
            [record([("case_id", .string("a")), ("status", .string("open"))])], [column("case_id"), column("status")],
            ["pk.mode": "record_key", "pk.fields": "case_id"])
        #expect(f.keyColumns.map(\.source) == [.key])
        #expect(f.valueColumns.map(\.name) == ["status"])
    }

    @Test func twoFieldsForOneColumnAreRefused() throws {
        let error = #expect(throws: ConnectError.self) {
            try fields(
                [record([("id", .string("a")), ("magType", .string("ml")), ("MAGTYPE", .string("mb"))])],
                [column("id"), column("magtype")])
        }
        #expect(error?.message.contains("fill the column magtype twice (field MAGTYPE)") == true)
    }

    @Test func evolvedColumnsAreTypedByTheValuesSeen() {
        #expect(SinkTableStructure.schemalessType([.null, .float64(7.5)]) == "DOUBLE PRECISION")
        #expect(SinkTableStructure.schemalessType([.int64(3)]) == "BIGINT")
        #expect(SinkTableStructure.schemalessType([.boolean(true)]) == "BOOLEAN")
        #expect(SinkTableStructure.schemalessType([.string("x")]) == "TEXT")
        #expect(SinkTableStructure.schemalessType([.null, .null]) == "TEXT")
        #expect(SinkTableStructure.schemalessType([.map([])]) == "JSONB")
        #expect(SinkTableStructure.schemalessType([.array([.null, .string("a")])]) == "TEXT[]")
        #expect(SinkTableStructure.schemalessType([.array([.map([])])]) == "JSONB")
    }

    @Test func copyContextGivesTheLineAndColumn() {
        let context = #"COPY tributary_diagnose, line 3, column total: "119.88""#
        #expect(SinkWriteFailure.line(in: context) == 3)
        #expect(SinkWriteFailure.column(in: context) == "total")
        // A not-null violation names no column in its context (the error's column field does).
        let notNull = "COPY tributary_diagnose, line 12: \"4\t\\N\""
        #expect(SinkWriteFailure.line(in: notNull) == 12)
        #expect(SinkWriteFailure.column(in: notNull) == nil)
        #expect(SinkWriteFailure.line(in: "SQL statement") == nil)
    }

    @Test func longValuesAreShortenedInMessages() {
        #expect(SinkWriteFailure.quoted("119.88") == "\"119.88\"")
        let long = String(repeating: "x", count: 150)
        #expect(SinkWriteFailure.quoted(long) == "\"\(String(repeating: "x", count: 100))…\" (150 bytes)")
    }
}

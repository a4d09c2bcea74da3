import ConnectAPI
import Logging
import Testing

@testable import JdbcConnectors

/// The sink's SQL text against Confluent's PostgreSQL dialect tests (confluentinc/kafka-connect-jdbc
/// src/test/java/io/confluent/connect/jdbc/dialect/PostgreSqlDatabaseDialectTest.java, BaseDialectTest.java
/// and GenericDatabaseDialectTest.java). Upstream's tables have no schema (`"myTable"`); ours always have
/// one (`"public"."myTable"`: a table named without one is in `current_schema()`), and our parameters are
/// libpq's `$n` where JDBC's are `?`. Intentional differences are pinned here and listed in
/// docs/jdbc-sink.md, "Differences from Confluent's connector".
struct SinkStatementsTests {
    static let upstream = "confluentinc/kafka-connect-jdbc src/test/java/io/confluent/connect/jdbc/dialect/"
    let myTable = TableId(schema: "public", table: "myTable")

    func config(_ extra: [String: String] = [:]) throws -> JdbcSinkConfig {
        try JdbcSinkConfig(["connection.url": "jdbc:postgresql://localhost/db", "topics": "t"].merging(extra) { $1 })
    }

    func structure(_ extra: [String: String] = [:]) throws -> SinkTableStructure {
        SinkTableStructure(config: try config(extra), logger: Logger(label: "test"))
    }

    func statements(_ keys: [String], _ values: [String], table: String = "myTable", quote: Bool = true)
        -> SinkStatements
    {
        SinkStatements(table: TableId(schema: "public", table: table), keys: keys, values: values, quote: quote)
    }

    // 2001-03-15T00:00:00Z, BaseDialectTest's MARCH_15_2001_MIDNIGHT.
    static let march15Days: Int32 = 11_396
    static let march15Millis: Int64 = 984_614_400_000

    /// BaseDialectTest.setup's sinkRecordFields: c1 (the key) … c9.
    static let baseFields: Schema = {
        let decimal = Schema(
            type: .bytes, optional: true, name: LogicalType.decimalName, version: 1,
            parameters: [("scale", "4"), ("p1", "v1"), ("p2", "v2")])
        let specs: [(String, Schema)] = [
            ("c1", .int32), ("c2", .int64), ("c3", .string), ("c4", .optionalString),
            (
                "c5",
                Schema(
                    type: .int32, optional: true, defaultValue: .int32(march15Days), name: LogicalType.dateName,
                    version: 1)
            ),
            (
                "c6",
                Schema(type: .int32, optional: true, defaultValue: .int32(0), name: LogicalType.timeName, version: 1)
            ),
            (
                "c7",
                Schema(
                    type: .int64, optional: true, defaultValue: .int64(march15Millis), name: LogicalType.timestampName,
                    version: 1)
            ),
            ("c8", decimal),
            ("c9", Schema(type: .boolean, defaultValue: .boolean(true))),
        ]
        return Schema(
            type: .struct,
            fields: specs.enumerated().map { Field(name: $0.element.0, index: $0.offset, schema: $0.element.1) })
    }()

    func baseSinkFields(_ c: JdbcSinkConfig) throws -> SinkFields {
        try SinkFields.forSchemas(keySchema: nil, valueSchema: Self.baseFields, config: c, table: "myTable")
    }

    // MARK: Type map

    // PostgreSqlDatabaseDialectTest shouldMapPrimitiveSchemaTypeToSqlTypes
    @Test func primitiveSchemaTypesMapToSqlTypes() throws {
        let expected: [(Schema.SchemaType, String)] = [
            (.int8, "SMALLINT"), (.int16, "SMALLINT"), (.int32, "INT"), (.int64, "BIGINT"), (.float32, "REAL"),
            (.float64, "DOUBLE PRECISION"), (.boolean, "BOOLEAN"), (.bytes, "BYTEA"), (.string, "TEXT"),
        ]
        for (type, sql) in expected {
            #expect(try SinkTableStructure.sqlType(Schema(type: type), column: "c") == sql)
        }
    }

    // PostgreSqlDatabaseDialectTest shouldMapDecimalSchemaTypeToDecimalSqlType
    @Test func decimalsMapToDecimalWhateverTheScale() throws {
        for scale: Int32 in [0, 3, 4, 5] {
            #expect(try SinkTableStructure.sqlType(LogicalType.decimal(scale: scale), column: "c") == "DECIMAL")
        }
    }

    // PostgreSqlDatabaseDialectTest shouldMapDataTypesForAddingColumnToTable,
    // shouldMapDateSchemaTypeToDateSqlType, shouldMapTimeSchemaTypeToTimeSqlType,
    // shouldMapTimestampSchemaTypeToTimestampSqlType
    @Test func logicalTypesMapToTheirSqlTypes() throws {
        let expected: [(Schema, String)] = [
            (.int8, "SMALLINT"), (.int16, "SMALLINT"), (.int32, "INT"), (.int64, "BIGINT"), (.float32, "REAL"),
            (.float64, "DOUBLE PRECISION"), (.boolean, "BOOLEAN"), (.string, "TEXT"), (.bytes, "BYTEA"),
            (LogicalType.decimal(scale: 0), "DECIMAL"), (LogicalType.date(), "DATE"), (LogicalType.time(), "TIME"),
            (LogicalType.timestamp(), "TIMESTAMP"),
        ]
        for (schema, sql) in expected {
            #expect(try SinkTableStructure.sqlType(schema, column: "c") == sql)
        }
    }

    // PostgreSqlDatabaseDialect.getSqlType (ARRAY: the element's type + "[]"; PostgreSqlDatabaseDialectTest
    // bindFieldPrimitiveValues binds arrays of every primitive); maps and structs have no column type.
    @Test func arraysOfPrimitivesMapToArrayTypes() throws {
        #expect(try SinkTableStructure.sqlType(.array(.int8), column: "c") == "SMALLINT[]")
        #expect(try SinkTableStructure.sqlType(.array(.string), column: "c") == "TEXT[]")
        #expect(try SinkTableStructure.sqlType(.array(LogicalType.timestamp()), column: "c") == "TIMESTAMP[]")
        #expect(throws: ConnectError.self) { try SinkTableStructure.sqlType(.map(.string, .string), column: "c") }
        #expect(throws: ConnectError.self) { try SinkTableStructure.sqlType(.array(.array(.int32)), column: "c") }
    }

    // MARK: CREATE TABLE and ALTER TABLE

    // PostgreSqlDatabaseDialectTest shouldBuildCreateQueryStatement
    @Test func createTableOfBaseDialectTestFields() throws {
        let quoted = try config(["pk.mode": "record_value", "pk.fields": "c1"])
        #expect(
            try SinkTableStructure(config: quoted, logger: Logger(label: "t")).createStatement(
                myTable, try baseSinkFields(quoted))
                    == """
                    CREATE TABLE "public"."myTable" (
                    "c1" INT NOT NULL,
                    "c2" BIGINT NOT NULL,
                    "c3" TEXT NOT NULL,
                    "c4" TEXT NULL,
                    "c5" DATE DEFAULT '2001-03-15',
                    "c6" TIME DEFAULT '00:00:00.000',
                    "c7" TIMESTAMP DEFAULT '2001-03-15 00:00:00.000',
                    "c8" DECIMAL NULL,
                    "c9" BOOLEAN DEFAULT TRUE,
                    PRIMARY KEY("c1"))
                    """)
        let bare = try config(["pk.mode": "record_value", "pk.fields": "c1", "quote.sql.identifiers": "never"])
        #expect(
            try SinkTableStructure(config: bare, logger: Logger(label: "t")).createStatement(
                myTable, try baseSinkFields(bare))
                    == """
                    CREATE TABLE public.myTable (
                    c1 INT NOT NULL,
                    c2 BIGINT NOT NULL,
                    c3 TEXT NOT NULL,
                    c4 TEXT NULL,
                    c5 DATE DEFAULT '2001-03-15',
                    c6 TIME DEFAULT '00:00:00.000',
                    c7 TIMESTAMP DEFAULT '2001-03-15 00:00:00.000',
                    c8 DECIMAL NULL,
                    c9 BOOLEAN DEFAULT TRUE,
                    PRIMARY KEY(c1))
                    """)
    }

    // PostgreSqlDatabaseDialectTest shouldBuildAlterTableStatement
    @Test func alterTableAddsEachFieldOnItsOwnLine() throws {
        for (quote, expected) in [
            (
                "always",
                """
                ALTER TABLE "public"."myTable" \n\
                ADD "c1" INT NOT NULL,
                ADD "c2" BIGINT NOT NULL,
                ADD "c3" TEXT NOT NULL,
                ADD "c4" TEXT NULL,
                ADD "c5" DATE DEFAULT '2001-03-15',
                ADD "c6" TIME DEFAULT '00:00:00.000',
                ADD "c7" TIMESTAMP DEFAULT '2001-03-15 00:00:00.000',
                ADD "c8" DECIMAL NULL,
                ADD "c9" BOOLEAN DEFAULT TRUE
                """
            ),
            (
                "never",
                """
                ALTER TABLE public.myTable \n\
                ADD c1 INT NOT NULL,
                ADD c2 BIGINT NOT NULL,
                ADD c3 TEXT NOT NULL,
                ADD c4 TEXT NULL,
                ADD c5 DATE DEFAULT '2001-03-15',
                ADD c6 TIME DEFAULT '00:00:00.000',
                ADD c7 TIMESTAMP DEFAULT '2001-03-15 00:00:00.000',
                ADD c8 DECIMAL NULL,
                ADD c9 BOOLEAN DEFAULT TRUE
                """
            ),
        ] {
            let c = try config(["pk.mode": "record_value", "pk.fields": "c1", "quote.sql.identifiers": quote])
            let s = SinkTableStructure(config: c, logger: Logger(label: "t"))
            let fields = try baseSinkFields(c)
            let columns = try fields.createOrder.map {
                try s.columnDefinition($0, schema: $0.schema!, key: fields.isKey($0))
            }
            #expect(SinkStatements.alterTable(myTable, add: columns, quote: quote == "always") == expected)
        }
    }

    func fields(_ specs: [(String, Schema)], keys: [String], _ extra: [String: String] = [:]) throws -> (
        SinkTableStructure, SinkFields
    ) {
        var raw = extra
        if !keys.isEmpty {
            raw["pk.mode"] = "record_value"
            raw["pk.fields"] = keys.joined(separator: ",")
        }
        let c = try config(raw)
        let schema = Schema(
            type: .struct,
            fields: specs.enumerated().map { Field(name: $0.element.0, index: $0.offset, schema: $0.element.1) })
        return (
            SinkTableStructure(config: c, logger: Logger(label: "t")),
            try SinkFields.forSchemas(keySchema: nil, valueSchema: schema, config: c, table: "myTable")
        )
    }

    // PostgreSqlDatabaseDialectTest createOneColNoPk, createOneColOnePk, createThreeColTwoPk
    @Test func createTableWithAndWithoutKeys() throws {
        let (s1, f1) = try fields([("col1", .int32)], keys: [])
        #expect(try s1.createStatement(myTable, f1) == "CREATE TABLE \"public\".\"myTable\" (\n\"col1\" INT NOT NULL)")
        let (s2, f2) = try fields([("pk1", .int32)], keys: ["pk1"])
        #expect(
            try s2.createStatement(myTable, f2)
                == "CREATE TABLE \"public\".\"myTable\" (\n\"pk1\" INT NOT NULL,\nPRIMARY KEY(\"pk1\"))")
        let three: [(String, Schema)] = [("pk1", .int32), ("pk2", .int32), ("col1", .int32)]
        let (s3, f3) = try fields(three, keys: ["pk1", "pk2"])
        #expect(
            try s3.createStatement(myTable, f3)
                == "CREATE TABLE \"public\".\"myTable\" (\n\"pk1\" INT NOT NULL,\n\"pk2\" INT NOT NULL,\n\"col1\" INT NOT NULL,\nPRIMARY KEY(\"pk1\",\"pk2\"))"
        )
        let (s4, f4) = try fields(three, keys: ["pk1", "pk2"], ["quote.sql.identifiers": "never"])
        #expect(
            try s4.createStatement(myTable, f4)
                == "CREATE TABLE public.myTable (\npk1 INT NOT NULL,\npk2 INT NOT NULL,\ncol1 INT NOT NULL,\nPRIMARY KEY(pk1,pk2))"
        )
    }

    // PostgreSqlDatabaseDialectTest alterAddOneCol, alterAddTwoCol
    @Test func alterTableWithOneAndTwoColumns() throws {
        let (s, f) = try fields(
            [("newcol1", .optionalInt32), ("newcol2", Schema(type: .int32, defaultValue: .int32(42)))], keys: [],
            ["auto.evolve": "true"])
        #expect(
            try s.alterStatement(myTable, missing: [f.valueColumns[0]], keys: f)
                == "ALTER TABLE \"public\".\"myTable\" ADD \"newcol1\" INT NULL")
        #expect(
            try s.alterStatement(myTable, missing: f.valueColumns, keys: f)
                == "ALTER TABLE \"public\".\"myTable\" \nADD \"newcol1\" INT NULL,\nADD \"newcol2\" INT DEFAULT 42")
    }

    // confluentinc/kafka-connect-jdbc src/main/java/io/confluent/connect/jdbc/sink/DbStructure.java
    // amendIfNecessary: a required field without a default is refused before auto.evolve is looked at;
    // a key field counts as required (SinkRecordField.isOptional).
    @Test func alterRefusesRequiredFieldsBeforeLookingAtAutoEvolve() throws {
        let (off, f) = try fields([("id", .optionalInt32), ("a", .int32), ("b", .optionalString)], keys: ["id"])
        #expect {
            try off.alterStatement(myTable, missing: [f.valueColumns[0]], keys: f)
        } throws: { ($0 as? ConnectError)?.message.contains("as the field is not optional") == true }
        #expect {
            try off.alterStatement(myTable, missing: [f.keyColumns[0]], keys: f)
        } throws: {
            ($0 as? ConnectError)?.message.contains("to add missing field id, as the field is not optional") == true
        }
        #expect {
            try off.alterStatement(myTable, missing: [f.valueColumns[1]], keys: f)
        } throws: { ($0 as? ConnectError)?.message.contains("auto-evolution is disabled") == true }
    }

    // GenericDatabaseDialectTest writeColumnSpec (with PostgreSQL's INT for the DUMMY type)
    @Test func columnSpecOfKeysAndDefaults() throws {
        for quote in ["always", "never"] {
            let (s, f) = try fields(
                [("foo", Schema(type: .int32, optional: true, defaultValue: .int32(42))), ("bar", .optionalInt32)],
                keys: ["foo", "bar"], ["quote.sql.identifiers": quote])
            let q = quote == "always" ? "\"" : ""
            #expect(
                try s.columnDefinition(f.keyColumns[0], schema: f.keyColumns[0].schema!, key: true)
                    == "\(q)foo\(q) INT DEFAULT 42")
            #expect(
                try s.columnDefinition(f.keyColumns[0], schema: f.keyColumns[0].schema!, key: false)
                    == "\(q)foo\(q) INT DEFAULT 42")
            // An optional key field is NOT NULL; optional otherwise NULL; required NOT NULL either way.
            #expect(
                try s.columnDefinition(f.keyColumns[1], schema: .optionalInt32, key: true) == "\(q)bar\(q) INT NOT NULL"
            )
            #expect(
                try s.columnDefinition(f.keyColumns[1], schema: .optionalInt32, key: false) == "\(q)bar\(q) INT NULL")
            #expect(try s.columnDefinition(f.keyColumns[1], schema: .int32, key: true) == "\(q)bar\(q) INT NOT NULL")
            #expect(try s.columnDefinition(f.keyColumns[1], schema: .int32, key: false) == "\(q)bar\(q) INT NOT NULL")
        }
    }

    // MARK: Default values

    func literal(_ v: Value, _ schema: Schema, zone: DbTimeZone = .utc) -> String? {
        SinkStatements.defaultLiteral(v, schema: schema, zone: zone, dateInZone: true)
    }

    // GenericDatabaseDialectTest formatColumnValue, with PostgreSqlDatabaseDialect's TRUE/FALSE for booleans
    @Test func defaultsAreWrittenAsConfluentFormatsThem() {
        #expect(literal(.int8(42), .int8) == "42")
        #expect(literal(.int16(42), .int16) == "42")
        #expect(literal(.int32(42), .int32) == "42")
        #expect(literal(.int64(42), .int64) == "42")
        #expect(literal(.float32(42.5), .float32) == "42.5")
        #expect(literal(.float64(42.5), .float64) == "42.5")
        #expect(literal(.boolean(false), .boolean) == "FALSE")
        #expect(literal(.boolean(true), .boolean) == "TRUE")
        #expect(literal(.string("quoteit"), .string) == "'quoteit'")
        #expect(literal(.decimal(ConnectDecimal("42.42")!), LogicalType.decimal(scale: 2)) == "42.42")
        // 1474661402123 ms: 2016-09-23T20:10:02.123Z.
        #expect(literal(.int32(17_067), LogicalType.date()) == "'2016-09-23'")
        #expect(literal(.int32(72_602_123), LogicalType.time()) == "'20:10:02.123'")
        #expect(literal(.int64(1_474_661_402_123), LogicalType.timestamp()) == "'2016-09-23 20:10:02.123'")
        // In db.timezone, as Confluent's dialect formats them.
        let chicago = DbTimeZone("America/Chicago")!
        #expect(
            literal(.int64(1_474_661_402_123), LogicalType.timestamp(), zone: chicago) == "'2016-09-23 15:10:02.123'")
    }

    // GenericDatabaseDialectTest formatColumnValue: where Confluent's literal is not valid PostgreSQL
    // (x'2A' is a bit string, a quote in a string ends it, NaN is a column name), ours is (a difference).
    @Test func defaultsThatConfluentWritesAsInvalidSqlAreValid() {
        #expect(literal(.bytes([42]), .bytes) == "'\\x2a'")
        #expect(literal(.string("O'Neill"), .string) == "'O''Neill'")
        #expect(literal(.float64(.nan), .float64) == "'NaN'")
        #expect(literal(.float32(-.infinity), .float32) == "'-Infinity'")
    }

    // PostgreSqlDatabaseDialectTest testArrayDefaultsFormatting
    @Test func arrayDefaults() {
        let strings = Schema.array(.string)
        func texts(_ s: [String?]) -> Value { .array(s.map { $0.map(Value.string) ?? .null }) }
        #expect(literal(texts(["simple", "string", "array"]), strings) == "ARRAY['simple','string','array']")
        #expect(
            literal(texts(["Van'Der Waal", "O'Neill", "l'église"]), strings)
                == "ARRAY['Van''Der Waal','O''Neill','l''église']")
        #expect(
            literal(texts(["double''quote", "already''escaped"]), strings)
                == "ARRAY['double''''quote','already''''escaped']")
        #expect(
            literal(texts(["contains \"quotes\"", "and 'apostrophes'"]), strings)
                == "ARRAY['contains \"quotes\"','and ''apostrophes''']")
        #expect(
            literal(texts(["backslash\\test", "percent%sign"]), strings) == "ARRAY['backslash\\test','percent%sign']")
        #expect(
            literal(texts(["newline\ntest", "tab\ttest", "return\rtest"]), strings)
                == "ARRAY['newline\ntest','tab\ttest','return\rtest']")
        #expect(
            literal(texts(["mixed", "array", nil, "with", "null"]), strings)
                == "ARRAY['mixed','array',NULL,'with','null']")
        #expect(literal(texts(["1", "2", "3", "4", "5"]), strings) == "ARRAY['1','2','3','4','5']")
        #expect(literal(.array((1...5).map { .int32($0) }), .array(.int32)) == "ARRAY[1,2,3,4,5]")
        #expect(
            literal(.array([.boolean(true), .boolean(false), .boolean(true)]), .array(.boolean))
                == "ARRAY[TRUE,FALSE,TRUE]")
        // Confluent writes ARRAY[], which PostgreSQL refuses ("cannot determine type of empty array").
        #expect(literal(.array([]), strings) == "'{}'")
        // Nor can ARRAY['2001-03-15'] (text[]) or ARRAY['NaN'] fill a date[] or real[] column: such arrays
        // are written as their text.
        #expect(literal(.array([.int32(11_396)]), .array(LogicalType.date())) == "'{\"2001-03-15\"}'")
        #expect(literal(.array([.float32(.nan), .float32(1)]), .array(.float32)) == "'{\"NaN\",\"1.0\"}'")
        #expect(literal(.array([.bytes([42])]), .array(.bytes)) == "'{\"\\\\x2a\"}'")
    }

    // MARK: INSERT, upsert, UPDATE, DELETE

    // PostgreSqlDatabaseDialectTest shouldBuildInsertStatement
    @Test func insert() {
        let cols = ["columnA", "columnB", "columnC", "columnD"]
        #expect(
            statements(["id1", "id2"], cols).insert(rows: 1, upsert: false)
                == "INSERT INTO \"public\".\"myTable\" (\"id1\",\"id2\",\"columnA\",\"columnB\",\"columnC\",\"columnD\") VALUES ($1,$2,$3,$4,$5,$6)"
        )
        #expect(
            statements(["id1", "id2"], cols, quote: false).insert(rows: 1, upsert: false)
                == "INSERT INTO public.myTable (id1,id2,columnA,columnB,columnC,columnD) VALUES ($1,$2,$3,$4,$5,$6)")
        // Confluent casts uuid columns (`?::uuid`, shouldComputeValueTypeCast); our parameters are untyped
        // text that PostgreSQL reads as the column's type, so no column needs a cast (a difference).
        #expect(
            statements(["id1", "id2"], ["columnA", "uuidColumn", "dateColumn"], quote: false).insert(
                rows: 1, upsert: false)
                == "INSERT INTO public.myTable (id1,id2,columnA,uuidColumn,dateColumn) VALUES ($1,$2,$3,$4,$5)")
    }

    // GenericDatabaseDialectTest testBuildCreateTableStatement (an INSERT): our batching (a difference)
    // puts up to batch.size rows in one statement; a schemaless record's missing field is DEFAULT.
    @Test func insertOfSeveralRows() {
        let s = statements(["id"], ["a"])
        #expect(
            s.insert(rows: 3, upsert: false)
                == "INSERT INTO \"public\".\"myTable\" (\"id\",\"a\") VALUES ($1,$2),($3,$4),($5,$6)")
        #expect(
            s.insert([[true, true], [true, false], [true, true]][...], upsert: false)
                == "INSERT INTO \"public\".\"myTable\" (\"id\",\"a\") VALUES ($1,$2),($3,DEFAULT),($4,$5)")
    }

    // PostgreSqlDatabaseDialectTest shouldBuildUpsertStatement
    @Test func upsertOfTwoKeysAndFourColumns() {
        let cols = ["columnA", "columnB", "columnC", "columnD"]
        #expect(
            statements(["id1", "id2"], cols).insert(rows: 1, upsert: true)
                == "INSERT INTO \"public\".\"myTable\" (\"id1\",\"id2\",\"columnA\",\"columnB\",\"columnC\",\"columnD\") VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (\"id1\",\"id2\") DO UPDATE SET \"columnA\"=EXCLUDED.\"columnA\",\"columnB\"=EXCLUDED.\"columnB\",\"columnC\"=EXCLUDED.\"columnC\",\"columnD\"=EXCLUDED.\"columnD\""
        )
        #expect(
            statements(["id1", "id2"], cols, quote: false).insert(rows: 1, upsert: true)
                == "INSERT INTO public.myTable (id1,id2,columnA,columnB,columnC,columnD) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (id1,id2) DO UPDATE SET columnA=EXCLUDED.columnA,columnB=EXCLUDED.columnB,columnC=EXCLUDED.columnC,columnD=EXCLUDED.columnD"
        )
        #expect(
            statements(["id1", "id2"], ["columnA", "uuidColumn", "dateColumn"], quote: false).insert(
                rows: 1, upsert: true)
                == "INSERT INTO public.myTable (id1,id2,columnA,uuidColumn,dateColumn) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (id1,id2) DO UPDATE SET columnA=EXCLUDED.columnA,uuidColumn=EXCLUDED.uuidColumn,dateColumn=EXCLUDED.dateColumn"
        )
    }

    // PostgreSqlDatabaseDialectTest upsert
    @Test func upsertOfCustomerAndDoNothingWhenEveryColumnIsAKey() {
        let q = statements(["id"], ["name", "salary", "address"], table: "Customer")
        #expect(
            q.insert(rows: 1, upsert: true)
                == "INSERT INTO \"public\".\"Customer\" (\"id\",\"name\",\"salary\",\"address\") VALUES ($1,$2,$3,$4) ON CONFLICT (\"id\") DO UPDATE SET \"name\"=EXCLUDED.\"name\",\"salary\"=EXCLUDED.\"salary\",\"address\"=EXCLUDED.\"address\""
        )
        #expect(
            statements(["id", "name", "salary", "address"], [], table: "Customer").insert(rows: 1, upsert: true)
                == "INSERT INTO \"public\".\"Customer\" (\"id\",\"name\",\"salary\",\"address\") VALUES ($1,$2,$3,$4) ON CONFLICT (\"id\",\"name\",\"salary\",\"address\") DO NOTHING"
        )
        #expect(
            statements(["id"], ["name", "salary", "address"], table: "Customer", quote: false).insert(
                rows: 1, upsert: true)
                == "INSERT INTO public.Customer (id,name,salary,address) VALUES ($1,$2,$3,$4) ON CONFLICT (id) DO UPDATE SET name=EXCLUDED.name,salary=EXCLUDED.salary,address=EXCLUDED.address"
        )
        #expect(
            statements(["id", "name", "salary", "address"], [], table: "Customer", quote: false).insert(
                rows: 1, upsert: true)
                == "INSERT INTO public.Customer (id,name,salary,address) VALUES ($1,$2,$3,$4) ON CONFLICT (id,name,salary,address) DO NOTHING"
        )
    }

    // confluentinc/kafka-connect-jdbc src/main/java/io/confluent/connect/jdbc/dialect/PostgreSqlDatabaseDialect.java
    // buildUpdateStatement (no PostgreSQL test upstream): non-key columns set, keys matched.
    @Test func update() {
        #expect(
            statements(["id1", "id2"], ["columnA", "columnB"]).update()
                == "UPDATE \"public\".\"myTable\" SET \"columnA\" = $1, \"columnB\" = $2 WHERE \"id1\" = $3 AND \"id2\" = $4"
        )
        #expect(
            statements(["id"], ["a"], quote: false).update() == "UPDATE public.myTable SET a = $1 WHERE id = $2")
        // Every column a key: nothing to set (Confluent would send `UPDATE t SET  WHERE …`, a syntax error).
        #expect(statements(["id"], []).update() == nil)
    }

    // GenericDatabaseDialectTest testBuildDeleteStatement: Confluent deletes one key per statement
    // (`DELETE FROM "myTable" WHERE "id1" = ? AND "id2" = ?`); ours deletes a batch's keys at once (a
    // difference), which is the same rows.
    @Test func deleteOfABatchOfKeys() {
        #expect(
            statements(["id1", "id2"], ["columnA"]).delete(rows: 1)
                == "DELETE FROM \"public\".\"myTable\" WHERE (\"id1\",\"id2\") IN (($1,$2))")
        #expect(
            statements(["id"], [], quote: false).delete(rows: 3)
                == "DELETE FROM public.myTable WHERE (id) IN (($1),($2),($3))")
    }

    // Our COPY path (a difference): the statements around COPY, pinned.
    @Test func copyThroughAStagingTable() {
        let s = statements(["id"], ["a", "b"])
        #expect(s.copy() == "COPY \"public\".\"myTable\" (\"id\",\"a\",\"b\") FROM STDIN")
        #expect(s.copy(into: "tributary_stage_1") == "COPY tributary_stage_1 (\"id\",\"a\",\"b\") FROM STDIN")
        #expect(
            s.createStaging("tributary_stage_1")
                == "CREATE TEMP TABLE tributary_stage_1 ON COMMIT DELETE ROWS AS SELECT \"id\",\"a\",\"b\" FROM \"public\".\"myTable\" WITH NO DATA"
        )
        #expect(
            s.insert(fromStaging: "tributary_stage_1", upsert: true)
                == "INSERT INTO \"public\".\"myTable\" (\"id\",\"a\",\"b\") SELECT DISTINCT ON (\"id\") \"id\",\"a\",\"b\" FROM tributary_stage_1 ORDER BY \"id\", ctid DESC ON CONFLICT (\"id\") DO UPDATE SET \"a\"=EXCLUDED.\"a\",\"b\"=EXCLUDED.\"b\""
        )
        #expect(
            s.insert(fromStaging: "tributary_stage_1", upsert: false)
                == "INSERT INTO \"public\".\"myTable\" (\"id\",\"a\",\"b\") SELECT \"id\",\"a\",\"b\" FROM tributary_stage_1"
        )
    }

    // ExpressionBuilderTest shouldQuoteTableNamesOnlyWhenSet / shouldQuoteColumnNamesWhenSet; an embedded
    // quote is doubled (Confluent's builder leaves it, ending the identifier: a difference).
    @Test func identifiersAreQuotedOnlyWhenSet() {
        #expect(SinkStatements.identifier("c1", quote: true) == "\"c1\"")
        #expect(SinkStatements.identifier("c1", quote: false) == "c1")
        #expect(TableId(schema: "s", table: "t1").quoted(true) == "\"s\".\"t1\"")
        #expect(TableId(schema: "s", table: "t1").quoted(false) == "s.t1")
        #expect(SinkStatements.identifier("a\"b", quote: true) == "\"a\"\"b\"")
    }

    // MARK: Table names

    func sinkTable(_ name: String, quote: Bool = true, max: Int = 63, database: String = "db") throws -> TableId {
        try TableId.sink(name, defaultSchema: "public", database: database, quote: quote, maxIdentifierLength: max)
    }

    // PostgreSqlDatabaseDialectTest shouldTruncateTableNames
    @Test func tableNamesAreTruncatedToTheServersIdentifierLength() throws {
        #expect(try sinkTable("some.table", max: 4) == TableId(schema: "some", table: "tabl"))
        #expect(try sinkTable("some.table", max: 5) == TableId(schema: "some", table: "table"))
        #expect(try sinkTable("some.table", max: .max) == TableId(schema: "some", table: "table"))
        // PostgreSQL counts bytes and cuts at a character boundary: 62 bytes of "a", then a 2-byte "é".
        let long = String(repeating: "a", count: 62) + "éz"
        #expect(try sinkTable(long).table == String(repeating: "a", count: 62))
        #expect(try sinkTable("t").schema == "public")
    }

    // confluentinc/kafka-connect-jdbc src/main/java/io/confluent/connect/jdbc/dialect/PostgreSqlDatabaseDialect.java
    // parseTableIdentifier: with quote.sql.identifiers=never the name is folded to lower case, as
    // PostgreSQL folds the unquoted name the DDL creates.
    @Test func unquotedTableNamesAreFoldedToLowerCase() throws {
        #expect(try sinkTable("Orders", quote: false) == TableId(schema: "public", table: "orders"))
        #expect(try sinkTable("Sales.Orders", quote: false) == TableId(schema: "sales", table: "orders"))
        #expect(try sinkTable("Sales.Orders") == TableId(schema: "Sales", table: "Orders"))
    }

    // PostgreSqlDatabaseDialectTest shouldPreserveCatalogFromParsedTableIdentifiers: a configured database
    // is not dropped (that would write to the connected one instead); PostgreSQL writes only to that one.
    @Test func aDatabasePartMustBeTheConnectedDatabase() throws {
        #expect(
            try sinkTable("mydb.public.customers", database: "mydb") == TableId(schema: "public", table: "customers"))
        #expect(try sinkTable("public.customers", database: "mydb") == TableId(schema: "public", table: "customers"))
        #expect {
            try sinkTable("mydb.public.customers", database: "other")
        } throws: { ($0 as? ConnectError)?.message.contains("in database mydb") == true }
    }

    // MARK: Values (BaseDialectTest bindField*: what JDBC binds, as the text we send)

    func text(_ v: Value, _ schema: Schema?) throws -> String? {
        try SinkValueText.text(v, schema: schema, zone: .utc, dateInZone: true)
    }

    // BaseDialectTest bindFieldPrimitiveValuesExceptByteAndStringAndBytes, bindFieldByteValue,
    // bindFieldStringValue, bindFieldBytesValue
    @Test func primitiveValues() throws {
        #expect(try text(.int16(42), .int16) == "42")
        #expect(try text(.int32(42), .int32) == "42")
        #expect(try text(.int64(42), .int64) == "42")
        #expect(try text(.boolean(false), .boolean) == "f")
        #expect(try text(.boolean(true), .boolean) == "t")
        #expect(try text(.float32(-42), .float32) == "-42.0")
        #expect(try text(.float64(42), .float64) == "42.0")
        #expect(try text(.decimal(ConnectDecimal("2")!), LogicalType.decimal(scale: 0)) == "2")
        #expect(try text(.int32(0), LogicalType.date()) == "1970-01-01")
        #expect(try text(.int32(1000), LogicalType.time()) == "00:00:01.000")
        #expect(try text(.int64(100), LogicalType.timestamp()) == "1970-01-01 00:00:00.100000+00:00")
        #expect(try text(.int8(42), .int8) == "42")
        #expect(try text(.string("yep"), .string) == "yep")
        #expect(try text(.bytes([42]), .bytes) == "\\x2a")
    }

    // BaseDialectTest bindFieldNull
    @Test func nullsOfEveryType() throws {
        let schemas: [Schema] = [
            .int8, .int16, .int32, .int64, .float32, .float64, .boolean, .bytes, .string, LogicalType.decimal(scale: 0),
            LogicalType.date(), LogicalType.time(), LogicalType.timestamp(),
        ]
        for s in schemas { #expect(try text(.null, s) == nil) }
    }

    // BaseDialectTest bindFieldStructUnsupported, bindFieldMapUnsupported
    @Test func structsAndMapsWithSchemasAreRefused() {
        let schema = Schema(type: .struct, fields: [Field(name: "test", index: 0, schema: .boolean)])
        #expect(throws: SinkValueText.Failure.self) {
            try text(.struct(Struct(schema: schema, values: [.boolean(true)])), schema)
        }
        #expect(throws: SinkValueText.Failure.self) { try text(.map([]), .map(.int8, .int8)) }
    }

    // PostgreSqlDatabaseDialectTest bindFieldPrimitiveValues: arrays of every primitive type, as an array
    // literal PostgreSQL reads as the column's array type.
    @Test func arrayValues() throws {
        #expect(try text(.array([.int32(42)]), .array(.int32)) == "{\"42\"}")
        #expect(try text(.array([.int8(42), .int8(12)]), .array(.int8)) == "{\"42\",\"12\"}")
        #expect(try text(.array([.int16(42), .int16(12)]), .array(.int16)) == "{\"42\",\"12\"}")
        #expect(try text(.array([.int64(42), .int64(16)]), .array(.int64)) == "{\"42\",\"16\"}")
        #expect(
            try text(.array([.float32(42.5), .float32(16.2)]), .array(.float32)) == "{\"42.5\",\"16.200000762939453\"}")
        #expect(try text(.array([.float64(42.5), .float64(16.2)]), .array(.float64)) == "{\"42.5\",\"16.2\"}")
        #expect(try text(.array([.string("42"), .string("16")]), .array(.string)) == "{\"42\",\"16\"}")
        #expect(
            try text(.array([.boolean(true), .boolean(false), .boolean(true)]), .array(.boolean))
                == "{\"t\",\"f\",\"t\"}")
        #expect(try text(.array([.string("a\"b"), .null]), .array(.optionalString)) == "{\"a\\\"b\",NULL}")
    }
}

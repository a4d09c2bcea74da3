import ConnectAPI
import ConnectTestKit
import Foundation
import PostgresClient
import Testing

@testable import JdbcConnectors

/// kafka-connect-jdbc's task and connector test cases, through ConnectTestKit against the real local
/// PostgreSQL (dev/services.sh; in CI a missing server fails the suite): facts carried over from
/// confluentinc/kafka-connect-jdbc src/test/java/io/confluent/connect/jdbc/{sink/JdbcSinkTaskTest.java,
/// source/JdbcSourceTaskUpdateTest.java, JdbcSourceConnectorTest.java}, which run on SQLite there.
@Suite(.serialized) struct JdbcConnectorHarnessTests {
    /// A schema of its own per test, dropped at the end.
    let schema = "kit_\(UUID().uuidString.prefix(8).lowercased())"

    func database() async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            try PostgresConnectInfo.jdbc(
                try ServiceEnvironment.value("PG_JDBC_URL"), user: try ServiceEnvironment.value("PG_USER"),
                password: try ServiceEnvironment.value("PG_PASSWORD")))
    }

    func connection(_ extra: [String: String]) throws -> [String: String] {
        [
            "connection.url": try ServiceEnvironment.value("PG_JDBC_URL"),
            "connection.user": try ServiceEnvironment.value("PG_USER"),
            "connection.password": try ServiceEnvironment.value("PG_PASSWORD"),
        ].merging(extra) { $1 }
    }

    /// Runs `body` with the test's schema created, and drops it after.
    func withSchema(_ body: (PostgresConnection) async throws -> Void) async throws {
        let db = try await database()
        try await db.execute("CREATE SCHEMA \(schema)")
        do {
            try await body(db)
        } catch {
            try? await db.execute("DROP SCHEMA \(schema) CASCADE")
            await db.close()
            throw error
        }
        try await db.execute("DROP SCHEMA \(schema) CASCADE")
        await db.close()
    }

    static let person = Schema(
        type: .struct, name: "com.example.Person",
        fields: [
            Field(name: "firstName", index: 0, schema: Schema(type: .string)),
            Field(name: "lastName", index: 1, schema: Schema(type: .string)),
            Field(name: "age", index: 2, schema: Schema(type: .int32, optional: true)),
            Field(name: "bool", index: 3, schema: Schema(type: .boolean, optional: true)),
            Field(name: "short", index: 4, schema: Schema(type: .int16, optional: true)),
            Field(name: "byte", index: 5, schema: Schema(type: .int8, optional: true)),
            Field(name: "long", index: 6, schema: Schema(type: .int64, optional: true)),
            Field(name: "float", index: 7, schema: Schema(type: .float32, optional: true)),
            Field(name: "double", index: 8, schema: Schema(type: .float64, optional: true)),
            Field(name: "modified", index: 9, schema: LogicalType.timestamp()),
        ])

    static func person(_ values: [String: Value]) -> Value {
        .struct(Struct(schema: person, values: person.fields.map { values[$0.name] ?? .null }))
    }

    // JdbcSinkTaskTest.java putPropagatesToDbWithAutoCreateAndPkModeKafka
    @Test func sinkAutoCreatesAndKeysByKafkaCoordinates() async throws {
        try await withSchema { db in
            let sink = ConnectorHarness(JdbcSinkConnector.plugin)
            let task = try await sink.sinkTask(
                try connection([
                    "topics": "atopic", "table.name.format": "\(schema).${topic}", "auto.create": "true",
                    "pk.mode": "kafka", "pk.fields": "kafka_topic,kafka_partition,kafka_offset",
                    "db.timezone": "America/Los_Angeles",
                ]), partitions: [TopicPartition("atopic", 1)])
            let value = Self.person([
                "firstName": .string("Alex"), "lastName": .string("Smith"), "bool": .boolean(true),
                "short": .int16(1234), "byte": .int8(-32), "long": .int64(12_425_436), "float": .float32(2356.3),
                "double": .float64(-2_436_546.56457), "age": .int32(21), "modified": .int64(1_474_661_402_123),
            ])
            try await task.put([
                SinkRecord(
                    topic: "atopic", kafkaPartition: 1, kafkaOffset: 42, keySchema: nil, key: .null,
                    valueSchema: Self.person, value: value, timestamp: nil)
            ])
            #expect(try await task.commit() == [TopicPartition("atopic", 1): 43])
            let rows = try await db.query(
                """
                SELECT kafka_topic, kafka_partition, kafka_offset, "firstName", "lastName", bool, byte, short, age,
                       long, float, double, extract(epoch FROM modified AT TIME ZONE 'America/Los_Angeles') * 1000
                FROM \(schema).atopic
                """
            ).rows
            #expect(
                rows == [
                    [
                        "atopic", "1", "42", "Alex", "Smith", "t", "-32", "1234", "21", "12425436", "2356.3",
                        "-2436546.56457", "1474661402123.000000",
                    ]
                ])
            try await task.stop()
        }
    }

    // JdbcSinkTaskTest.java putPropagatesToDbWithPkModeRecordValue
    @Test func sinkWritesIntoAnExistingTableKeyedByValueFields() async throws {
        try await withSchema { db in
            try await db.execute(
                """
                CREATE TABLE \(schema).atopic ("firstName" TEXT, "lastName" TEXT, age INTEGER, bool BOOLEAN,
                  byte SMALLINT, short SMALLINT NULL, long BIGINT, float REAL, double DOUBLE PRECISION, bytes BYTEA,
                  modified TIMESTAMP, PRIMARY KEY ("firstName", "lastName"))
                """)
            let sink = ConnectorHarness(JdbcSinkConnector.plugin)
            let task = try await sink.sinkTask(
                try connection([
                    "topics": "atopic", "table.name.format": "\(schema).${topic}", "pk.mode": "record_value",
                    "pk.fields": "firstName,lastName",
                ]), partitions: [TopicPartition("atopic", 1)])
            let value = Self.person([
                "firstName": .string("Christina"), "lastName": .string("Brams"), "bool": .boolean(false),
                "byte": .int8(-72), "long": .int64(8594), "double": .float64(3_256_677.56457), "age": .int32(28),
                "modified": .int64(1_474_661_402_123),
            ])
            try await task.put([
                SinkRecord(
                    topic: "atopic", kafkaPartition: 1, kafkaOffset: 43, keySchema: nil, key: .null,
                    valueSchema: Self.person, value: value, timestamp: nil)
            ])
            try await task.commit()
            let rows = try await db.query(
                "SELECT bool, short, byte, age, long, float, double, modified FROM \(schema).atopic WHERE \"firstName\" = 'Christina' AND \"lastName\" = 'Brams'"
            ).rows
            #expect(rows == [["f", nil, "-72", "28", "8594", nil, "3256677.56457", "2016-09-23 20:10:02.123"]])
            try await task.stop()
        }
    }

    // JdbcSinkTaskTest.java stopBeforeStartDoesNotThrow
    @Test func sinkStopBeforeStartDoesNothing() async {
        await JdbcSinkTask().stop()
    }

    /// A table `orders (id int PRIMARY KEY, total int)` and a sink upserting into it by `id` that
    /// tolerates errors (an errant record reporter, as under `errors.tolerance=all`).
    func ordersSink(_ db: PostgresConnection) async throws -> SinkTaskHarness {
        try await db.execute("CREATE TABLE \(schema).orders (id int PRIMARY KEY, total int)")
        return try await ConnectorHarness(JdbcSinkConnector.plugin).sinkTask(
            try connection([
                "topics": "orders", "table.name.format": "\(schema).orders", "insert.mode": "upsert",
                "pk.mode": "record_value", "pk.fields": "id",
            ]),
            partitions: [TopicPartition("orders", 0)], tolerateErrors: true)
    }

    // JdbcSinkTaskTest.java batchErrorReporting: every record of a refused batch is reported.
    @Test func sinkReportsEachRefusedRecordOfABatch() async throws {
        try await withSchema { db in
            let task = try await ordersSink(db)
            try await task.put(
                try SinkRecords.json(
                    topic: "orders", [#"{"id":1,"total":1.5}"#, #"{"id":2,"total":"x"}"#, #"{"id":3,"total":2.5}"#]))
            #expect(task.reported.map(\.record.kafkaOffset) == [0, 1, 2])
            #expect(try await db.query("SELECT count(*) FROM \(schema).orders").rows == [["0"]])
            try await task.stop()
        }
    }

    /// Issue 21: under errors.tolerance=all one bad value in a batch of 100 lands the 99 good rows and
    /// reports exactly the bad record, with PostgreSQL's message, the column and the value.
    @Test func sinkReportsOnlyTheRecordPostgresRefuses() async throws {
        try await withSchema { db in
            let task = try await ordersSink(db)
            let values = (0..<100).map { #"{"id":\#($0),"total":\#($0 == 42 ? "119.88" : String($0))}"# }
            try await task.put(try SinkRecords.json(topic: "orders", values))
            #expect(task.reported.map(\.record.kafkaOffset) == [42])
            let message = try #require(task.reported.first?.message)
            #expect(
                message.contains(#"invalid input syntax for type integer: "119.88" (SQLSTATE 22P02)"#), "\(message)")
            #expect(
                message.contains(
                    #"Cannot write the record at orders-0 offset 42 to "\#(schema)"."orders": column total, value "119.88""#
                ), "\(message)")
            #expect(
                try await db.query("SELECT count(*), sum(id) FROM \(schema).orders").rows == [["99", "\(4950 - 42)"]])
            #expect(try await task.commit() == [TopicPartition("orders", 0): 100])
            try await task.stop()
        }
    }

    /// Issue 21: a schemaless field fills the column its name folds to; one without a column fails.
    @Test func sinkMatchesSchemalessFieldsAsPostgresFoldsNames() async throws {
        try await withSchema { db in
            try await db.execute("CREATE TABLE \(schema).quakes (id TEXT PRIMARY KEY, magType TEXT)")
            let config = try connection([
                "topics": "quakes", "table.name.format": "\(schema).quakes", "insert.mode": "upsert",
                "pk.mode": "record_value", "pk.fields": "id",
            ])
            let task = try await ConnectorHarness(JdbcSinkConnector.plugin).sinkTask(
                config, partitions: [TopicPartition("quakes", 0)])
            await #expect(throws: ConnectError.self) {
                try await task.put(try SinkRecords.json(topic: "quakes", [#"{"id":"ev1","magType":"ml","depth":7.5}"#]))
                try await task.commit()
            }
            try await task.stop()
            let again = try await ConnectorHarness(JdbcSinkConnector.plugin).sinkTask(
                config, partitions: [TopicPartition("quakes", 0)])
            try await again.put(try SinkRecords.json(topic: "quakes", [#"{"id":"ev1","magType":"ml"}"#]))
            try await again.commit()
            #expect(try await db.query("SELECT id, magtype FROM \(schema).quakes").rows == [["ev1", "ml"]])
            try await again.stop()
        }
    }

    /// Issue 23: values that come as JSON (`valueJSON`, copied into COPY text from their bytes) land as
    /// the values JsonConverter parses them into land, byte for byte, for every kind of field: escaped
    /// and non-ASCII strings, escaped names, integers, decimals Swift and Java write alike and ones they
    /// do not (exponents), nested values, nulls; in a uniform run (its values' places found once), in
    /// one where a value came parsed (not in the form: each JSON value scanned), and in one whose fields
    /// vary (each field parsed).
    @Test func sinkWritesValuesConsumedAsJSONAsTheirParsedValues() async throws {
        try await withSchema { db in
            for t in ["parsed", "bytes"] {
                try await db.execute(
                    """
                    CREATE TABLE \(schema).\(t) (id bigint PRIMARY KEY, s text, n numeric, d double precision,
                      i bigint, b boolean, j jsonb, magtype text, "q""x" text, ts timestamp)
                    """)
            }
            let strings = [
                #""plain""#, #""tab\there""#, #""line\nbreak\r""#, #""back\\slash \"quoted\"""#, #""""#,
                "\"caf\u{e9} \u{1F30A}\"", #""ctl \u0001 \b\f""#, "null",
            ]
            let numbers = [
                "0", "-5", "123456789012345678", "12.5", "0.001", "1.0E-4", "1.0E7", "100.0", "-0.0",
                "3.14159265358979", "0.1234567890123456", "9999999.5", "null",
            ]
            let objects = [#"{"a":[1,2.5,"x"],"b":null}"#, "null", "{}"]
            func record(_ k: Int, reordered: Bool = false, spaced: Bool = false) -> String {
                var fields = [
                    #""id":\#(k)"#, #""s":\#(strings[k % strings.count])"#, #""n":\#(numbers[k % numbers.count])"#,
                    #""d":\#(numbers[(k + 3) % numbers.count])"#, #""i":\#(k % 7 == 0 ? "null" : String(k * 1001))"#,
                    #""b":\#(k % 3 == 0 ? "true" : k % 3 == 1 ? "false" : "null")"#,
                    #""j":\#(objects[k % objects.count])"#, #""magType":"m\#(k)""#, #""q\"x":"\#(k)""#,
                    #""ts":\#(1_700_000_000_000_000 + k)"#,
                ]
                if reordered && k % 2 == 0 { fields.swapAt(1, 2) }
                if reordered && k % 5 == 0 { fields.remove(at: 6) }
                return (spaced ? "{ " : "{") + fields.joined(separator: ",") + "}"
            }
            let batches = [
                (0..<100).map { record($0) }, (100..<200).map { record($0, spaced: $0 == 150) },
                (200..<300).map { record($0, reordered: true) },
            ]
            for (t, passing) in [("parsed", false), ("bytes", true)] {
                let task = try await ConnectorHarness(JdbcSinkConnector.plugin).sinkTask(
                    try connection([
                        "topics": "t", "table.name.format": "\(schema).\(t)", "insert.mode": "upsert",
                        "pk.mode": "record_value", "pk.fields": "id", "timestamp.fields.list": "ts",
                    ]), partitions: [TopicPartition("t", 0)])
                for (i, batch) in batches.enumerated() {
                    let records = try SinkRecords.json(
                        topic: "t", firstOffset: Int64(i * 100), passingJSON: passing, batch)
                    // Records in the form come as bytes when passing (all but the spaced one).
                    #expect(records.filter { $0.valueJSON != nil }.count == (passing ? (i == 1 ? 99 : 100) : 0))
                    try await task.put(records)
                }
                try await task.commit()
                try await task.stop()
            }
            func rows(_ t: String) async throws -> [[String?]] {
                try await db.query("SELECT t::text FROM \(schema).\(t) t ORDER BY id").rows
            }
            let parsed = try await rows("parsed")
            #expect(parsed.count == 300)
            #expect(try await rows("bytes") == parsed)
            // The kinds copied from the bytes, as PostgreSQL stored them.
            #expect(
                try await db.query("SELECT s, n, d, i FROM \(schema).bytes WHERE id IN (1, 3, 4) ORDER BY id").rows == [
                    ["tab\there", "-5", "0.001", "1001"], [#"back\slash "quoted""#, "12.5", "10000000", "3003"],
                    ["", "0.001", "100", "4004"],
                ])
        }
    }

    // JdbcSourceConnectorTest.java testPartitioningOneTable, testPartitioningManyTables,
    // testPartitioningUnqualifiedTables: tables are split in contiguous groups, at most maxTasks.
    @Test func sourceConnectorGroupsTablesIntoTasks() async throws {
        try await withSchema { db in
            for t in ["test1", "test2", "test3", "test4"] {
                try await db.execute("CREATE TABLE \(schema).\(t) (id int)")
            }
            let source = ConnectorHarness(JdbcSourceConnector.plugin)
            let config = try connection(["mode": "bulk", "topic.prefix": "test-", "schema.pattern": schema])
            let three = try await source.taskConfigs(config, maxTasks: 3)
            #expect(
                three.map { $0["tables"] } == [
                    "\"\(schema)\".\"test1\",\"\(schema)\".\"test2\"", "\"\(schema)\".\"test3\"",
                    "\"\(schema)\".\"test4\"",
                ])
            #expect(try await source.taskConfigs(config, maxTasks: 10).count == 4)
            let one = try await source.taskConfigs(
                config.merging(["table.whitelist": "\(schema).test1"]) { $1 }, maxTasks: 10)
            #expect(one.map { $0["tables"] } == ["\"\(schema)\".\"test1\""])
        }
    }

    // JdbcSourceTaskUpdateTest.java testBulkPeriodicLoad: every poll returns the whole table.
    @Test func sourceBulkReadsTheWholeTableEachTime() async throws {
        try await withSchema { db in
            try await db.execute("CREATE TABLE \(schema).test (id int)")
            try await db.execute("INSERT INTO \(schema).test VALUES (1)")
            let source = ConnectorHarness(JdbcSourceConnector.plugin)
            let config = try connection([
                "mode": "bulk", "topic.prefix": "test-", "table.whitelist": "\(schema).test", "poll.interval.ms": "10",
            ])
            let task = try await source.sourceTask(try await source.taskConfigs(config)[0])
            let first = try await task.poll(atLeast: 1)
            #expect(first.map(\.topic) == ["test-test"])
            #expect(first.map { $0.value.member("id") } == [.int32(1)])
            try await db.execute("INSERT INTO \(schema).test VALUES (2)")
            #expect(try await task.poll(atLeast: 2).map { $0.value.member("id") } == [.int32(1), .int32(2)])
            await task.stop()
        }
    }

    // JdbcSourceTaskUpdateTest.java testAutoincrement / testIncrementingResumeFromOffset (facts: offsets
    // {"incrementing": id}; only rows after the stored id).
    @Test func sourceIncrementingReadsNewRowsAndResumesAfterTheCommittedId() async throws {
        try await withSchema { db in
            try await db.execute("CREATE TABLE \(schema).test (id serial PRIMARY KEY, v text)")
            try await db.execute("INSERT INTO \(schema).test (v) VALUES ('a'), ('b')")
            let source = ConnectorHarness(JdbcSourceConnector.plugin)
            let config = try await source.taskConfigs(
                try connection([
                    "mode": "incrementing", "incrementing.column.name": "id", "topic.prefix": "test-",
                    "table.whitelist": "\(schema).test", "poll.interval.ms": "10",
                ]))[0]
            let task = try await source.sourceTask(config)
            let first = try await task.poll(atLeast: 2)
            #expect(first.map { $0.value.member("v") } == [.string("a"), .string("b")])
            #expect(first.map(\.sourceOffset) == [["incrementing": .int(1)], ["incrementing": .int(2)]])
            // Protocol 1 names the table as pgjdbc's metadata does: schema.table (its catalog is NULL).
            #expect(first[0].sourcePartition == ["protocol": "1", "table": .string("\(schema).test")])
            try await task.acknowledge(first)
            try await task.commitOffsets()
            try await db.execute("INSERT INTO \(schema).test (v) VALUES ('c')")
            #expect(try await task.poll(atLeast: 1).map { $0.value.member("v") } == [.string("c")])
            await task.stop()
            // A new task resumes after the committed id 2: it reads c again (not acknowledged), not a or b.
            let resumed = try await source.sourceTask(config)
            #expect(try await resumed.poll(atLeast: 1).map { $0.value.member("v") } == [.string("c")])
            await resumed.stop()
        }
    }
}

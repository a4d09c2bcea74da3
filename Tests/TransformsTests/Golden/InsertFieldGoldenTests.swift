import ConnectAPI
import Testing

@testable import Transforms

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/InsertFieldTest.java
@Suite struct InsertFieldGoldenTests {
    static let props = [
        "topic.field": "topic_field!", "partition.field": "partition_field", "timestamp.field": "timestamp_field?",
        "static.field": "instance_id", "static.value": "my-instance-id",
    ]
    static let simple = Schema.struct([("magic", .optionalInt64)], name: "name", version: 1, doc: "doc")

    // InsertFieldTest topLevelStructRequired
    @Test func topLevelStructRequired() throws {
        let t = try InsertField(.value, config: ["topic.field": "topic_field"])
        #expect(throws: ConnectError.self) {
            try t.apply(Golden.record(valueSchema: .int32, value: .int32(42), topic: ""))
        }
    }

    // InsertFieldTest copySchemaAndInsertConfiguredFields
    @Test func copySchemaAndInsertConfiguredFields() throws {
        let t = try InsertField(.value, config: Self.props)
        let r = try #require(
            try t.apply(
                Golden.record(
                    valueSchema: Self.simple, value: Golden.struct(Self.simple, ["magic": .int64(42)]), topic: "test",
                    timestamp: 789)))
        let schema = try #require(r.valueSchema)
        #expect(schema.name == "name")
        #expect(schema.version == 1)
        #expect(schema.doc == "doc")
        #expect(schema.field(named: "magic")?.schema == .optionalInt64)
        #expect(Golden.get(r.value, "magic") == .int64(42))
        #expect(schema.field(named: "topic_field")?.schema == .string)
        #expect(Golden.get(r.value, "topic_field") == .string("test"))
        #expect(schema.field(named: "partition_field")?.schema == .optionalInt32)
        #expect(Golden.get(r.value, "partition_field") == .int32(0))
        #expect(schema.field(named: "timestamp_field")?.schema == LogicalType.timestamp(optional: true))
        #expect(Golden.get(r.value, "timestamp_field") == .int64(789))
        #expect(schema.field(named: "instance_id")?.schema == .optionalString)
        #expect(Golden.get(r.value, "instance_id") == .string("my-instance-id"))
        // Exercise caching: the same schema object for the next record.
        var next = Golden.record(valueSchema: Self.simple, value: .struct(Struct(schema: Self.simple)), topic: "test")
        next.kafkaPartition = 1
        let r2 = try #require(try t.apply(next))
        #expect(r2.valueSchema === r.valueSchema)
    }

    // InsertFieldTest schemalessInsertConfiguredFields
    @Test func schemalessInsertConfiguredFields() throws {
        let t = try InsertField(.value, config: Self.props)
        let r = try #require(
            try t.apply(
                Golden.record(valueSchema: nil, value: Golden.map(["magic": .int64(42)]), topic: "test", timestamp: 123)
            ))
        #expect(Golden.get(r.value, "magic") == .int64(42))
        #expect(Golden.get(r.value, "topic_field") == .string("test"))
        #expect(Golden.get(r.value, "partition_field") == .int32(0))
        #expect(Golden.get(r.value, "timestamp_field") == .int64(123))
        #expect(Golden.get(r.value, "instance_id") == .string("my-instance-id"))
    }

    // InsertFieldTest insertConfiguredFieldsIntoTombstoneEventWithoutSchemaLeavesValueUnchanged
    @Test func tombstoneWithoutSchema() throws {
        let t = try InsertField(.value, config: Self.props)
        let r = try #require(try t.apply(Golden.record(valueSchema: nil, value: .null, topic: "test")))
        #expect(r.value == .null)
        #expect(r.valueSchema == nil)
    }

    // InsertFieldTest insertConfiguredFieldsIntoTombstoneEventWithSchemaLeavesValueUnchanged
    @Test func tombstoneWithSchema() throws {
        let t = try InsertField(.value, config: Self.props)
        let r = try #require(try t.apply(Golden.record(valueSchema: Self.simple, value: .null, topic: "test")))
        #expect(r.value == .null)
        #expect(r.valueSchema == Self.simple)
    }

    // InsertFieldTest insertKeyFieldsIntoTombstoneEvent
    @Test func keyFieldsIntoTombstone() throws {
        let t = try InsertField(.key, config: Self.props)
        let r = try #require(
            try t.apply(
                Golden.record(key: Golden.map(["magic": .int64(42)]), valueSchema: nil, value: .null, topic: "test")))
        #expect(Golden.get(r.key, "magic") == .int64(42))
        #expect(Golden.get(r.key, "topic_field") == .string("test"))
        #expect(Golden.get(r.key, "partition_field") == .int32(0))
        #expect(Golden.get(r.key, "timestamp_field") ?? .null == .null)
        #expect(Golden.get(r.key, "instance_id") == .string("my-instance-id"))
        #expect(r.value == .null)
    }

    // InsertFieldTest insertIntoNullKeyLeavesRecordUnchanged
    @Test func nullKeyUnchanged() throws {
        let t = try InsertField(.key, config: Self.props)
        let record = Golden.record(valueSchema: nil, value: Golden.map(["magic": .int64(42)]), topic: "test")
        #expect(try t.apply(record) == record)
    }

    // InsertFieldTest testUnsetOptionalField (both parameter sets)
    @Test(arguments: [(false, Value.null), (true, Value.int64(42))])
    func unsetOptionalField(replaceNullWithDefault: Bool, expected: Value) throws {
        let t = try InsertField(
            .value, config: Self.props.merging(["replace.null.with.default": String(replaceNullWithDefault)]) { $1 })
        let magic = Schema(type: .int64, optional: true, defaultValue: .int64(42))
        let schema = Schema.struct([("magic_with_default", magic)], name: "name", version: 1, doc: "doc")
        let r = try #require(
            try t.apply(
                Golden.record(
                    valueSchema: schema, value: .struct(Struct(schema: schema)), topic: "test", timestamp: 789)))
        #expect(r.valueSchema?.name == "name")
        #expect(r.valueSchema?.version == 1)
        #expect(r.valueSchema?.doc == "doc")
        #expect(r.valueSchema?.field(named: "magic_with_default")?.schema == magic)
        #expect(Golden.get(r.value, "magic_with_default") == expected)
    }
}

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/InsertHeaderTest.java and
/// DropHeadersTest.java
@Suite struct HeaderTransformsGoldenTests {
    static func record(_ headers: [ConnectHeader]) -> SourceRecord {
        SourceRecord(
            sourcePartition: ["foo": "bar"], sourceOffset: ["baz": "quxx"], topic: "topic", kafkaPartition: 0,
            key: .string("key"), valueSchema: nil, value: .string("value"), timestamp: 0, headers: headers)
    }
    static func string(_ key: String, _ value: String) -> ConnectHeader {
        ConnectHeader(key: key, schema: .string, value: .string(value))
    }

    /// Everything but the headers is as it was (assertNonHeaders).
    static func expectSameButHeaders(_ a: SourceRecord, _ b: SourceRecord?) {
        var b = b
        b?.headers = a.headers
        #expect(b == a)
    }

    // InsertHeaderTest insertionWithExistingOtherHeader
    @Test func insertionWithExistingOtherHeader() throws {
        let t = try InsertHeader(config: ["header": "inserted", "value.literal": "inserted-value"])
        let original = Self.record([Self.string("existing", "existing-value")])
        let r = try t.apply(original)
        Self.expectSameButHeaders(original, r)
        #expect(r?.headers == [Self.string("existing", "existing-value"), Self.string("inserted", "inserted-value")])
    }

    // InsertHeaderTest insertionWithExistingSameHeader
    @Test func insertionWithExistingSameHeader() throws {
        let t = try InsertHeader(config: ["header": "existing", "value.literal": "inserted-value"])
        let original = Self.record([Self.string("existing", "preexisting-value")])
        let r = try t.apply(original)
        Self.expectSameButHeaders(original, r)
        #expect(
            r?.headers == [Self.string("existing", "preexisting-value"), Self.string("existing", "inserted-value")])
    }

    // InsertHeaderTest insertionWithByteHeader
    @Test func insertionWithByteHeader() throws {
        let t = try InsertHeader(config: ["header": "inserted", "value.literal": "1"])
        let original = Self.record([Self.string("existing", "existing-value")])
        let r = try t.apply(original)
        Self.expectSameButHeaders(original, r)
        #expect(
            r?.headers == [
                Self.string("existing", "existing-value"),
                ConnectHeader(key: "inserted", schema: .int8, value: .int8(1)),
            ])
    }

    // InsertHeaderTest configRejectsNullHeaderKey, configRejectsNullHeaderValue
    @Test func insertHeaderNeedsBothKeys() {
        #expect(throws: ConfigException.self) { try InsertHeader(config: ["value.literal": "1"]) }
        #expect(throws: ConfigException.self) { try InsertHeader(config: ["header": "inserted"]) }
    }

    // DropHeadersTest dropExistingHeader, dropExistingHeaderWithMultipleValues, dropNonExistingHeader
    @Test(arguments: [
        [string("existing", "existing-value"), string("to-drop", "existing-value")],
        [
            string("existing", "existing-value"), string("to-drop", "existing-value"),
            string("to-drop", "existing-other-value"),
        ],
        [string("existing", "existing-value")],
    ])
    func dropHeaders(headers: [ConnectHeader]) throws {
        let t = try DropHeaders(config: ["headers": "to-drop"])
        let original = Self.record(headers)
        let r = try t.apply(original)
        Self.expectSameButHeaders(original, r)
        #expect(r?.headers == [Self.string("existing", "existing-value")])
    }

    // DropHeadersTest configRejectsEmptyList
    @Test func dropHeadersRejectsEmptyList() {
        #expect(throws: ConfigException.self) { try DropHeaders(config: ["headers": ""]) }
    }
}

import ConnectAPI
import Testing

@testable import Transforms

/// Sink records as the upstream tests build them: `new SinkRecord(topic, 0, keySchema, key, valueSchema, value, 0)`.
func goldenSink(
    _ topic: String = "test", keySchema: Schema? = nil, key: Value = .null, valueSchema: Schema? = nil,
    value: Value = .null
) -> SinkRecord {
    SinkRecord(
        topic: topic, kafkaPartition: 0, kafkaOffset: 0, keySchema: keySchema, key: key, valueSchema: valueSchema,
        value: value, timestamp: nil)
}

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/RegexRouterTest.java
@Suite struct RegexRouterGoldenTests {
    // RegexRouterTest staticReplacement, doesntMatch, identity, addPrefix, addSuffix, slice
    @Test(arguments: [
        ("foo", "bar", "foo", "bar"), ("foo", "bar", "orig", "orig"), ("(.*)", "$1", "orig", "orig"),
        ("(.*)", "prefix-$1", "orig", "prefix-orig"), ("(.*)", "$1-suffix", "orig", "orig-suffix"),
        (#"(.*)-(\d\d\d\d\d\d\d\d)"#, "$1", "index-20160117", "index"),
    ])
    func route(regex: String, replacement: String, topic: String, expected: String) throws {
        let t = try RegexRouter(config: ["regex": regex, "replacement": replacement])
        #expect(try t.apply(goldenSink(topic))?.topic == expected)
    }
}

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/TimestampRouterTest.java
@Suite struct TimestampRouterGoldenTests {
    // TimestampRouterTest defaultConfiguration
    @Test func defaultConfiguration() throws {
        let t = try TimestampRouter(config: [:])
        let r = try t.apply(Golden.record(valueSchema: nil, value: .null, topic: "test", timestamp: 1_483_425_001_864))
        #expect(r?.topic == "test-20170103")
    }
}

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/ReplaceFieldTest.java
@Suite struct ReplaceFieldGoldenTests {
    static let schema = Schema.struct([("dont", .string), ("abc", .int32), ("foo", .boolean), ("etc", .string)])

    // ReplaceFieldTest tombstoneSchemaless
    @Test func tombstoneSchemaless() throws {
        let t = try ReplaceField(.value, config: ["include": "abc,foo", "renames": "abc:xyz,foo:bar"])
        let r = try #require(try t.apply(goldenSink()))
        #expect(r.value == .null)
        #expect(r.valueSchema == nil)
    }

    // ReplaceFieldTest tombstoneWithSchema
    @Test func tombstoneWithSchema() throws {
        let t = try ReplaceField(.value, config: ["include": "abc,foo", "renames": "abc:xyz,foo:bar"])
        let r = try #require(try t.apply(goldenSink(valueSchema: Self.schema)))
        #expect(r.value == .null)
        #expect(r.valueSchema == Self.schema)
    }

    // ReplaceFieldTest schemaless
    @Test func schemaless() throws {
        let t = try ReplaceField(.value, config: ["exclude": "dont", "renames": "abc:xyz,foo:bar"])
        let value = Golden.map([
            "dont": .string("whatever"), "abc": .int32(42), "foo": .boolean(true), "etc": .string("etc"),
        ])
        let r = try #require(try t.apply(goldenSink(value: value)))
        guard case .map(let entries) = r.value else {
            Issue.record("not a map")
            return
        }
        #expect(entries.count == 3)
        #expect(Golden.get(r.value, "xyz") == .int32(42))
        #expect(Golden.get(r.value, "bar") == .boolean(true))
        #expect(Golden.get(r.value, "etc") == .string("etc"))
    }

    // ReplaceFieldTest withSchema
    @Test func withSchema() throws {
        let t = try ReplaceField(.value, config: ["include": "abc,foo", "renames": "abc:xyz,foo:bar"])
        let value = Golden.struct(
            Self.schema, ["dont": .string("whatever"), "abc": .int32(42), "foo": .boolean(true), "etc": .string("etc")])
        let r = try #require(try t.apply(goldenSink(valueSchema: Self.schema, value: value)))
        #expect(r.valueSchema?.fields.count == 2)
        #expect(Golden.get(r.value, "xyz") == .int32(42))
        #expect(Golden.get(r.value, "bar") == .boolean(true))
    }

    // ReplaceFieldTest testReplaceNullWithDefaultConfigOnValue, testReplaceNullWithDefaultConfigOnKey
    @Test(arguments: [(false, Value.null), (true, Value.int32(42))])
    func replaceNullWithDefault(replace: Bool, expected: Value) throws {
        let config = [
            "include": "abc", "renames": "abc:optional_with_default", "replace.null.with.default": String(replace),
        ]
        let schema = Schema.struct([("abc", Schema(type: .int32, optional: true, defaultValue: .int32(42)))])
        let value = try #require(
            try ReplaceField(.value, config: config).apply(
                goldenSink(valueSchema: schema, value: .struct(Struct(schema: schema)))))
        #expect(value.valueSchema?.fields.count == 1)
        #expect(Golden.get(value.value, "optional_with_default") == expected)
        let key = try #require(
            try ReplaceField(.key, config: config).apply(
                goldenSink(keySchema: schema, key: .struct(Struct(schema: schema)))))
        #expect(key.keySchema?.fields.count == 1)
        #expect(Golden.get(key.key, "optional_with_default") == expected)
    }
}

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/SetSchemaMetadataTest.java
@Suite struct SetSchemaMetadataGoldenTests {
    static func sink(_ schema: Schema?, _ value: Value) -> SinkRecord {
        goldenSink("", valueSchema: schema, value: value)
    }

    /// assertMatchingSchema: the struct is bound to the record's schema, field by field.
    static func expectBound(_ r: SinkRecord) {
        guard case .struct(let s) = r.value, let schema = r.valueSchema else {
            Issue.record("not a struct with a schema")
            return
        }
        #expect(s.schema === schema)
        for f in schema.fields { #expect(s.schema.field(named: f.name)?.schema === f.schema) }
    }

    // SetSchemaMetadataTest schemaNameUpdate, schemaVersionUpdate, schemaNameAndVersionUpdate
    @Test(
        arguments: [
            (["schema.name": "foo"], "foo", nil), (["schema.version": "42"], nil, 42),
            (["schema.name": "foo", "schema.version": "42"], "foo", 42),
        ] as [([String: String], String?, Int32?)])
    func updates(config: [String: String], name: String?, version: Int32?) throws {
        let t = try SetSchemaMetadata(.value, config: config)
        let r = try #require(try t.apply(Self.sink(Schema.struct([]), .null)))
        #expect(r.valueSchema?.name == name)
        #expect(r.valueSchema?.version == version)
    }

    // SetSchemaMetadataTest schemaNameAndVersionUpdateWithStruct
    @Test func updateWithStruct() throws {
        let schema = Schema.struct([("f1", .string), ("f2", .int32)], name: "my.orig.SchemaDefn")
        let t = try SetSchemaMetadata(.value, config: ["schema.name": "foo", "schema.version": "42"])
        let r = try #require(
            try t.apply(Self.sink(schema, Golden.struct(schema, ["f1": .string("value1"), "f2": .int32(1)]))))
        #expect(r.valueSchema?.name == "foo")
        #expect(r.valueSchema?.version == 42)
        Self.expectBound(r)
    }

    // SetSchemaMetadataTest schemaNameAndVersionUpdateWithStructAndNullField (both parameter sets)
    @Test(arguments: [(false, Value.null), (true, Value.string("default"))])
    func updateWithStructAndNullField(replace: Bool, expected: Value) throws {
        let schema = Schema.struct(
            [("f1", Schema(type: .string, optional: true, defaultValue: .string("default"))), ("f2", .int32)],
            name: "my.orig.SchemaDefn")
        let t = try SetSchemaMetadata(
            .value,
            config: ["schema.name": "foo", "schema.version": "42", "replace.null.with.default": String(replace)])
        let r = try #require(try t.apply(Self.sink(schema, Golden.struct(schema, ["f2": .int32(1)]))))
        #expect(r.valueSchema?.name == "foo")
        #expect(r.valueSchema?.version == 42)
        Self.expectBound(r)
        #expect(Golden.get(r.value, "f1") == expected)
    }

    // SetSchemaMetadataTest valueSchemaRequired
    @Test func valueSchemaRequired() throws {
        let t = try SetSchemaMetadata(.value, config: ["schema.name": "foo"])
        #expect(throws: ConnectError.self) { try t.apply(Self.sink(nil, .int32(42))) }
    }

    // SetSchemaMetadataTest ignoreRecordWithNullValue
    @Test func ignoreRecordWithNullValue() throws {
        let t = try SetSchemaMetadata(.value, config: ["schema.name": "foo"])
        let r = try #require(try t.apply(Self.sink(nil, .null)))
        #expect(r.key == .null)
        #expect(r.keySchema == nil)
        #expect(r.value == .null)
        #expect(r.valueSchema == nil)
    }
}

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/ValueToKeyTest.java
@Suite struct ValueToKeyGoldenTests {
    // ValueToKeyTest schemaless
    @Test func schemaless() throws {
        let t = try ValueToKey(config: ["fields": "a,b"])
        let r = try #require(
            try t.apply(goldenSink("", value: Golden.map(["a": .int32(1), "b": .int32(2), "c": .int32(3)]))))
        #expect(r.keySchema == nil)
        #expect(r.key == Golden.map(["a": .int32(1), "b": .int32(2)]))
    }

    // ValueToKeyTest withSchema
    @Test func withSchema() throws {
        let t = try ValueToKey(config: ["fields": "a,b"])
        let schema = Schema.struct([("a", .int32), ("b", .int32), ("c", .int32)])
        let r = try #require(
            try t.apply(
                goldenSink(
                    "", valueSchema: schema,
                    value: Golden.struct(schema, ["a": .int32(1), "b": .int32(2), "c": .int32(3)]))))
        let keySchema = Schema.struct([("a", .int32), ("b", .int32)])
        #expect(r.keySchema == keySchema)
        #expect(r.key == Golden.struct(keySchema, ["a": .int32(1), "b": .int32(2)]))
    }

    // ValueToKeyTest nonExistingField
    @Test func nonExistingField() throws {
        let t = try ValueToKey(config: ["fields": "not_exist"])
        let schema = Schema.struct([("a", .int32)])
        #expect(
            Golden.message {
                try t.apply(goldenSink("", valueSchema: schema, value: Golden.struct(schema, ["a": .int32(1)])))
            }
                == "Field does not exist: not_exist")
    }

    // ValueToKeyTest testReplaceNullWithDefaultConfig (both parameter sets)
    @Test(arguments: [(false, Value.null), (true, Value.int32(42))])
    func replaceNullWithDefault(replace: Bool, expected: Value) throws {
        let t = try ValueToKey(config: [
            "fields": "optional_with_default", "replace.null.with.default": String(replace),
        ])
        let schema = Schema.struct([
            ("optional_with_default", Schema(type: .int32, optional: true, defaultValue: .int32(42)))
        ])
        let r = try t.apply(goldenSink("", valueSchema: schema, value: .struct(Struct(schema: schema))))
        #expect(Golden.get(r?.key ?? .null, "optional_with_default") == expected)
    }
}

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/predicates/HasHeaderKeyTest.java
/// and TopicNameMatchesTest.java
@Suite struct PredicatesGoldenTests {
    // HasHeaderKeyTest testNameRequiredInConfig, testNameMayNotBeEmptyInConfig, testConfig
    @Test func hasHeaderKeyConfig() throws {
        #expect(
            Golden.message { try HasHeaderKey(config: [:]) }?.contains("Missing required configuration \"name\"")
                == true)
        #expect(
            Golden.message { try HasHeaderKey(config: ["name": ""]) }
                == "Invalid value  for configuration name: String must be non-empty")
        _ = try HasHeaderKey(config: ["name": "foo"])
    }

    // HasHeaderKeyTest testTest
    @Test(arguments: [
        (["foo"], true), (["foo", "bar"], true), (["bar", "foo", "bar", "foo"], true), (["bar"], false),
        (["bar", "bar"], false), ([], false),
    ])
    func hasHeaderKey(headers: [String], expected: Bool) throws {
        let p = try HasHeaderKey(config: ["name": "foo"])
        let record = Golden.record(
            valueSchema: nil, value: .null, headers: headers.map { ConnectHeader(key: $0, schema: nil, value: .null) })
        #expect(p.test(record) == expected)
    }

    // TopicNameMatchesTest testPatternRequiredInConfig, testPatternMayNotBeEmptyInConfig,
    // testPatternIsValidRegexInConfig, testConfig
    @Test func topicNameMatchesConfig() throws {
        #expect(
            Golden.message { try TopicNameMatches(config: [:]) }?.contains("Missing required configuration \"pattern\"")
                == true)
        #expect(
            Golden.message { try TopicNameMatches(config: ["pattern": ""]) }?.contains("String must be non-empty")
                == true)
        #expect(Golden.message { try TopicNameMatches(config: ["pattern": "["]) }?.contains("Invalid regex") == true)
        #expect(Golden.message { try TopicNameMatches(config: ["pattern": "*"]) }?.contains("Invalid regex") == true)
        _ = try TopicNameMatches(config: ["pattern": "my-prefix-.*"])
    }

    // TopicNameMatchesTest testTest
    @Test(arguments: [
        ("my-prefix-", true), ("my-prefix-foo", true), ("x-my-prefix-", false), ("x-my-prefix-foo", false),
        ("your-prefix-", false), ("your-prefix-foo", false),
    ])
    func topicNameMatches(topic: String, expected: Bool) throws {
        let p = try TopicNameMatches(config: ["pattern": "my-prefix-.*"])
        #expect(p.test(Golden.record(valueSchema: nil, value: .null, topic: topic)) == expected)
    }
}

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/util/NonEmptyListValidatorTest.java
/// (the validator behind `fields`, `headers` and `spec`)
@Suite struct NonEmptyListGoldenTests {
    // NonEmptyListValidatorTest testNullList, testEmptyList, testValidList
    @Test func nonEmptyList() throws {
        #expect(throws: ConfigException.self) { try ValueToKey(config: [:]) }
        #expect(throws: ConfigException.self) { try ValueToKey(config: ["fields": ""]) }
        _ = try ValueToKey(config: ["fields": "foo"])
    }
}

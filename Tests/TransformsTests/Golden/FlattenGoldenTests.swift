import ConnectAPI
import Testing

@testable import Transforms

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/FlattenTest.java
@Suite struct FlattenGoldenTests {
    static let bytes = Array("bytes".utf8)
    static let supportedTypes = Schema.struct([
        ("int8", .int8), ("int16", .int16), ("int32", .int32), ("int64", .int64), ("float32", .float32),
        ("float64", .float64), ("boolean", .boolean), ("string", .string), ("bytes", .bytes),
    ])
    static let supportedValues: [String: Value] = [
        "int8": .int8(8), "int16": .int16(16), "int32": .int32(32), "int64": .int64(64), "float32": .float32(32),
        "float64": .float64(64), "boolean": .boolean(true), "string": .string("stringy"), "bytes": .bytes(bytes),
    ]

    // FlattenTest topLevelStructRequired, topLevelMapRequired
    @Test func topLevelStructOrMapRequired() throws {
        let t = try Flatten(.value, config: [:])
        #expect(throws: ConnectError.self) { try t.apply(Golden.record(valueSchema: .int32, value: .int32(42))) }
        #expect(throws: ConnectError.self) { try t.apply(Golden.record(valueSchema: nil, value: .int32(42))) }
    }

    // FlattenTest testNestedStruct
    @Test func nestedStruct() throws {
        let t = try Flatten(.value, config: [:])
        let one = Schema.struct([("B", Self.supportedTypes)])
        let two = Schema.struct([("A", one)])
        let value = Golden.struct(
            two, ["A": Golden.struct(one, ["B": Golden.struct(Self.supportedTypes, Self.supportedValues)])])
        let r = try #require(try t.apply(Golden.record(valueSchema: two, value: value)))
        #expect(r.valueSchema?.type == .struct)
        #expect(r.valueSchema?.fields.count == 9)
        for (name, v) in Self.supportedValues { #expect(Golden.get(r.value, "A.B.\(name)") == v, "\(name)") }
    }

    // FlattenTest testNestedMapWithDelimiter
    @Test func nestedMapWithDelimiter() throws {
        let t = try Flatten(.value, config: ["delimiter": "#"])
        let inner = Value.map(Self.supportedValues.map { MapEntry(key: .string($0.key), value: $0.value) })
        let value = Golden.map(["A": Golden.map(["B": inner])])
        let r = try #require(try t.apply(Golden.record(valueSchema: nil, value: value)))
        #expect(r.valueSchema == nil)
        guard case .map(let entries) = r.value else {
            Issue.record("not a map")
            return
        }
        #expect(entries.count == 9)
        for (name, v) in Self.supportedValues { #expect(Golden.get(r.value, "A#B#\(name)") == v, "\(name)") }
    }

    // FlattenTest testOptionalFieldStruct
    @Test func optionalFieldStruct() throws {
        let t = try Flatten(.value, config: [:])
        let inner = Schema.struct([("opt_int32", .optionalInt32)])
        let one = Schema.struct([("B", inner)])
        let r = try #require(
            try t.apply(
                Golden.record(valueSchema: one, value: Golden.struct(one, ["B": .struct(Struct(schema: inner))]))))
        #expect(r.valueSchema?.type == .struct)
        #expect(Golden.get(r.value, "B.opt_int32") == .null)
    }

    // FlattenTest testOptionalStruct
    @Test func optionalStruct() throws {
        let t = try Flatten(.value, config: [:])
        let schema = Schema.struct([("opt_int32", .optionalInt32)], optional: true)
        let r = try #require(try t.apply(Golden.record(valueSchema: schema, value: .null)))
        #expect(r.valueSchema?.type == .struct)
        #expect(r.value == .null)
    }

    // FlattenTest testOptionalNestedStruct
    @Test func optionalNestedStruct() throws {
        let t = try Flatten(.value, config: [:])
        let inner = Schema.struct([("opt_int32", .optionalInt32)], optional: true)
        let one = Schema.struct([("B", inner)])
        let r = try #require(try t.apply(Golden.record(valueSchema: one, value: .struct(Struct(schema: one)))))
        #expect(r.valueSchema?.type == .struct)
        #expect(Golden.get(r.value, "B.opt_int32") == .null)
    }

    // FlattenTest testOptionalFieldMap
    @Test func optionalFieldMap() throws {
        let t = try Flatten(.value, config: [:])
        let r = try #require(
            try t.apply(Golden.record(valueSchema: nil, value: Golden.map(["B": Golden.map(["opt_int32": .null])]))))
        #expect(r.valueSchema == nil)
        #expect(Golden.get(r.value, "B.opt_int32") == .null)
    }

    // FlattenTest testKey
    @Test func key() throws {
        let t = try Flatten(.key, config: [:])
        let r = try #require(
            try t.apply(
                Golden.record(key: Golden.map(["A": Golden.map(["B": .int32(12)])]), valueSchema: nil, value: .null)))
        #expect(r.keySchema == nil)
        #expect(Golden.get(r.key, "A.B") == .int32(12))
    }

    // FlattenTest testSchemalessArray
    @Test func schemalessArray() throws {
        let t = try Flatten(.value, config: [:])
        let value = Golden.map([
            "foo": .array([.string("bar"), Golden.map(["baz": Golden.map(["lfg": .string("lfg")])])])
        ])
        #expect(try t.apply(Golden.record(valueSchema: nil, value: value))?.value == value)
    }

    // FlattenTest testArrayWithSchema
    @Test func arrayWithSchema() throws {
        let t = try Flatten(.value, config: [:])
        let nested = Schema.struct([("lfg", .string)])
        let inner = Schema.struct([("baz", nested)])
        let schema = Schema.struct([("foo", Schema(type: .array, doc: "durk", valueSchema: inner))])
        let value = Golden.struct(
            schema, ["foo": .array([Golden.struct(inner, ["baz": Golden.struct(nested, ["lfg": .string("lfg")])])])])
        let r = try #require(try t.apply(Golden.record(valueSchema: schema, value: value)))
        #expect(r.value == value)
        #expect(r.valueSchema == schema)
    }

    // FlattenTest testOptionalAndDefaultValuesNested
    @Test func optionalAndDefaultValuesNested() throws {
        let t = try Flatten(.value, config: [:])
        let fields: [(String, Schema)] = [
            ("req_field", .string),
            ("opt_field", Schema(type: .string, optional: true, defaultValue: .string("child_default"))),
        ]
        let bare = Schema.struct(fields, optional: true)
        let childDefault = Golden.struct(bare, ["req_field": .string("req_default")])
        let schema = Schema(
            type: .struct, optional: true, defaultValue: childDefault, fields: bare.fields)
        let r = try #require(try t.apply(Golden.record(valueSchema: schema, value: .struct(Struct(schema: schema)))))
        let out = try #require(r.valueSchema)
        #expect(out.type == .struct)
        #expect(out.fields.count == 2)
        #expect(
            out.field(named: "req_field")?.schema
                == Schema(type: .string, optional: true, defaultValue: .string("req_default")))
        #expect(
            out.field(named: "opt_field")?.schema
                == Schema(type: .string, optional: true, defaultValue: .string("child_default")))
    }

    // FlattenTest tombstoneEventWithoutSchemaShouldPassThrough
    @Test func tombstoneWithoutSchema() throws {
        let t = try Flatten(.value, config: [:])
        let r = try #require(try t.apply(Golden.record(valueSchema: nil, value: .null, topic: "test")))
        #expect(r.value == .null)
        #expect(r.valueSchema == nil)
    }

    // FlattenTest tombstoneEventWithSchemaShouldPassThrough
    @Test func tombstoneWithSchema() throws {
        let t = try Flatten(.value, config: [:])
        let schema = Schema.struct([("magic", .optionalInt64)], name: "name", version: 1, doc: "doc")
        let r = try #require(try t.apply(Golden.record(valueSchema: schema, value: .null, topic: "test")))
        #expect(r.value == .null)
        #expect(r.valueSchema == schema)
    }

    // FlattenTest testMapWithNullFields
    @Test func mapWithNullFields() throws {
        let t = try Flatten(.value, config: [:])
        let value = Golden.map([
            "firstNull": .null, "firstNonNull": .string("nonNull"), "secondNull": .null,
            "secondNonNull": .string("alsoNonNull"), "thirdNonNull": .null,
        ])
        #expect(try t.apply(Golden.record(valueSchema: nil, value: value, topic: "test"))?.value == value)
    }

    // FlattenTest testStructWithNullFields
    @Test func structWithNullFields() throws {
        let t = try Flatten(.value, config: [:])
        let names = ["firstNull", "firstNonNull", "secondNull", "secondNonNull", "thirdNonNull"]
        let schema = Schema.struct(names.map { ($0, Schema.optionalString) })
        let value = Golden.struct(
            schema, ["firstNonNull": .string("nonNull"), "secondNonNull": .string("alsoNonNull")])
        #expect(try t.apply(Golden.record(valueSchema: schema, value: value, topic: "test"))?.value == value)
    }
}

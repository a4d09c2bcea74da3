import ConnectAPI
import Testing

@testable import Transforms

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/ExtractFieldTest.java
@Suite struct ExtractFieldGoldenTests {
    static func key(_ schema: Schema?, _ key: Value) -> SinkRecord {
        SinkRecord(
            topic: "test", kafkaPartition: 0, kafkaOffset: 0, keySchema: schema, key: key, valueSchema: nil,
            value: .null,
            timestamp: nil)
    }
    static let v2 = ["field.syntax.version": "V2"]

    // ExtractFieldTest schemaless
    @Test func schemaless() throws {
        let t = try ExtractField(.key, config: ["field": "magic"])
        let r = try #require(try t.apply(Self.key(nil, Golden.map(["magic": .int32(42)]))))
        #expect(r.keySchema == nil)
        #expect(r.key == .int32(42))
    }

    // ExtractFieldTest schemalessAndNestedPath
    @Test func schemalessAndNestedPath() throws {
        let t = try ExtractField(.key, config: Self.v2.merging(["field": "magic.foo"]) { $1 })
        let r = try #require(try t.apply(Self.key(nil, Golden.map(["magic": Golden.map(["foo": .int32(42)])]))))
        #expect(r.keySchema == nil)
        #expect(r.key == .int32(42))
    }

    // ExtractFieldTest nullSchemaless
    @Test func nullSchemaless() throws {
        let t = try ExtractField(.key, config: ["field": "magic"])
        let r = try #require(try t.apply(Self.key(nil, .null)))
        #expect(r.keySchema == nil)
        #expect(r.key == .null)
    }

    // ExtractFieldTest withSchema
    @Test func withSchema() throws {
        let t = try ExtractField(.key, config: ["field": "magic"])
        let schema = Schema.struct([("magic", .int32)])
        let r = try #require(try t.apply(Self.key(schema, Golden.struct(schema, ["magic": .int32(42)]))))
        #expect(r.keySchema == .int32)
        #expect(r.key == .int32(42))
    }

    // ExtractFieldTest withSchemaAndNestedPath
    @Test func withSchemaAndNestedPath() throws {
        let t = try ExtractField(.key, config: Self.v2.merging(["field": "magic.foo"]) { $1 })
        let foo = Schema.struct([("foo", .int32)])
        let schema = Schema.struct([("magic", foo)])
        let r = try #require(
            try t.apply(Self.key(schema, Golden.struct(schema, ["magic": Golden.struct(foo, ["foo": .int32(42)])]))))
        #expect(r.keySchema == .int32)
        #expect(r.key == .int32(42))
    }

    // ExtractFieldTest testNullWithSchema
    @Test func nullWithSchema() throws {
        let t = try ExtractField(.key, config: ["field": "magic"])
        let schema = Schema.struct([("magic", .int32)], optional: true)
        let r = try #require(try t.apply(Self.key(schema, .null)))
        #expect(r.keySchema == .int32)
        #expect(r.key == .null)
    }

    // ExtractFieldTest nonExistentFieldSchemalessShouldReturnNull
    @Test func missingFieldSchemaless() throws {
        let t = try ExtractField(.key, config: ["field": "nonexistent"])
        let r = try #require(try t.apply(Self.key(nil, Golden.map(["magic": .int32(42)]))))
        #expect(r.keySchema == nil)
        #expect(r.key == .null)
    }

    // ExtractFieldTest nonExistentNestedFieldSchemalessShouldReturnNull
    @Test func missingNestedFieldSchemaless() throws {
        let t = try ExtractField(.key, config: Self.v2.merging(["field": "magic.nonexistent"]) { $1 })
        let r = try #require(try t.apply(Self.key(nil, Golden.map(["magic": Golden.map(["foo": .int32(42)])]))))
        #expect(r.keySchema == nil)
        #expect(r.key == .null)
    }

    // ExtractFieldTest nonExistentFieldWithSchemaShouldFail
    @Test func missingFieldWithSchema() throws {
        let t = try ExtractField(.key, config: ["field": "nonexistent"])
        let schema = Schema.struct([("magic", .int32)])
        #expect(
            Golden.message { try t.apply(Self.key(schema, Golden.struct(schema, ["magic": .int32(42)]))) }
                == "Unknown field: nonexistent")
    }

    // ExtractFieldTest nonExistentNestedFieldWithSchemaShouldFail
    @Test func missingNestedFieldWithSchema() throws {
        let t = try ExtractField(.key, config: Self.v2.merging(["field": "magic.nonexistent"]) { $1 })
        let foo = Schema.struct([("foo", .int32)])
        let schema = Schema.struct([("magic", foo)])
        let key = Golden.struct(schema, ["magic": Golden.struct(foo, ["foo": .int32(42)])])
        #expect(Golden.message { try t.apply(Self.key(schema, key)) } == "Unknown field: magic.nonexistent")
    }

    // ExtractFieldTest testUnsetOptionalKey, testUnsetOptionalField (both parameter sets)
    @Test(arguments: [(false, Value.null), (true, Value.int32(42))])
    func unsetOptionalWithDefault(replaceNullWithDefault: Bool, expected: Value) throws {
        let config = ["field": "optional_with_default", "replace.null.with.default": String(replaceNullWithDefault)]
        let schema = Schema.struct([
            ("optional_with_default", Schema(type: .int32, optional: true, defaultValue: .int32(42)))
        ])
        let key = try ExtractField(.key, config: config)
        #expect(try key.apply(Self.key(schema, .struct(Struct(schema: schema))))?.key == expected)
        let value = try ExtractField(.value, config: config)
        let record = SinkRecord(
            topic: "test", kafkaPartition: 0, kafkaOffset: 0, keySchema: nil, key: .null, valueSchema: schema,
            value: .struct(Struct(schema: schema)), timestamp: nil)
        #expect(try value.apply(record)?.value == expected)
    }
}

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/HoistFieldTest.java
@Suite struct HoistFieldGoldenTests {
    static func key(_ schema: Schema?, _ key: Value) -> SinkRecord {
        SinkRecord(
            topic: "test", kafkaPartition: 0, kafkaOffset: 0, keySchema: schema, key: key, valueSchema: nil,
            value: .null,
            timestamp: nil)
    }

    // HoistFieldTest schemaless, testSchemalessMapIsMutable (our values are immutable: the map's content)
    @Test func schemaless() throws {
        let t = try HoistField(.key, config: ["field": "magic"])
        let r = try #require(try t.apply(Self.key(nil, .int32(42))))
        #expect(r.keySchema == nil)
        #expect(r.key == Golden.map(["magic": .int32(42)]))
    }

    // HoistFieldTest withSchema
    @Test func withSchema() throws {
        let t = try HoistField(.key, config: ["field": "magic"])
        let r = try #require(try t.apply(Self.key(.int32, .int32(42))))
        #expect(r.keySchema?.type == .struct)
        #expect(r.keySchema?.field(named: "magic")?.schema == .int32)
        #expect(Golden.get(r.key, "magic") == .int32(42))
    }
}

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

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/field/FieldPathNotationTest.java,
/// SingleFieldPathTest.java and FieldSyntaxVersionTest.java (through our FieldPath and ExtractField's
/// `field.syntax.version`)
@Suite struct FieldPathGoldenTests {
    // FieldPathNotationTest shouldBuildV1WithDotsAndBacktickPair
    @Test(arguments: ["foo.bar.baz", "foo`bar`", "foo.`bar.baz`"])
    func v1IsOneStep(path: String) throws {
        #expect(try FieldPath(path, v2: false).names == [path])
    }

    // FieldPathNotationTest shouldIncludeEmptyFieldNames, shouldBuildV2WithEmptyPath, shouldBuildV2WithoutDots,
    // shouldBuildV2WhenIncludesDots, shouldBuildV2WithoutWrappingBackticks,
    // shouldBuildV2WhenIncludesDotsAndBacktickPair, shouldBuildV2AndIgnoreBackticksThatAreNotWrapping,
    // shouldBuildV2AndEscapeBackticks
    @Test(
        arguments: [
            ("..", ["", "", ""]), ("foo..", ["foo", "", ""]), (".bar.", ["", "bar", ""]), ("..baz", ["", "", "baz"]),
            ("", []), ("foobarbaz", ["foobarbaz"]), ("foo.bar.baz", ["foo", "bar", "baz"]),
            ("foo`bar`baz", ["foo`bar`baz"]),
            ("`foo.bar.baz`", ["foo.bar.baz"]), ("foo.`bar.baz`", ["foo", "bar.baz"]),
            ("`foo.bar`.baz", ["foo.bar", "baz"]),
            ("foo.`bar`.baz", ["foo", "bar", "baz"]),
            ("foo.``bar.baz`", ["foo", "`bar.baz"]), ("foo.`bar.baz``", ["foo", "bar.baz`"]),
            ("foo.`ba`r.baz`", ["foo", "ba`r.baz"]), ("foo.ba`r.baz", ["foo", "ba`r", "baz"]),
            ("foo.``bar``.baz", ["foo", "`bar`", "baz"]), ("``foo.bar.baz``", ["`foo.bar.baz`"]),
            (#"foo.`bar\`.baz`"#, ["foo", "bar`.baz"]), ("foo.`bar.`baz`", ["foo", "bar.`baz"]),
            (#"foo.`bar\`.`baz`"#, ["foo", "bar`.`baz"]), (#"foo.`bar\\`.\`baz`"#, ["foo", #"bar\`.\`baz"#]),
        ] as [(String, [String])])
    func v2Steps(path: String, steps: [String]) throws {
        #expect(try FieldPath(path, v2: true).names == steps)
    }

    // FieldPathNotationTest shouldFailV2WhenIncompleteBackticks
    @Test(arguments: [("`foo.bar.baz", 0), ("foo.`bar.baz", 4), ("foo.bar.`baz", 8), (#"foo.bar.`baz\`"#, 8)])
    func incompleteBackticks(path: String, position: Int) {
        #expect(
            Golden.message { try FieldPath(path, v2: true) }
                == "Incomplete backtick pair in path: [\(path)], consider adding a backslash before backtick at position \(position) to escape it"
        )
    }

    static let barSchema = Schema.struct([
        ("bar", .int32), ("baz", Schema.struct([("inner", .string)], optional: true)),
    ])
    static let schema = Schema.struct([("foo", barSchema)])
    static let structValue = Golden.struct(schema, ["foo": Golden.struct(barSchema, ["bar": .int32(42)])])
    static let mapValue = Golden.map(["foo": Golden.map(["bar": .int32(42), "baz": .null])])

    static func extract(_ path: String, _ schema: Schema?, _ value: Value) throws -> (Schema?, Value) {
        let t = try ExtractField(.value, config: ["field": path, "field.syntax.version": "V2"])
        let r = try #require(try t.apply(goldenSink(valueSchema: schema, value: value)))
        return (r.valueSchema, r.value)
    }

    // SingleFieldPathTest shouldFindField, shouldFindValueInStruct
    @Test func findsInStructs() throws {
        #expect(try Self.extract("foo.bar", Self.schema, Self.structValue) == (Schema.int32, .int32(42)))
        #expect(try Self.extract("foo", Self.schema, Self.structValue).0 == Self.barSchema)
        #expect(try Self.extract("foo.baz", Self.schema, Self.structValue).1 == .null)
    }

    // SingleFieldPathTest shouldReturnNullFieldWhenFieldNotFound (ExtractField fails on an unknown field
    // with a schema), shouldReturnNullValueWhenFieldNotFoundInStruct (the null struct on the way)
    @Test func missingInStructs() throws {
        for path in ["un.known", "foo.unknown", "unknown"] {
            #expect(
                Golden.message { try Self.extract(path, Self.schema, Self.structValue) } == "Unknown field: \(path)")
        }
        #expect(try Self.extract("foo.baz.inner", Self.schema, Self.structValue).1 == .null)
    }

    // SingleFieldPathTest shouldFindValueInMap, shouldReturnNullValueWhenFieldNotFoundInMap
    @Test func findsInMaps() throws {
        #expect(try Self.extract("foo.bar", nil, Self.mapValue).1 == .int32(42))
        for path in ["foo.baz", "un.known", "foo.unknown", "unknown", "foo.baz.inner"] {
            #expect(try Self.extract(path, nil, Self.mapValue).1 == .null, "\(path)")
        }
    }

    // FieldSyntaxVersionTest shouldGetVersionFromConfig, shouldFailWhenWrongVersionIsPassed
    @Test func syntaxVersions() throws {
        for version in ["v1", "v2", "V1", "V2"] {
            _ = try ExtractField(.value, config: ["field": "a", "field.syntax.version": version])
        }
        for version in ["v3", "V 1", "v", "V 2", "2", "1"] {
            #expect(
                Golden.message { try ExtractField(.value, config: ["field": "a", "field.syntax.version": version]) }
                    == "Invalid value \(version) for configuration field.syntax.version: String must be one of (case insensitive): V1, V2"
            )
        }
    }
}

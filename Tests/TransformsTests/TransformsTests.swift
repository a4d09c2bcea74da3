import ConnectAPI
import Testing

@testable import Transforms

@Suite struct TransformsTests {
    static let row = Schema.struct(
        [
            ("id", Schema(type: .int64)), ("name", Schema.optionalString),
            ("status", Schema(type: .string, optional: true, defaultValue: .string("new"))),
        ], name: "stations")

    static func record(schema: Schema?, value: Value, key: Value = .null) -> SourceRecord {
        SourceRecord(
            sourcePartition: ["table": "stations"], sourceOffset: ["incrementing": 1], topic: "t", key: key,
            valueSchema: schema, value: value)
    }

    static let structValue = Value.struct(Struct(schema: row, values: [.int64(7), .string("Austin"), .null]))

    @Test func valueToKeyMakesAStructOfTheListedFieldsInTheirOrder() throws {
        let t = try ValueToKey(config: ["fields": "status, id"])
        let r = try #require(try t.apply(Self.record(schema: Self.row, value: Self.structValue)))
        let keySchema = try #require(r.keySchema)
        #expect(keySchema.type == .struct)
        #expect(keySchema.fields.map(\.name) == ["status", "id"])
        #expect(keySchema.fields[1].schema.type == .int64)
        // The null status reads as its default, as Struct.get does (replace.null.with.default=true).
        #expect(r.key == .struct(Struct(schema: keySchema, values: [.string("new"), .int64(7)])))
        #expect(r.value == Self.structValue)  // the value is untouched

        let raw = try ValueToKey(config: ["fields": "status", "replace.null.with.default": "false"])
        let r2 = try #require(try raw.apply(Self.record(schema: Self.row, value: Self.structValue)))
        #expect(r2.key.structValue?.values == [.null])
    }

    @Test func valueToKeyWithoutSchemaMakesAMapAndMissingFieldsAreNull() throws {
        let t = try ValueToKey(config: ["fields": "id,missing"])
        let value = Value.map([MapEntry(key: .string("id"), value: .int64(3)), .init(key: .string("x"), value: .null)])
        let r = try #require(try t.apply(Self.record(schema: nil, value: value)))
        #expect(r.keySchema == nil)
        #expect(
            r.key
                == .map([
                    MapEntry(key: .string("id"), value: .int64(3)), MapEntry(key: .string("missing"), value: .null),
                ]))
    }

    @Test func valueToKeyNamesWhatIsWrong() throws {
        let t = try ValueToKey(config: ["fields": "nope"])
        #expect(throws: ConnectError.self) { try t.apply(Self.record(schema: Self.row, value: Self.structValue)) }
        do {
            _ = try t.apply(Self.record(schema: Self.row, value: Self.structValue))
        } catch let e as ConnectError {
            #expect(e.message == "Field does not exist: nope")
        }
        do {
            _ = try t.apply(Self.record(schema: nil, value: .string("plain")))
            Issue.record("a string value was accepted")
        } catch let e as ConnectError {
            #expect(
                e.message
                    == "Only Map objects supported in absence of schema for [copying fields from value to key], found: String"
            )
        }
        #expect(throws: ConfigException.self) { try ValueToKey(config: [:]) }
        do {
            _ = try ValueToKey(config: ["fields": " , "])
            Issue.record("an empty field list was accepted")
        } catch let e as ConfigException {
            #expect(e.message.contains("fields"))
            #expect(e.message.contains("Empty list"))
        }
    }

    @Test func extractFieldTakesOneFieldOfTheKeyOrTheValue() throws {
        let value = try ExtractField(.value, config: ["field": "name"])
        let r = try #require(try value.apply(Self.record(schema: Self.row, value: Self.structValue)))
        #expect(r.valueSchema === Self.row.fields[1].schema)
        #expect(r.value == .string("Austin"))

        let key = try ExtractField(.key, config: ["field": "id"])
        let keyed = Self.record(
            schema: nil, value: .null, key: .map([MapEntry(key: .string("id"), value: .int64(9))]))
        let k = try #require(try key.apply(keyed))
        #expect(k.keySchema == nil)
        #expect(k.key == .int64(9))
        // Without a schema a missing field and a null operand give null; with one an unknown field fails.
        #expect(try key.apply(Self.record(schema: nil, value: .null, key: .map([])))?.key == .null)
        #expect(try key.apply(Self.record(schema: nil, value: .null, key: .null))?.key == .null)
        let unknown = try ExtractField(.value, config: ["field": "nope"])
        do {
            _ = try unknown.apply(Self.record(schema: Self.row, value: Self.structValue))
            Issue.record("an unknown field was extracted")
        } catch let e as ConnectError {
            #expect(e.message == "Unknown field: nope")
        }
        #expect(throws: ConfigException.self) {
            try ExtractField(.value, config: ["field": "a", "field.syntax.version": "V3"])
        }
    }

    /// KIP-821's nested paths: dots between names, backticks around a name that has dots.
    @Test func extractFieldV2FollowsNestedPaths() throws {
        #expect(try FieldPath("after.id", v2: true).names == ["after", "id"])
        #expect(try FieldPath("`a.b`.c", v2: true).names == ["a.b", "c"])
        // As Kafka: a backslash escapes only a backtick that would close the name (one before a dot).
        #expect(try FieldPath(#"`x\`y`"#, v2: true).names == [#"x\`y"#])
        #expect(try FieldPath(#"`x\`.y`"#, v2: true).names == ["x`.y"])
        #expect(try FieldPath("after.id", v2: false).names == ["after.id"])
        #expect(try FieldPath("a..b", v2: true).names == ["a", "", "b"])
        #expect(throws: ConfigException.self) { try FieldPath("`a.b", v2: true) }

        let row = Schema.struct([("id", .int64), ("city", .optionalString)], optional: true)
        let envelope = Schema.struct([("before", row), ("after", row), ("op", .string)])
        let value = Value.struct(
            Struct(
                schema: envelope,
                values: [.null, .struct(Struct(schema: row, values: [.int64(7), .string("Oakland")])), .string("c")]))
        let after = try ExtractField(.value, config: ["field": "after.id", "field.syntax.version": "V2"])
        let r = try #require(try after.apply(Self.record(schema: envelope, value: value)))
        #expect(r.valueSchema?.type == .int64 && r.value == .int64(7))
        // Through a null struct: null, with the field's schema.
        let before = try ExtractField(.value, config: ["field": "before.city", "field.syntax.version": "v2"])
        let b = try #require(try before.apply(Self.record(schema: envelope, value: value)))
        #expect(b.value == .null && b.valueSchema?.type == .string)
        let unknown = try ExtractField(.value, config: ["field": "after.zip", "field.syntax.version": "V2"])
        #expect(throws: ConnectError.self) { try unknown.apply(Self.record(schema: envelope, value: value)) }
        // Without a schema, maps all the way; a missing step gives null.
        let nested = Value.map([
            MapEntry(key: .string("after"), value: .map([MapEntry(key: .string("id"), value: .int64(3))]))
        ])
        #expect(try after.apply(Self.record(schema: nil, value: nested))?.value == .int64(3))
        #expect(try before.apply(Self.record(schema: nil, value: nested))?.value == .null)
    }

    /// Confluent's JDBC source examples key records by a column this way.
    @Test func valueToKeyThenExtractFieldKeysARecordByOneColumn() throws {
        let toKey = try ValueToKey(config: ["fields": "id"])
        let extract = try ExtractField(.key, config: ["field": "id"])
        let r = try #require(
            try toKey.apply(Self.record(schema: Self.row, value: Self.structValue)).flatMap(extract.apply))
        #expect(r.keySchema?.type == .int64)
        #expect(r.key == .int64(7))
    }
}

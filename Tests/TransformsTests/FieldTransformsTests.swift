import ConnectAPI
import Testing

@testable import Transforms

/// ReplaceField, InsertField, MaskField, HoistField, Flatten and SetSchemaMetadata.
@Suite struct FieldTransformsTests {
    static let row = Schema.struct(
        [("id", .int64), ("name", .optionalString), ("secret", .optionalString), ("score", .float64)],
        name: "stations", version: 3)
    static let rowValue = Value.struct(
        Struct(schema: row, values: [.int64(7), .string("Austin"), .string("pw"), .float64(1.5)]))

    static func sink(schema: Schema?, value: Value, timestamp: Int64? = 1_000) -> SinkRecord {
        SinkRecord(
            topic: "stations", kafkaPartition: 2, kafkaOffset: 42, keySchema: nil, key: .null, valueSchema: schema,
            value: value, timestamp: timestamp)
    }

    static func map(_ pairs: [(String, Value)]) -> Value {
        .map(pairs.map { MapEntry(key: .string($0.0), value: $0.1) })
    }

    @Test func replaceFieldExcludesIncludesAndRenames() throws {
        let t = try ReplaceField(.value, config: ["exclude": "secret", "renames": "name:station_name,id:station_id"])
        let r = try #require(try t.apply(Self.sink(schema: Self.row, value: Self.rowValue)))
        let schema = try #require(r.valueSchema)
        #expect(schema.fields.map(\.name) == ["station_id", "station_name", "score"])
        #expect(schema.name == "stations" && schema.version == 3)
        #expect(r.value.structValue?.values == [.int64(7), .string("Austin"), .float64(1.5)])

        let include = try ReplaceField(.value, config: ["include": "id,secret", "exclude": "secret"])
        let m = try #require(
            try include.apply(
                Self.sink(schema: nil, value: Self.map([("id", .int64(1)), ("secret", .null), ("x", .null)]))))
        #expect(m.value == Self.map([("id", .int64(1))]))
        // Tombstones pass; the pre-3.0 names still work.
        #expect(try include.apply(Self.sink(schema: nil, value: .null))?.value == .null)
        let legacy = try ReplaceField(.value, config: ["blacklist": "secret"])
        #expect(try legacy.apply(Self.sink(schema: Self.row, value: Self.rowValue))?.valueSchema?.fields.count == 3)
        do {
            _ = try ReplaceField(.value, config: ["renames": "a:b,c"])
            Issue.record("a rename without a colon was accepted")
        } catch let e as ConfigException {
            #expect(e.message == "Invalid value a:b,c for configuration renames: Invalid rename mapping: c")
        }
    }

    @Test func insertFieldAddsRecordMetadata() throws {
        let t = try InsertField(
            .value,
            config: [
                "topic.field": "topic!", "partition.field": "partition", "offset.field": "offset",
                "timestamp.field": "ts", "static.field": "origin", "static.value": "sf",
            ])
        let r = try #require(try t.apply(Self.sink(schema: Self.row, value: Self.rowValue)))
        let schema = try #require(r.valueSchema)
        #expect(
            schema.fields.map(\.name) == [
                "id", "name", "secret", "score", "topic", "partition", "offset", "ts", "origin",
            ])
        #expect(schema.fields[4].schema.isOptional == false)
        #expect(schema.fields[5].schema.isOptional && schema.fields[5].schema.type == .int32)
        #expect(schema.fields[7].schema.name == LogicalType.timestampName)
        #expect(
            r.value.structValue?.values.suffix(5) == [
                .string("stations"), .int32(2), .int64(42), .int64(1_000), .string("sf"),
            ])

        let schemaless = try #require(
            try t.apply(Self.sink(schema: nil, value: Self.map([("id", .int64(1))]), timestamp: nil)))
        #expect(
            schemaless.value
                == Self.map([
                    ("id", .int64(1)), ("topic", .string("stations")), ("partition", .int32(2)), ("offset", .int64(42)),
                    ("origin", .string("sf")),
                ]))
        // Offsets exist only on sink records.
        let source = SourceRecord(
            sourcePartition: [:], sourceOffset: [:], topic: "t", valueSchema: nil, value: Self.map([]))
        do {
            _ = try t.apply(source)
            Issue.record("an offset was inserted into a source record")
        } catch let e as ConnectError {
            #expect(e.message.hasPrefix("Only SinkRecord supported for [field insertion]"))
        }
        #expect(throws: ConfigException.self) { try InsertField(.value, config: [:]) }
        #expect(throws: ConfigException.self) { try InsertField(.value, config: ["static.field": "origin"]) }
    }

    @Test func maskFieldEmptiesOrReplacesFields() throws {
        let t = try MaskField(.value, config: ["fields": "secret,score"])
        let r = try #require(try t.apply(Self.sink(schema: Self.row, value: Self.rowValue)))
        #expect(r.value.structValue?.values == [.int64(7), .string("Austin"), .string(""), .float64(0)])
        let replaced = try MaskField(.value, config: ["fields": "secret,id", "replacement": "99"])
        #expect(
            try replaced.apply(Self.sink(schema: Self.row, value: Self.rowValue))?.value.structValue?.values
                == [.int64(99), .string("Austin"), .string("99"), .float64(1.5)])
        let notNumber = try MaskField(.value, config: ["fields": "id", "replacement": "x"])
        #expect(throws: ConnectError.self) { try notNumber.apply(Self.sink(schema: Self.row, value: Self.rowValue)) }
        let flag = try MaskField(.value, config: ["fields": "ok", "replacement": "x"])
        #expect(throws: ConnectError.self) {
            try flag.apply(Self.sink(schema: nil, value: Self.map([("ok", .boolean(true))])))
        }
        // Without a schema a listed field the map lacks is added as null, as Kafka does.
        let m = try t.apply(Self.sink(schema: nil, value: Self.map([("secret", .string("pw")), ("n", .array([]))])))
        #expect(m?.value == Self.map([("secret", .string("")), ("n", .array([])), ("score", .null)]))
    }

    @Test func hoistFlattenAndSetSchemaMetadataReshapeTheOperand() throws {
        let hoist = try HoistField(.key, config: ["field": "id"])
        var keyed = Self.sink(schema: nil, value: .null)
        keyed.keySchema = .int64
        keyed.key = .int64(5)
        let h = try #require(try hoist.apply(keyed))
        #expect(h.keySchema?.fields.map(\.name) == ["id"])
        #expect(h.key.structValue?.values == [.int64(5)])
        keyed.keySchema = nil
        #expect(try hoist.apply(keyed)?.key == Self.map([("id", .int64(5))]))

        let inner = Schema.struct([("lat", .float64), ("lon", .float64)], optional: true)
        let outer = Schema.struct([("id", .int64), ("location", inner)], name: "quake")
        let value = Value.struct(
            Struct(
                schema: outer,
                values: [.int64(1), .struct(Struct(schema: inner, values: [.float64(37.7), .float64(-122.4)]))]))
        let flatten = try Flatten(.value, config: ["delimiter": "_"])
        let f = try #require(try flatten.apply(Self.sink(schema: outer, value: value)))
        #expect(f.valueSchema?.fields.map(\.name) == ["id", "location_lat", "location_lon"])
        #expect(f.valueSchema?.fields[1].schema.isOptional == true)  // under an optional struct
        #expect(f.value.structValue?.values == [.int64(1), .float64(37.7), .float64(-122.4)])
        let nullInner = Value.struct(Struct(schema: outer, values: [.int64(2), .null]))
        #expect(
            try flatten.apply(Self.sink(schema: outer, value: nullInner))?.value.structValue?.values == [
                .int64(2), .null, .null,
            ])
        let nested = Self.map([("a", Self.map([("b", .int64(1)), ("c", .array([.int64(2)]))]))])
        #expect(
            try Flatten(.value, config: [:]).apply(Self.sink(schema: nil, value: nested))?.value
                == Self.map([("a.b", .int64(1)), ("a.c", .array([.int64(2)]))]))

        let rename = try SetSchemaMetadata(.value, config: ["schema.name": "com.example.Quake", "schema.version": "2"])
        let s = try #require(try rename.apply(Self.sink(schema: outer, value: value)))
        #expect(s.valueSchema?.name == "com.example.Quake" && s.valueSchema?.version == 2)
        #expect(s.value.structValue?.schema === s.valueSchema)
        #expect(throws: ConnectError.self) { try rename.apply(Self.sink(schema: nil, value: nested)) }
        #expect(throws: ConfigException.self) { try SetSchemaMetadata(.value, config: [:]) }
    }
}

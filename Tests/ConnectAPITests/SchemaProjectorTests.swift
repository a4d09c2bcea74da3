import ConnectAPI
import Testing

/// Kafka's SchemaProjector rules: fields added with defaults or null, fields dropped, numbers widened,
/// and the mismatches it refuses.
@Suite struct SchemaProjectorTests {
    let v1 = Schema.struct([("id", .int32), ("name", .optionalString)], name: "row", version: 1)
    var v2: Schema {
        Schema.struct(
            [
                ("id", .int64), ("name", .optionalString),
                ("country", Schema(type: .string, defaultValue: .string("US"))), ("note", .optionalString),
            ], name: "row", version: 2)
    }

    @Test func olderRecordsGainDefaultsAndWiderNumbers() throws {
        let old = Value.struct(Struct(schema: v1, values: [.int32(7), .string("Austin")]))
        let p = try SchemaProjector.project(v1, old, to: v2)
        #expect(p == .struct(Struct(schema: v2, values: [.int64(7), .string("Austin"), .string("US"), .null])))
        // Newer to older: the extra fields are dropped (int64 → int32 is not a promotion, though).
        let narrow = Schema.struct([("name", .optionalString)], name: "row", version: 1)
        let new = Value.struct(Struct(schema: v2, values: [.int64(1), .string("x"), .string("CA"), .null]))
        #expect(
            try SchemaProjector.project(v2, new, to: narrow)
                == .struct(Struct(schema: narrow, values: [.string("x")])))
        #expect(throws: SchemaProjector.Failure.self) { try SchemaProjector.project(v2, new, to: v1) }
    }

    @Test func arraysMapsAndOptionalityFollowKafka() throws {
        #expect(
            try SchemaProjector.project(.array(.int8), .array([.int8(1), .int8(-2)]), to: .array(.float64))
                == .array([.float64(1), .float64(-2)]))
        #expect(
            try SchemaProjector.project(
                .map(.string, .int32), .map([MapEntry(key: .string("a"), value: .int32(3))]), to: .map(.string, .int64))
                == .map([MapEntry(key: .string("a"), value: .int64(3))]))
        // An optional source into a required target needs the target's default.
        #expect(try SchemaProjector.project(.optionalInt32, .null, to: .optionalInt64) == .null)
        #expect(
            try SchemaProjector.project(.optionalInt32, .null, to: Schema(type: .int32, defaultValue: .int32(0)))
                == .int32(0))
        #expect(throws: SchemaProjector.Failure.self) { try SchemaProjector.project(.optionalInt32, .null, to: .int32) }
    }

    @Test func mismatchesAreRefusedWithKafkasMessages() {
        func message(_ body: () throws -> Value) -> String {
            if case .failure(let e) = Result(catching: body) { return "\(e)" }
            return ""
        }
        #expect(
            message { try SchemaProjector.project(.string, .string("x"), to: .int32) }
                == "Schema type mismatch. source type: STRING and target type: INT32")
        #expect(
            message { try SchemaProjector.project(LogicalType.date(), .int32(1), to: .int32) }.hasPrefix(
                "Schema name mismatch."))
        let missing = Schema.struct([("id", .int32), ("zone", .string)], name: "row", version: 3)
        #expect(
            message {
                try SchemaProjector.project(v1, .struct(Struct(schema: v1, values: [.int32(1), .null])), to: missing)
            }.hasPrefix("Required field `zone` is missing from source schema"))
    }
}

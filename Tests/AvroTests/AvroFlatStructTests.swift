import Avro
import ConnectAPI
import ConnectAvro
import Testing

/// `AvroData.encode(_:flat:into:)` must write exactly what `encode(_:schema:into:)` writes, and fail
/// where it fails, with the same message.
struct AvroFlatStructTests {
    static let schema = Schema.struct(
        [
            ("i8", .int8), ("i16", .int16), ("i32", .int32), ("i64", .int64), ("f32", .float32), ("f64", .float64),
            ("ok", .boolean), ("s", .string), ("b", .bytes), ("amount", LogicalType.decimal(scale: 2)),
            ("day", LogicalType.date()), ("at", LogicalType.timestamp()), ("note", .optionalString),
            ("n", .optionalInt64),
            // An optional field with a non-null default: Avro's union puts null last.
            ("level", Schema(type: .int32, optional: true, defaultValue: .int32(3))),
        ], name: "row")

    enum Outcome: Equatable {
        case bytes([UInt8])
        case error(String)
    }

    func general(_ value: Value, _ schema: Schema = schema) -> Outcome {
        var e = AvroEncoder()
        do { try AvroData().encode(value, schema: schema, into: &e) } catch { return .error("\(error)") }
        return .bytes(e.bytes)
    }

    func flat(_ value: Value, _ schema: Schema = schema) throws -> Outcome {
        let plan = try #require(AvroData.FlatStruct(schema))
        var e = AvroEncoder()
        do { try AvroData().encode(value, flat: plan, into: &e) } catch { return .error("\(error)") }
        return .bytes(e.bytes)
    }

    static func row(_ i: Int) -> [Value] {
        [
            .int8(Int8(truncatingIfNeeded: i)), .int16(Int16(truncatingIfNeeded: i * 7)), .int32(Int32(i) - 50),
            .int64(Int64(i) * 1_000_000_007), .float32(Float(i) / 3), .float64(Double(i) * -0.1), .boolean(i % 2 == 0),
            .string(String(repeating: "é", count: i % 5) + "row \(i)"),
            .bytes(Array(repeating: UInt8(i & 0xFF), count: i % 4)),
            .decimal(ConnectDecimal(unscaled: [UInt8(i & 0x7F), 0x10], scale: 2)), .int32(Int32(i)),
            .int64(1_700_000_000_000 + Int64(i)), i % 3 == 0 ? .null : .string("n\(i)"),
            i % 4 == 0 ? .null : .int64(Int64(-i)),
            i % 5 == 0 ? .null : .int32(Int32(i)),
        ]
    }

    @Test func flatStructsAreWrittenAsTheGeneralPathWritesThem() throws {
        for i in 0..<64 {
            let value = Value.struct(Struct(schema: Self.schema, values: Self.row(i)))
            #expect(try flat(value) == general(value))
        }
        // Floats given for the other float type, as the general path converts them.
        var widened = Self.row(1)
        widened[4] = .float64(2.5)
        widened[5] = .float32(0.25)
        let value = Value.struct(Struct(schema: Self.schema, values: widened))
        #expect(try flat(value) == general(value))
    }

    @Test func valuesThatDoNotFitFailWithTheGeneralPathsMessage() throws {
        var cases: [[Value]] = []
        for (index, bad) in [
            (0, Value.string("x")), (3, .null), (4, .int32(1)), (6, .int32(1)), (7, .int64(1)), (8, .string("b")),
        ] {
            var values = Self.row(2)
            values[index] = bad
            cases.append(values)
        }
        cases.append(Array(Self.row(2).dropLast()))  // fewer values than fields
        for values in cases {
            let value = Value.struct(Struct(schema: Self.schema, values: values))
            let expected = general(value)
            guard case .error = expected else {
                Issue.record("the general path wrote \(values)")
                continue
            }
            #expect(try flat(value) == expected)
        }
        #expect(try flat(.string("not a struct")) == general(.string("not a struct")))
    }

    @Test func onlyRequiredStructsOfPrimitivesAreFlat() {
        #expect(AvroData.FlatStruct(.struct([("a", .int32)], name: "r")) != nil)
        #expect(AvroData.FlatStruct(.struct([("a", .int32)], name: "r", optional: true)) == nil)
        #expect(AvroData.FlatStruct(.struct([("a", .struct([("x", .int32)], name: "in"))], name: "r")) == nil)
        #expect(AvroData.FlatStruct(.struct([("a", .array(.int32))], name: "r")) == nil)
        #expect(AvroData.FlatStruct(.int64) == nil)
    }
}

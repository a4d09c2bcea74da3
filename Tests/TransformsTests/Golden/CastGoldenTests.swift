import ConnectAPI
import Testing

@testable import Transforms

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/CastTest.java
@Suite struct CastGoldenTests {
    static let upstream = "apache/kafka connect/transforms/.../CastTest.java"
    static let dayMs: Int64 = 86_400_000

    // CastTest testConfigEmpty, testConfigInvalidSchemaType, testConfigInvalidTargetType,
    // testUnsupportedTargetType, testConfigInvalidMap, testConfigMixWholeAndFieldTransformation
    @Test(arguments: ["", "foo:faketype", "foo:array", "array", "foo:bytes", "foo:int8:extra", "foo:int8,int32"])
    func badSpecsAreRefused(spec: String) {
        #expect(throws: ConfigException.self) { try Cast(.key, config: ["spec": spec]) }
    }

    // CastTest castNullValueRecordWithSchema, castNullValueRecordSchemaless
    @Test(arguments: [Schema.string, nil] as [Schema?])
    func nullValueIsLeftAlone(schema: Schema?) throws {
        let t = try Cast(.value, config: ["spec": "foo:int64"])
        let original = Golden.record(keySchema: .string, key: .string("key"), valueSchema: schema, value: .null)
        #expect(try t.apply(original) == original)
    }

    // CastTest castNullKeyRecordWithSchema, castNullKeyRecordSchemaless
    @Test(arguments: [Schema.string, nil] as [Schema?])
    func nullKeyIsLeftAlone(schema: Schema?) throws {
        let t = try Cast(.key, config: ["spec": "foo:int64"])
        let original = Golden.record(keySchema: schema, key: .null, valueSchema: .string, value: .string("value"))
        #expect(try t.apply(original) == original)
    }

    // CastTest castFieldWithDefaultValueRecordWithSchema (both parameter sets)
    @Test(arguments: [(false, Value.null), (true, Value.string("10"))])
    func nullFieldWithDefault(replaceNullWithDefault: Bool, expected: Value) throws {
        let t = try Cast(
            .value, config: ["spec": "magic:string", "replace.null.with.default": String(replaceNullWithDefault)])
        let schema = Schema.struct([("magic", Schema(type: .int32, optional: true, defaultValue: .int32(10)))])
        let r = try #require(
            try t.apply(
                Golden.record(
                    keySchema: .string, key: .string("key"), valueSchema: schema, value: .struct(Struct(schema: schema))
                )))
        #expect(r.valueSchema?.field(named: "magic")?.schema.type == .string)
        #expect(Golden.get(r.value, "magic") == expected)
    }

    // CastTest castWholeRecordKeyWithSchema
    @Test func wholeKeyWithSchema() throws {
        let t = try Cast(.key, config: ["spec": "int8"])
        let r = try #require(
            try t.apply(
                Golden.record(keySchema: .int32, key: .int32(42), valueSchema: .string, value: .string("bogus"))))
        #expect(r.keySchema?.type == .int8)
        #expect(r.key == .int8(42))
    }

    // CastTest castWholeRecordValueWithSchemaInt8, ...Int16, ...Int32, ...Int64, ...Float32, ...Float64,
    // ...BooleanTrue, ...BooleanFalse, ...String (an INT32 value of 42, or 0 for BooleanFalse)
    @Test(arguments: [
        ("int8", Value.int32(42), Value.int8(42)), ("int16", .int32(42), .int16(42)),
        ("int32", .int32(42), .int32(42)), ("int64", .int32(42), .int64(42)),
        ("float32", .int32(42), .float32(42)), ("float64", .int32(42), .float64(42)),
        ("boolean", .int32(42), .boolean(true)), ("boolean", .int32(0), .boolean(false)),
        ("string", .int32(42), .string("42")),
    ])
    func wholeValueWithSchema(spec: String, input: Value, expected: Value) throws {
        let t = try Cast(.value, config: ["spec": spec])
        let r = try #require(try t.apply(Golden.record(valueSchema: .int32, value: input)))
        #expect(r.valueSchema?.type.rawValue == spec)
        #expect(r.value == expected)
    }

    // CastTest castWholeRecordValueSchemalessInt8, ...Int16, ...Int32, ...Int64, ...Float32, ...Float64,
    // ...BooleanTrue, ...BooleanFalse, ...String
    @Test(arguments: [
        ("int8", Value.int32(42), Value.int8(42)), ("int16", .int32(42), .int16(42)),
        ("int32", .int32(42), .int32(42)), ("int64", .int32(42), .int64(42)),
        ("float32", .int32(42), .float32(42)), ("float64", .int32(42), .float64(42)),
        ("boolean", .int32(42), .boolean(true)), ("boolean", .int32(0), .boolean(false)),
        ("string", .int32(42), .string("42")),
    ])
    func wholeValueSchemaless(spec: String, input: Value, expected: Value) throws {
        let t = try Cast(.value, config: ["spec": spec])
        let r = try #require(try t.apply(Golden.record(valueSchema: nil, value: input)))
        #expect(r.valueSchema == nil)
        #expect(r.value == expected)
    }

    // CastTest castWholeRecordKeySchemaless
    @Test func wholeKeySchemaless() throws {
        let t = try Cast(.key, config: ["spec": "int8"])
        let r = try #require(try t.apply(Golden.record(key: .int32(42), valueSchema: .string, value: .string("bogus"))))
        #expect(r.keySchema == nil)
        #expect(r.key == .int8(42))
    }

    // CastTest castWholeBigDecimalRecordValueWithSchemaString
    @Test func wholeDecimalToString() throws {
        let t = try Cast(.value, config: ["spec": "string"])
        let r = try #require(
            try t.apply(
                Golden.record(valueSchema: LogicalType.decimal(scale: 0), value: .decimal(ConnectDecimal("42")!))))
        #expect(r.valueSchema?.type == .string)
        #expect(r.value == .string("42"))
    }

    // CastTest castWholeDateRecordValueWithSchemaString: a Timestamp of one day and 1 ms formats as
    // Values.dateFormatFor does (yyyy-MM-dd'T'HH:mm:ss.SSS'Z').
    @Test func wholeTimestampToString() throws {
        let t = try Cast(.value, config: ["spec": "string"])
        let r = try #require(
            try t.apply(Golden.record(valueSchema: LogicalType.timestamp(), value: .int64(Self.dayMs + 1))))
        #expect(r.valueSchema?.type == .string)
        #expect(r.value == .string("1970-01-02T00:00:00.001Z"))
    }

    // CastTest castWholeRecordDefaultValue
    @Test func wholeValueDefaultIsCastToo() throws {
        let t = try Cast(.value, config: ["spec": "int32"])
        let schema = Schema(type: .float32, defaultValue: .float32(-42.125))
        let r = try #require(try t.apply(Golden.record(valueSchema: schema, value: .float32(42.125))))
        #expect(r.valueSchema?.type == .int32)
        #expect(r.value == .int32(42))
        #expect(r.valueSchema?.defaultValue == .int32(-42))
    }

    // CastTest castWholeRecordValueSchemalessUnsupportedType
    @Test func wholeValueSchemalessListIsRefused() throws {
        let t = try Cast(.value, config: ["spec": "int8"])
        #expect(throws: ConnectError.self) {
            try t.apply(Golden.record(valueSchema: nil, value: .array([.string("foo")])))
        }
    }

    // CastTest castLogicalToPrimitive
    @Test func logicalToPrimitive() throws {
        let t = try Cast(
            .value,
            config: [
                "spec":
                    "date_to_int32:int32,timestamp_to_int64:int64,time_to_int64:int64,decimal_to_int32:int32,timestamp_to_float64:float64,null_timestamp_to_int32:int32"
            ])
        let schema = Schema.struct([
            ("date_to_int32", LogicalType.date()), ("timestamp_to_int64", LogicalType.timestamp()),
            ("time_to_int64", LogicalType.time()), ("decimal_to_int32", LogicalType.decimal(scale: 0)),
            ("timestamp_to_float64", LogicalType.timestamp()),
            ("null_timestamp_to_int32", LogicalType.timestamp(optional: true)),
        ])
        let value = Golden.struct(
            schema,
            [
                "date_to_int32": .int32(1), "timestamp_to_int64": .int64(0), "time_to_int64": .int32(1),
                "decimal_to_int32": .decimal(ConnectDecimal("2147483648")!), "timestamp_to_float64": .int64(Int64.max),
            ])
        let r = try #require(try t.apply(Golden.record(valueSchema: schema, value: value)))
        #expect(Golden.get(r.value, "date_to_int32") == .int32(1))
        #expect(Golden.get(r.value, "timestamp_to_int64") == .int64(0))
        #expect(Golden.get(r.value, "time_to_int64") == .int64(1))
        #expect(Golden.get(r.value, "decimal_to_int32") == .int32(Int32.min))
        #expect(Golden.get(r.value, "timestamp_to_float64") == .float64(9.223372036854776E18))
        #expect(Golden.get(r.value, "null_timestamp_to_int32") == .null)
        let types = r.valueSchema?.fields.map(\.schema.type)
        #expect(types == [.int32, .int64, .int64, .int32, .float64, .int32])
    }

    // CastTest castLogicalToString (the timestamp there is `new Date()`; here a fixed instant)
    @Test func logicalToString() throws {
        let t = try Cast(.value, config: ["spec": "date:string,decimal:string,time:string,timestamp:string"])
        let schema = Schema.struct([
            ("date", LogicalType.date()), ("decimal", LogicalType.decimal(scale: 0)), ("time", LogicalType.time()),
            ("timestamp", LogicalType.timestamp()),
        ])
        let value = Golden.struct(
            schema,
            [
                "date": .int32(1), "decimal": .decimal(ConnectDecimal("1982")!), "time": .int32(3_600_000),
                "timestamp": .int64(1_714_566_896_123),
            ])
        let r = try #require(try t.apply(Golden.record(valueSchema: schema, value: value)))
        #expect(Golden.get(r.value, "date") == .string("1970-01-02"))
        #expect(Golden.get(r.value, "decimal") == .string("1982"))
        #expect(Golden.get(r.value, "time") == .string("01:00:00.000Z"))
        #expect(Golden.get(r.value, "timestamp") == .string("2024-05-01T12:34:56.123Z"))
        #expect(r.valueSchema?.fields.map(\.schema.type) == [.string, .string, .string, .string])
    }

    // CastTest castFieldsWithSchema
    @Test func fieldsWithSchema() throws {
        let t = try Cast(
            .value,
            config: [
                "spec":
                    "int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32,bigdecimal:string,date:string,optional:int32,bytes:string,byteArray:string"
            ])
        let schema = Schema.struct([
            ("int8", .int8), ("int16", .optionalInt16), ("int32", Schema(type: .int32, defaultValue: .int32(2))),
            ("int64", .int64), ("float32", .float32),
            ("float64", Schema(type: .float64, defaultValue: .float64(-1.125))),
            ("boolean", .boolean), ("string", .string), ("bigdecimal", LogicalType.decimal(scale: 0)),
            ("date", LogicalType.date()), ("optional", .optionalFloat32), ("timestamp", LogicalType.timestamp()),
            ("bytes", .bytes), ("byteArray", .bytes),
        ])
        let bytes: [UInt8] = [0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10]
        let value = Golden.struct(
            schema,
            [
                "int8": .int8(8), "int16": .int16(16), "int32": .int32(32), "int64": .int64(64),
                "float32": .float32(32),
                "float64": .float64(-64), "boolean": .boolean(true), "bigdecimal": .decimal(ConnectDecimal("42")!),
                "date": .int32(1), "string": .string("42"), "timestamp": .int64(0), "bytes": .bytes(bytes),
                "byteArray": .bytes(bytes),
            ])
        let r = try #require(try t.apply(Golden.record(valueSchema: schema, value: value)))
        let out = try #require(r.valueSchema)
        #expect(Golden.get(r.value, "int8") == .int16(8))
        #expect(out.field(named: "int16")?.schema.isOptional == true)
        #expect(Golden.get(r.value, "int16") == .int32(16))
        #expect(Golden.get(r.value, "int32") == .int64(32))
        #expect(out.field(named: "int32")?.schema.defaultValue == .int64(2))
        #expect(Golden.get(r.value, "int64") == .boolean(true))
        #expect(Golden.get(r.value, "float32") == .float64(32))
        #expect(Golden.get(r.value, "float64") == .boolean(true))
        #expect(out.field(named: "float64")?.schema.defaultValue == .boolean(true))
        #expect(Golden.get(r.value, "boolean") == .int8(1))
        #expect(Golden.get(r.value, "string") == .int32(42))
        #expect(Golden.get(r.value, "bigdecimal") == .string("42"))
        #expect(Golden.get(r.value, "date") == .string("1970-01-02"))
        #expect(Golden.get(r.value, "timestamp") == .int64(0))
        #expect(Golden.get(r.value, "bytes") == .string("/ty6mHZUMhA="))
        #expect(Golden.get(r.value, "byteArray") == .string("/ty6mHZUMhA="))
        #expect(Golden.get(r.value, "optional") == .null)
        let expectedTypes: [String: Schema.SchemaType] = [
            "int8": .int16, "int16": .int32, "int32": .int64, "int64": .boolean, "float32": .float64,
            "float64": .boolean, "boolean": .int8, "string": .int32, "bigdecimal": .string, "date": .string,
            "optional": .int32, "bytes": .string, "byteArray": .string, "timestamp": .int64,
        ]
        for (name, type) in expectedTypes { #expect(out.field(named: name)?.schema.type == type, "\(name)") }
        #expect(out.field(named: "optional")?.schema.isOptional == true)
        #expect(out.field(named: "timestamp")?.schema.name == LogicalType.timestampName)  // not changed
    }

    // CastTest castFieldsSchemaless
    @Test func fieldsSchemaless() throws {
        let t = try Cast(
            .value,
            config: [
                "spec":
                    "int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32"
            ])
        let value = Golden.map([
            "int8": .int8(8), "int16": .int16(16), "int32": .int32(32), "int64": .int64(64), "float32": .float32(32),
            "float64": .float64(-64), "boolean": .boolean(true), "string": .string("42"),
        ])
        let r = try #require(try t.apply(Golden.record(valueSchema: nil, value: value)))
        #expect(r.valueSchema == nil)
        #expect(Golden.get(r.value, "int8") == .int16(8))
        #expect(Golden.get(r.value, "int16") == .int32(16))
        #expect(Golden.get(r.value, "int32") == .int64(32))
        #expect(Golden.get(r.value, "int64") == .boolean(true))
        #expect(Golden.get(r.value, "float32") == .float64(32))
        #expect(Golden.get(r.value, "float64") == .boolean(true))
        #expect(Golden.get(r.value, "boolean") == .int8(1))
        #expect(Golden.get(r.value, "string") == .int32(42))
    }
}

/// Not upstream: `BigDecimal.intValue()`/`longValue()`/`byteValue()` as OpenJDK 17 gives them, which
/// Cast calls on a Decimal (the low-order bits of the integral part).
@Suite struct CastDecimalWrapTests {
    @Test(arguments: [
        ("2147483648", "int32", Value.int32(Int32.min)), ("-2.9", "int64", .int64(-2)),
        ("99999999999999999999.5", "int32", .int32(1_661_992_959)),
        ("99999999999999999999.5", "int64", .int64(7_766_279_631_452_241_919)),
        ("-99999999999999999999", "int8", .int8(1)), ("2147483648", "int16", .int16(0)),
    ])
    func decimalsWrap(text: String, type: String, expected: Value) throws {
        let t = try Cast(.value, config: ["spec": type])
        let r = try t.apply(
            Golden.record(valueSchema: LogicalType.decimal(scale: 1), value: .decimal(ConnectDecimal(text)!)))
        #expect(r?.value == expected)
    }
}

/// Not upstream: Values.dateFormatFor's patterns through SimpleDateFormat, as OpenJDK 17 formats them
/// in UTC. Anything before 1970-01-02 takes the time-of-day pattern, negative instants too.
@Suite struct CastDateTextTests {
    @Test(arguments: [
        (Int64(-62_135_769_600_000), "00:00:00.000Z"), (-12_219_292_800_001, "23:59:59.999Z"),
        (5_000, "00:00:05.000Z"), (86_400_000, "1970-01-02"), (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
    ])
    func formats(ms: Int64, expected: String) {
        #expect(Cast.isoText(ms) == expected)
    }
}

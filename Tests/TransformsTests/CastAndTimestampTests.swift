import ConnectAPI
import Testing

@testable import Transforms

/// Cast and TimestampConverter, and the date patterns they use.
@Suite struct CastAndTimestampTests {
    static func record(schema: Schema?, value: Value) -> SourceRecord {
        SourceRecord(sourcePartition: [:], sourceOffset: [:], topic: "t", valueSchema: schema, value: value)
    }

    @Test func castConvertsFieldsAsJavaDoes() throws {
        let schema = Schema.struct(
            [
                ("id", .string), ("amount", .float64), ("flag", .int32), ("day", LogicalType.date()),
                ("raw", .optionalBytes), ("keep", .int8),
            ], name: "row")
        let value = Value.struct(
            Struct(
                schema: schema,
                values: [.string("12"), .float64(-3.9), .int32(2), .int32(19_782), .bytes([104, 105]), .int8(1)]))
        let t = try Cast(.value, config: ["spec": "id:int64, amount:int32, flag:boolean, day:string, raw:string"])
        let r = try #require(try t.apply(Self.record(schema: schema, value: value)))
        #expect(
            r.value.structValue?.values == [
                .int64(12), .int32(-3), .boolean(true), .string("2024-02-29"), .string("aGk="), .int8(1),
            ])
        #expect(r.valueSchema?.fields.map { $0.schema.type } == [.int64, .int32, .boolean, .string, .string, .int8])
        #expect(r.valueSchema?.fields[4].schema.isOptional == true)
        #expect(r.valueSchema?.fields[3].schema.name == nil)  // no longer a Date

        let whole = try Cast(.value, config: ["spec": "string"])
        #expect(try whole.apply(Self.record(schema: .float64, value: .float64(1e10)))?.value == .string("1.0E10"))
        #expect(try whole.apply(Self.record(schema: nil, value: .boolean(true)))?.value == .string("true"))
        #expect(try Cast.cast(.float64(0.5), nil, to: .boolean) == .boolean(false))
        #expect(try Cast.cast(.string("TRUE"), nil, to: .boolean) == .boolean(true))
        #expect(try Cast.cast(.int64(300), nil, to: .int8) == .int8(44))
        #expect(try Cast.cast(.float64(1e12), nil, to: .int32) == .int32(Int32.max))
        #expect(Cast.isoText(5_000) == "00:00:05.000Z")
        #expect(Cast.isoText(1_709_251_199_999) == "2024-02-29T23:59:59.999Z")
        #expect(throws: ConnectError.self) { try Cast.cast(.string("x"), nil, to: .int32) }
        #expect(throws: ConnectError.self) { try whole.apply(Self.record(schema: nil, value: .array([]))) }

        #expect(throws: ConfigException.self) { try Cast(.value, config: ["spec": "a:struct"]) }
        #expect(throws: ConfigException.self) { try Cast(.value, config: ["spec": "a:int9"]) }
        #expect(throws: ConfigException.self) { try Cast(.value, config: ["spec": "int64,a:int8"]) }
        let toStructField = try Cast(.value, config: ["spec": "m:int32"])
        let withMap = Schema.struct([("m", .map(.string, .string))])
        #expect(throws: ConnectError.self) {
            try toStructField.apply(
                Self.record(schema: withMap, value: .struct(Struct(schema: withMap, values: [.map([])]))))
        }
    }

    @Test func timestampConverterMovesBetweenRepresentations() throws {
        let schema = Schema.struct([("id", .int64), ("at", .string)])
        let value = Value.struct(Struct(schema: schema, values: [.int64(1), .string("2024-02-29 23:59:59")]))
        let toTimestamp = try TimestampConverter(
            .value, config: ["field": "at", "target.type": "Timestamp", "format": "yyyy-MM-dd HH:mm:ss"])
        let r = try #require(try toTimestamp.apply(Self.record(schema: schema, value: value)))
        #expect(r.valueSchema?.fields[1].schema.name == LogicalType.timestampName)
        #expect(r.value.structValue?.values[1] == .int64(1_709_251_199_000))

        let toDate = try TimestampConverter(.value, config: ["field": "at", "target.type": "Date"])
        let d = try #require(try toDate.apply(r))
        #expect(d.value.structValue?.values[1] == .int32(19_782))
        let toString = try TimestampConverter(
            .value, config: ["field": "at", "target.type": "string", "format": "yyyy-MM-dd'T'HH:mm:ss.SSSX"])
        #expect(try toString.apply(r)?.value.structValue?.values[1] == .string("2024-02-29T23:59:59.000Z"))

        // Without a schema: a Long is a Unix time in unix.precision, a String is parsed with the format.
        let seconds = try TimestampConverter(.value, config: ["target.type": "unix", "unix.precision": "seconds"])
        #expect(try seconds.apply(Self.record(schema: nil, value: .int64(1_500)))?.value == .int64(1_500))
        let fromSeconds = try TimestampConverter(
            .value, config: ["target.type": "Timestamp", "unix.precision": "seconds"])
        #expect(try fromSeconds.apply(Self.record(schema: nil, value: .int64(2)))?.value == .int64(2_000))
        let time = try TimestampConverter(.value, config: ["target.type": "Time"])
        #expect(try time.apply(Self.record(schema: nil, value: .int64(86_400_000 + 61_000)))?.value == .int32(61_000))
        #expect(try time.apply(Self.record(schema: nil, value: .null))?.value == .null)
        #expect(throws: ConnectError.self) { try time.apply(Self.record(schema: nil, value: .boolean(true))) }

        let parse = try TimestampConverter(.value, config: ["target.type": "unix", "format": "yyyyMMddHHmmZ"])
        #expect(try parse.apply(Self.record(schema: nil, value: .string("197001010100+0100")))?.value == .int64(0))
        do {
            _ = try parse.apply(Self.record(schema: nil, value: .string("1970-01-01")))
            Issue.record("a timestamp that does not fit the format was parsed")
        } catch let e as ConnectError {
            #expect(e.message == "Could not parse timestamp: value (1970-01-01) does not match pattern (yyyyMMddHHmmZ)")
        }
        #expect(throws: ConfigException.self) { try TimestampConverter(.value, config: ["target.type": "string"]) }
        #expect(throws: ConfigException.self) { try TimestampConverter(.value, config: ["target.type": "date"]) }
        #expect(throws: ConfigException.self) {
            try TimestampConverter(.value, config: ["target.type": "string", "format": "EEE yyyy"])
        }
    }

    @Test func datePatternsParseWhatTheyFormat() throws {
        let p = try DateTimePattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        for ms: Int64 in [0, 1_709_251_199_999, -86_400_001, 951_782_400_000, -62_135_769_600_000] {
            #expect(p.parseLikeSimpleDateFormat(p.formatLikeSimpleDateFormat(millis: ms)) == ms)
        }
        // Years far out are refused rather than overflowing the arithmetic.
        #expect(try DateTimePattern("yyyy-MM-dd").parseLikeSimpleDateFormat("999999999-01-01") == nil)
        #expect(throws: DateTimePattern.Invalid.self) { try DateTimePattern("yyyy Z") }  // zones only where allowed
        #expect(throws: ConfigException.self) {
            try TimestampConverter(.value, config: ["target.type": "string", "format": "dd MMM yyyy"])
        }
    }
}

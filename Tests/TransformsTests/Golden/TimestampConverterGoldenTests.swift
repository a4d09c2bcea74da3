import ConnectAPI
import Testing

@testable import Transforms

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/TimestampConverterTest.java
///
/// Kafka's schemaless cases pass `java.util.Date` objects, which our values have no case for: without
/// a schema a Date, Time or Timestamp result is its number (docs/transforms.md, "Where we differ"),
/// and an int64 input is read as a Unix time.
@Suite struct TimestampConverterGoldenTests {
    static let format = "yyyy MM dd HH mm ss SSS z"
    static let datePlusTimeString = "1970 01 02 00 00 01 234 UTC"
    static let datePlusTime: Int64 = 86_401_234  // one day and 1234 ms
    static let date: Int32 = 1  // days
    static let time: Int32 = 1234  // ms of the day
    static let datePlusTimeMicros: Int64 = 86_401_234_123
    static let datePlusTimeNanos: Int64 = 86_401_234_123_456
    static let datePlusTimeSeconds: Int64 = 86_401

    static func converter(_ config: [String: String], _ operand: Operand = .value) throws -> TimestampConverter {
        try TimestampConverter(operand, config: config)
    }

    // TimestampConverterTest testConfigNoTargetType, testConfigInvalidTargetType, testConfigInvalidUnixPrecision,
    // testConfigMissingFormat, testConfigInvalidFormat
    @Test(
        arguments: [
            [:], ["target.type": "invalid"], ["target.type": "unix", "unix.precision": "invalid"],
            ["target.type": "string"], ["target.type": "string", "format": "bad-format"],
        ] as [[String: String]])
    func badConfigsAreRefused(config: [String: String]) {
        #expect(throws: ConfigException.self) { try Self.converter(config) }
    }

    // TimestampConverterTest testConfigValidUnixPrecision
    @Test func validUnixPrecision() throws {
        _ = try Self.converter(["target.type": "unix", "unix.precision": "seconds"])
    }

    // TimestampConverterTest testSchemalessTimestampToUnix, testSchemalessUnixToTimestamp,
    // testSchemalessTimestampToString, testSchemalessStringToTimestamp (a Timestamp without a schema is
    // its number here); testSchemalessIdentity, testSchemalessTimestampToDate, testSchemalessTimestampToTime,
    // testSchemalessDateToTimestamp, testSchemalessTimeToTimestamp: pinned with numbers.
    @Test func schemalessConversions() throws {
        func apply(_ config: [String: String], _ v: Value) throws -> Value? {
            try Self.converter(config).apply(Golden.record(valueSchema: nil, value: v))?.value
        }
        #expect(try apply(["target.type": "unix"], .int64(Self.datePlusTime)) == .int64(Self.datePlusTime))
        #expect(try apply(["target.type": "Timestamp"], .int64(Self.datePlusTime)) == .int64(Self.datePlusTime))
        #expect(
            try apply(["target.type": "string", "format": Self.format], .int64(Self.datePlusTime))
                == .string(Self.datePlusTimeString))
        #expect(
            try apply(["target.type": "Timestamp", "format": Self.format], .string(Self.datePlusTimeString))
                == .int64(Self.datePlusTime))
        #expect(try apply(["target.type": "Date"], .int64(Self.datePlusTime)) == .int32(Self.date))
        #expect(try apply(["target.type": "Time"], .int64(Self.datePlusTime)) == .int32(Self.time))
    }

    // TimestampConverterTest testWithSchemaIdentity, testWithSchemaTimestampToDate, testWithSchemaTimestampToTime,
    // testWithSchemaTimestampToUnix, testWithSchemaTimestampToString
    @Test(arguments: [
        ("Timestamp", LogicalType.timestamp(), Value.int64(datePlusTime)),
        ("Date", LogicalType.date(), .int32(date)),
        ("Time", LogicalType.time(), .int32(time)),
        ("unix", Schema.int64, .int64(datePlusTime)),
        ("string", Schema.string, .string(datePlusTimeString)),
    ])
    func fromTimestampWithSchema(target: String, schema: Schema, expected: Value) throws {
        let t = try Self.converter(["target.type": target, "format": Self.format])
        let r = try #require(
            try t.apply(Golden.record(valueSchema: LogicalType.timestamp(), value: .int64(Self.datePlusTime))))
        #expect(r.valueSchema == schema)
        #expect(r.value == expected)
    }

    // TimestampConverterTest testWithSchemaDateToTimestamp, testWithSchemaTimeToTimestamp,
    // testWithSchemaUnixToTimestamp, testWithSchemaStringToTimestamp
    @Test(arguments: [
        (LogicalType.date(), Value.int32(date), Int64(86_400_000)),
        (LogicalType.time(), .int32(time), Int64(time)),
        (Schema.int64, .int64(datePlusTime), datePlusTime),
        (Schema.string, .string(datePlusTimeString), datePlusTime),
    ])
    func toTimestampWithSchema(schema: Schema, input: Value, expected: Int64) throws {
        let t = try Self.converter(["target.type": "Timestamp", "format": Self.format])
        let r = try #require(try t.apply(Golden.record(valueSchema: schema, value: input)))
        #expect(r.valueSchema == LogicalType.timestamp())
        #expect(r.value == .int64(expected))
    }

    // TimestampConverterTest testSchemalessNullValueToString, ...ToDate, ...ToTimestamp, ...ToUnix, ...ToTime
    // (testSchemalessNullValueConversion and testSchemalessNullFieldConversion)
    @Test(arguments: ["string", "Date", "Timestamp", "unix", "Time"])
    func schemalessNull(target: String) throws {
        let whole = try Self.converter(["target.type": target, "format": Self.format])
        #expect(try whole.apply(Golden.record(valueSchema: nil, value: .null))?.value == .null)
        let field = try Self.converter(["target.type": target, "format": Self.format, "field": "ts"])
        #expect(try field.apply(Golden.record(valueSchema: nil, value: .null))?.value == .null)
    }

    static let optionalSources: [Schema] = [
        .optionalInt64, LogicalType.time(optional: true), LogicalType.date(optional: true), .optionalString,
        LogicalType.timestamp(optional: true),
    ]
    static let optionalTargets: [(String, Schema)] = [
        ("Timestamp", LogicalType.timestamp(optional: true)), ("unix", .optionalInt64),
        ("Time", LogicalType.time(optional: true)), ("Date", LogicalType.date(optional: true)),
        ("string", .optionalString),
    ]

    // TimestampConverterTest testWithSchemaNullValueToTimestamp, ...ToUnix, ...ToTime, ...ToDate, ...ToString
    // (testWithSchemaNullValueConversion from each optional source schema)
    @Test func nullValueWithSchema() throws {
        for (target, expected) in Self.optionalTargets {
            let t = try Self.converter(["target.type": target, "format": Self.format])
            for source in Self.optionalSources {
                let r = try #require(try t.apply(Golden.record(valueSchema: source, value: .null)))
                #expect(r.valueSchema == expected, "\(source) → \(target)")
                #expect(r.value == .null)
            }
        }
    }

    // TimestampConverterTest testWithSchemaNullFieldToTimestamp, ...ToUnix, ...ToTime, ...ToDate, ...ToString
    // (testWithSchemaNullFieldConversion: a null field, then a null optional struct)
    @Test func nullFieldWithSchema() throws {
        for (target, expected) in Self.optionalTargets {
            let t = try Self.converter(["target.type": target, "format": Self.format, "field": "ts"])
            for source in Self.optionalSources {
                let schema = Schema.struct([("ts", source), ("other", .string)])
                let expectedSchema = Schema.struct([("ts", expected), ("other", .string)])
                let r = try #require(
                    try t.apply(
                        Golden.record(valueSchema: schema, value: Golden.struct(schema, ["other": .string("test")]))))
                #expect(r.valueSchema == expectedSchema, "\(source) → \(target)")
                #expect(Golden.get(r.value, "ts") == .null)
                let optional = Schema.struct([("ts", source), ("other", .string)], optional: true)
                let n = try #require(try t.apply(Golden.record(valueSchema: optional, value: .null)))
                #expect(n.valueSchema == Schema.struct([("ts", expected), ("other", .string)], optional: true))
                #expect(n.value == .null)
            }
        }
    }

    // TimestampConverterTest testSchemalessFieldConversion
    @Test func schemalessField() throws {
        let t = try Self.converter(["target.type": "Date", "field": "ts"])
        let r = try t.apply(Golden.record(valueSchema: nil, value: Golden.map(["ts": .int64(Self.datePlusTime)])))
        #expect(r?.value == Golden.map(["ts": .int32(Self.date)]))
    }

    // TimestampConverterTest testWithSchemaFieldConversion, testWithSchemaFieldConversion_Micros,
    // testWithSchemaFieldConversion_Nanos, testWithSchemaFieldConversion_Seconds
    @Test(arguments: [
        ("milliseconds", datePlusTime, datePlusTime), ("microseconds", datePlusTimeMicros, datePlusTime),
        ("nanoseconds", datePlusTimeNanos, datePlusTime), ("seconds", datePlusTimeSeconds, Int64(86_401_000)),
    ])
    func unixFieldToTimestamp(precision: String, input: Int64, expected: Int64) throws {
        let t = try Self.converter(["target.type": "Timestamp", "field": "ts", "unix.precision": precision])
        let schema = Schema.struct([("ts", .int64), ("other", .string)])
        let r = try #require(
            try t.apply(
                Golden.record(
                    valueSchema: schema, value: Golden.struct(schema, ["ts": .int64(input), "other": .string("test")])))
        )
        #expect(r.valueSchema == Schema.struct([("ts", LogicalType.timestamp()), ("other", .string)]))
        #expect(Golden.get(r.value, "ts") == .int64(expected))
        #expect(Golden.get(r.value, "other") == .string("test"))
    }

    // TimestampConverterTest testWithSchemaNullFieldWithDefaultConversion (both parameter sets configure
    // replace.null.with.default=false)
    @Test func nullFieldWithDefaultKeptNull() throws {
        let t = try Self.converter(["target.type": "Timestamp", "field": "ts", "replace.null.with.default": "false"])
        let schema = Schema.struct([
            ("ts", Schema(type: .int64, optional: true, defaultValue: .int64(0))), ("other", .string),
        ])
        let r = try #require(
            try t.apply(Golden.record(valueSchema: schema, value: Golden.struct(schema, ["other": .string("test")]))))
        #expect(r.valueSchema == Schema.struct([("ts", LogicalType.timestamp(optional: true)), ("other", .string)]))
        #expect(Golden.get(r.value, "ts") == .null)
        #expect(Golden.get(r.value, "other") == .string("test"))
    }

    // TimestampConverterTest testSchemalessStringToUnix_Micros, testSchemalessStringToUnix_Nanos,
    // testSchemalessStringToUnix_Seconds
    @Test(arguments: [
        ("microseconds", Int64(86_401_234_000)), ("nanoseconds", 86_401_234_000_000), ("seconds", datePlusTimeSeconds),
    ])
    func stringToUnix(precision: String, expected: Int64) throws {
        let t = try Self.converter(["target.type": "unix", "unix.precision": precision, "format": Self.format])
        #expect(
            try t.apply(Golden.record(valueSchema: nil, value: .string(Self.datePlusTimeString)))?.value
                == .int64(expected))
    }

    // TimestampConverterTest testKey
    @Test func key() throws {
        let t = try Self.converter(["target.type": "Timestamp"], .key)
        let r = try #require(try t.apply(Golden.record(key: .int64(Self.datePlusTime), valueSchema: nil, value: .null)))
        #expect(r.keySchema == nil)
        #expect(r.key == .int64(Self.datePlusTime))
    }
}

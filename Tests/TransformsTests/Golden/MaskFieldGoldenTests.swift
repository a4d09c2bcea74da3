import ConnectAPI
import Testing

@testable import Transforms

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/MaskFieldTest.java
///
/// Kafka's schemaless map also holds a `java.util.Date` and a `BigInteger`, which our values have no
/// case for; those entries are left out here.
@Suite struct MaskFieldGoldenTests {
    static let schema = Schema.struct([
        ("magic", .int32), ("bool", .boolean), ("byte", .int8), ("short", .int16), ("int", .int32), ("long", .int64),
        ("float", .float32), ("double", .float64), ("string", .string), ("date", LogicalType.date()),
        ("time", LogicalType.time()), ("timestamp", LogicalType.timestamp()),
        ("decimal", LogicalType.decimal(scale: 0)),
        ("array", .array(.int32)), ("map", .map(.string, .string)),
        ("withDefault", Schema(type: .string, optional: true, defaultValue: .string("default"))),
    ])
    static let withSchema = Golden.struct(
        schema,
        [
            "magic": .int32(42), "bool": .boolean(true), "byte": .int8(42), "short": .int16(42), "int": .int32(42),
            "long": .int64(42), "float": .float32(42), "double": .float64(42), "string": .string("hmm"),
            "date": .int32(19_844), "time": .int32(45_296_000), "timestamp": .int64(1_714_566_896_000),
            "decimal": .decimal(ConnectDecimal("42")!), "array": .array([.int32(1), .int32(2), .int32(3)]),
            "map": Golden.map(["what": .string("what")]),
        ])
    static let schemaless = Golden.map([
        "magic": .int32(42), "bool": .boolean(true), "byte": .int8(42), "short": .int16(42), "int": .int32(42),
        "long": .int64(42), "float": .float32(42), "double": .float64(42), "string": .string("55.121.20.20"),
        "bigdec": .decimal(ConnectDecimal("42.0")!), "list": .array([.int32(42)]),
        "map": Golden.map(["key": .string("value")]),
    ])

    static func transform(_ fields: [String], _ replacement: String?) throws -> MaskField {
        var config = ["fields": fields.joined(separator: ","), "replace.null.with.default": "false"]
        config["replacement"] = replacement
        return try MaskField(.value, config: config)
    }
    static func record(_ schema: Schema?, _ value: Value) -> SinkRecord {
        SinkRecord(
            topic: "", kafkaPartition: 0, kafkaOffset: 0, keySchema: nil, key: .null, valueSchema: schema, value: value,
            timestamp: nil)
    }

    // MaskFieldTest testSchemaless
    @Test func schemalessEmptiesEachType() throws {
        let fields = ["bool", "byte", "short", "int", "long", "float", "double", "string", "bigdec", "list", "map"]
        let r = try #require(try Self.transform(fields, nil).apply(Self.record(nil, Self.schemaless)))
        let expected: [String: Value] = [
            "magic": .int32(42), "bool": .boolean(false), "byte": .int8(0), "short": .int16(0), "int": .int32(0),
            "long": .int64(0), "float": .float32(0), "double": .float64(0), "string": .string(""), "list": .array([]),
            "map": .map([]),
        ]
        for (name, v) in expected { #expect(Golden.get(r.value, name) == v, "\(name)") }
        // Kafka gives BigDecimal.ZERO (scale 0); we keep the value's scale (docs/transforms.md).
        #expect(Golden.get(r.value, "bigdec") == .decimal(ConnectDecimal(unscaled: [0], scale: 1)))
    }

    // MaskFieldTest testWithSchema, testNullListAndMapReplacementsAreMutable (the empty list and map)
    @Test func withSchemaEmptiesEachType() throws {
        let fields = Self.schema.fields.map(\.name).filter { $0 != "magic" }
        let r = try #require(try Self.transform(fields, nil).apply(Self.record(Self.schema, Self.withSchema)))
        let expected: [String: Value] = [
            "magic": .int32(42), "bool": .boolean(false), "byte": .int8(0), "short": .int16(0), "int": .int32(0),
            "long": .int64(0), "float": .float32(0), "double": .float64(0), "string": .string(""), "date": .int32(0),
            "time": .int32(0), "timestamp": .int64(0), "decimal": .decimal(ConnectDecimal("0")!), "array": .array([]),
            "map": .map([]), "withDefault": .null,
        ]
        for (name, v) in expected { #expect(Golden.get(r.value, name) == v, "\(name)") }
    }

    // MaskFieldTest testSchemalessWithReplacement (BigInteger left out)
    @Test(arguments: [
        ("short", Value.int16(123)), ("byte", .int8(123)), ("int", .int32(123)), ("long", .int64(123)),
        ("float", .float32(123)), ("double", .float64(123)), ("string", .string("123")),
    ])
    func schemalessWithReplacement(field: String, expected: Value) throws {
        let r = try Self.transform([field], "123").apply(Self.record(nil, Self.schemaless))
        #expect(Golden.get(r?.value ?? .null, field) == expected)
        let decimal = try Self.transform(["bigdec"], "123.0").apply(Self.record(nil, Self.schemaless))
        #expect(Golden.get(decimal?.value ?? .null, "bigdec") == .decimal(ConnectDecimal("123.0")!))
    }

    // MaskFieldTest testWithSchemaAndReplacement
    @Test(arguments: [
        ("short", "123", Value.int16(123)), ("byte", "123", .int8(123)), ("int", "123", .int32(123)),
        ("long", "123", .int64(123)), ("float", "123.0", .float32(123)), ("double", "123.0", .float64(123)),
        ("string", "123", .string("123")), ("decimal", "123.0", .decimal(ConnectDecimal("123.0")!)),
    ])
    func withSchemaAndReplacement(field: String, replacement: String, expected: Value) throws {
        let r = try Self.transform([field], replacement).apply(Self.record(Self.schema, Self.withSchema))
        #expect(Golden.get(r?.value ?? .null, field) == expected)
    }

    // MaskFieldTest testSchemalessUnsupportedReplacementType (bool, list, map; the Date cases have no
    // schemaless equivalent here)
    @Test(arguments: [["bool"], ["list"], ["map"]])
    func schemalessUnsupportedReplacement(fields: [String]) throws {
        let t = try Self.transform(fields, "x")
        #expect(
            Golden.message { try t.apply(Self.record(nil, Self.schemaless)) }?.hasPrefix("Cannot mask value of type")
                == true)
    }

    // MaskFieldTest testWithSchemaUnsupportedReplacementType
    @Test(arguments: ["time", "timestamp", "array"])
    func withSchemaUnsupportedReplacement(field: String) throws {
        let t = try Self.transform([field], "123")
        #expect(
            Golden.message { try t.apply(Self.record(Self.schema, Self.withSchema)) }?.hasPrefix(
                "Cannot mask value of type")
                == true)
    }

    // MaskFieldTest testReplacementTypeMismatch (bigint and the Date/Object replacements have no equivalent)
    @Test(arguments: [["byte"], ["short"], ["int"], ["long"], ["float"], ["double"], ["bigdec"], ["string", "int"]])
    func replacementTypeMismatch(fields: [String]) throws {
        let t = try Self.transform(fields, "foo")
        #expect(throws: ConnectError.self) { try t.apply(Self.record(nil, Self.schemaless)) }
    }

    // MaskFieldTest testEmptyStringReplacementValue
    @Test func emptyReplacementIsRefused() {
        #expect(throws: ConfigException.self) { try Self.transform(["short"], "") }
    }
}

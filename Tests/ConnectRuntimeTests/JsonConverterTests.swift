import ConnectAPI
import Testing

@testable import ConnectJSON
@testable import ConnectRuntime

@Suite struct JsonConverterTests {
    // The reference's example record (kafka-connect.md §3.1), byte for byte.
    static let orderSchema = Schema.struct(
        [
            ("id", .int32), ("name", .optionalString), ("price", LogicalType.decimal(scale: 2)),
            ("tags", Schema.array(.string, optional: true)),
        ], name: "com.example.Order", version: 1)

    @Test func envelopeMatchesKafkaConnectBytes() throws {
        let c = try JsonConverter(config: [:])
        let value = Struct(
            schema: Self.orderSchema,
            values: [.int32(1), .string("x"), .decimal(ConnectDecimal("123.45")!), .array([.string("a")])])
        let bytes = try #require(try c.fromConnectData(topic: "t", schema: Self.orderSchema, value: .struct(value)))
        let expected =
            #"{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},{"type":"array","items":{"type":"string","optional":false},"optional":true,"field":"tags"}],"optional":false,"name":"com.example.Order","version":1},"payload":{"id":1,"name":"x","price":"MDk=","tags":["a"]}}"#
        #expect(String(decoding: bytes, as: UTF8.self) == expected)

        // And back: the same schema and value.
        let back = try c.toConnectData(topic: "t", bytes: bytes)
        #expect(back.schema == Self.orderSchema)
        #expect(back.value == .struct(value))
    }

    @Test func schemalessAndNumericDecimals() throws {
        let c = try JsonConverter(config: ["schemas.enable": "false", "decimal.format": "NUMERIC"])
        let s = Schema.struct([("p", LogicalType.decimal(scale: 2)), ("d", .float64), ("f", .float32)])
        let v = Struct(schema: s, values: [.decimal(ConnectDecimal("-0.50")!), .float64(1e7), .float32(0.5)])
        let bytes = try #require(try c.fromConnectData(topic: "t", schema: s, value: .struct(v)))
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"p":-0.50,"d":1.0E7,"f":0.5}"#)
    }

    @Test func nullWithoutSchemaIsATombstone() throws {
        #expect(try JsonConverter(config: [:]).fromConnectData(topic: "t", schema: nil, value: .null) == nil)
    }

    @Test func requiredNullFails() throws {
        let c = try JsonConverter(config: [:])
        #expect(throws: ConnectError.self) { try c.fromConnectData(topic: "t", schema: .string, value: .null) }
    }

    @Test func plainJsonWithSchemasEnabledGivesKafkasHint() throws {
        let c = try JsonConverter(config: [:])
        do {
            _ = try c.toConnectData(topic: "t", bytes: Array(#"{"a":1}"#.utf8))
            Issue.record("expected a DataException")
        } catch let e as ConnectError {
            #expect(e.message.hasPrefix("JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields"))
        }
    }

    @Test func schemalessInference() throws {
        let c = try JsonConverter(config: ["schemas.enable": "false"])
        let v = try c.toConnectData(topic: "t", bytes: Array(#"{"i":1,"d":1.5,"s":"x","b":true,"a":[null]}"#.utf8))
        #expect(v.schema == nil)
        #expect(
            v.value
                == .map([
                    MapEntry(key: .string("i"), value: .int64(1)), MapEntry(key: .string("d"), value: .float64(1.5)),
                    MapEntry(key: .string("s"), value: .string("x")),
                    MapEntry(key: .string("b"), value: .boolean(true)),
                    MapEntry(key: .string("a"), value: .array([.null])),
                ]))
    }

    @Test func rejectsUnknownDecimalFormat() {
        #expect(throws: ConfigException.self) { try JsonConverter(config: ["decimal.format": "HEX"]) }
    }
}

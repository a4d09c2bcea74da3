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

    @Test func envelopeRangesFindSchemaAndPayloadOnlyInJsonConvertersShape() throws {
        func ranges(_ text: String) -> (String, String)? {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { raw in
                JSONEnvelope.ranges(raw).map {
                    (
                        String(decoding: bytes[$0.schema], as: UTF8.self),
                        String(decoding: bytes[$0.payload], as: UTF8.self)
                    )
                }
            }
        }
        let tricky = #"{"type":"string","doc":"a \"}\" and [ ] { }"}"#
        #expect(ranges(#" { "schema" : "# + tricky + #" , "payload" : "x}" } "#)! == (tricky, #""x}""#))
        #expect(ranges(#"{"schema":null,"payload":[1,{"a":[2]}]}"#)! == ("null", #"[1,{"a":[2]}]"#))
        #expect(ranges(#"{"schema":null,"payload":12.5e3}"#)! == ("null", "12.5e3"))
        #expect(ranges(#"{"payload":1,"schema":null}"#) == nil)  // another order: the general path
        // The payload is the rest up to the closing brace; the converter's parse of it refuses two values.
        #expect(ranges(#"{"schema":null,"payload":1,"extra":2}"#)! == ("null", #"1,"extra":2"#))
        #expect(ranges(#"{"schema":null,"payload":1} x"#) == nil)
        #expect(ranges(#"{"schema":null,"payload": }"#) == nil)
        #expect(ranges(#"{"schema":{"type":"string","payload":1}"#) == nil)  // runs off the end
    }

    /// The fast path (schema recognized by its bytes) gives what the general one gives, and its errors.
    @Test func envelopesWithRepeatedSchemasConvertLikeTheGeneralPath() throws {
        let c = try JsonConverter(config: [:])
        let schema = #"{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"}],"optional":false}"#
        let first = try c.toConnectData(topic: "t", bytes: Array(#"{"schema":\#(schema),"payload":{"id":1}}"#.utf8))
        let second = try c.toConnectData(topic: "t", bytes: Array(#"{"schema":\#(schema),"payload":{"id":2}}"#.utf8))
        #expect(first.schema === second.schema)  // found by its bytes, not parsed again
        #expect(second.value.structValue?.values == [.int64(2)])
        // The same schema with other whitespace, and members in another order (the general path).
        let spaced = try c.toConnectData(
            topic: "t", bytes: Array(#"{ "schema" : \#(schema) , "payload" : { "id" : 3 } }"#.utf8))
        #expect(spaced.schema == first.schema && spaced.value.structValue?.values == [.int64(3)])
        let reordered = try c.toConnectData(topic: "t", bytes: Array(#"{"payload":{"id":4},"schema":\#(schema)}"#.utf8))
        #expect(reordered.value.structValue?.values == [.int64(4)])
        // A broken payload or schema is a serialization error; a payload that does not fit the schema a
        // data error naming the type.
        for bad in [#"{"schema":\#(schema),"payload":{"id":}}"#, #"{"schema":{"type":},"payload":1}"#] {
            do {
                _ = try c.toConnectData(topic: "t", bytes: Array(bad.utf8))
                Issue.record("accepted \(bad)")
            } catch let e as ConnectError {
                #expect(
                    e.message.hasPrefix("Converting byte[] to Kafka Connect data failed due to serialization error"))
            }
        }
        #expect(throws: ConnectError.self) {
            try c.toConnectData(topic: "t", bytes: Array(#"{"schema":\#(schema),"payload":{"id":"x"}}"#.utf8))
        }
        do {
            _ = try c.toConnectData(topic: "t", bytes: Array(#"{"schema":\#(schema),"payload":{"id":1},"x":2}"#.utf8))
            Issue.record("an extra member was accepted")
        } catch let e as ConnectError {
            #expect(e.message.hasPrefix("JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields"))
        }
        let null = try c.toConnectData(topic: "t", bytes: Array(#"{"schema":null,"payload":{"a":1}}"#.utf8))
        #expect(null.schema == nil && null.value == .map([MapEntry(key: .string("a"), value: .int64(1))]))
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

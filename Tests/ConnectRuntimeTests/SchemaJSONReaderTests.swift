import ConnectAPI
import Testing

@testable import ConnectJSON

/// `SchemaJSONReader` must read a payload as JsonConverter's general path does (parse, then
/// `connectValue`), or answer nil and leave it to that path: never a different value, never a value where
/// the general path fails.
struct SchemaJSONReaderTests {
    static let inner = Schema.struct([("x", .int32), ("label", .optionalString)], name: "inner")
    static let schema = Schema.struct(
        [
            ("id", .int64), ("name", .string), ("amount", .float64), ("ratio", .float32), ("ok", .boolean),
            ("small", .int8), ("mid", .int16), ("qty", .int32), ("note", .optionalString), ("inner", inner),
        ], name: "rec")

    func general(_ text: String, _ schema: Schema, replaceNullWithDefault: Bool = true) -> Value? {
        let converter = try! JsonConverter(
            config: ["replace.null.with.default": String(replaceNullWithDefault)])
        guard let json = try? JSONParser.parse(Array(text.utf8), allowingLeadingZeros: true) else { return nil }
        return try? converter.connectValue(schema: schema, json: json)
    }

    func fast(_ text: String, _ schema: Schema, replaceNullWithDefault: Bool = true) -> Value? {
        Array(text.utf8).withUnsafeBytes {
            SchemaJSONReader.value($0, schema: schema, replaceNullWithDefault: replaceNullWithDefault)
        }
    }

    static let full =
        #"{"id":42,"name":"row 42","amount":12.5,"ratio":0.25,"ok":true,"small":-8,"mid":300,"qty":7,"note":null,"inner":{"x":1,"label":"a"}}"#

    @Test(arguments: [
        full,
        // members in another order, whitespace between tokens, optional fields missing
        #" { "inner" : { "x" : -1 } , "qty":7,"mid":1,"small":0,"ok":false,"ratio":1,"amount":-0,"name":"","id":-9 } "#,
        // floats as Java writes them and as people do, integers into floats, non-ASCII text
        #"{"id":123456789012345678,"name":"Zürich 東京 😀","amount":1.0E-7,"ratio":3.4028235E38,"ok":true,"small":127,"mid":-32768,"qty":2147483647,"note":"n","inner":{"x":0,"label":null}}"#,
        #"{"id":-0,"name":"x","amount":123456789012345678901234567890,"ratio":-2.5e-3,"ok":false,"small":-128,"mid":0,"qty":-2147483648,"inner":{"x":5}}"#,
    ])
    func commonPayloadsAreReadAsTheGeneralPathReadsThem(_ text: String) throws {
        let expected = try #require(general(text, Self.schema))
        let value = try #require(fast(text, Self.schema))
        #expect(value == expected)
    }

    /// Short decimals take `Double(exactDecimal:)`, the rest the text parser: both give the parser's Double.
    @Test(arguments: [
        "0.1", "-0.1", "12.5", "0.30000000000000004", "999999.99", "-123456789012.345", "123456789012345.6",
        "1234567890123.4567", "0.000000000000001", "9007199254740993", "1.7976931348623157e308", "5e-324",
        "-0.0", "100.00",
    ])
    func decimalsAreTheParsersDoubles(_ amount: String) throws {
        let text =
            #"{"id":1,"name":"a","amount":"# + amount + #","ratio":"# + amount
            + #","ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#
        let expected = try #require(general(text, Self.schema))
        let value = try #require(fast(text, Self.schema))
        #expect(value == expected)
        guard case .struct(let s) = value, case .float64(let d) = s.values[2] else {
            Issue.record("amount is not a float64")
            return
        }
        #expect(d.bitPattern == Double(amount)!.bitPattern)
    }

    @Test(arguments: [
        // The general path reads these (or fails on them); the reader leaves them to it.
        #"{"id":1.0,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1e2,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":007,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1234567890123456789,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a\"b","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"n\u0061me":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1},"extra":[1]}"#,
        #"{"id":1,"id":2,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        // failures of the general path: required field missing or null, out of range, wrong type, broken
        #"{"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":null,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":true,"small":128,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":32768,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":2147483648,"inner":{"x":1}}"#,
        #"{"id":"1","name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":1,"amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":"1","ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":1,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":[1]}"#,
        #"{"id":1,"name":"a\u0001","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}} x"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1},}"#,
        #"{"id":-,"name":"a","amount":1,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":1.,"ratio":1,"ok":true,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        #"{"id":1,"name":"a","amount":1,"ratio":1,"ok":tru,"small":1,"mid":1,"qty":1,"inner":{"x":1}}"#,
        "null", "[]", "", "42",
    ])
    func unusualPayloadsAreLeftToTheGeneralPath(_ text: String) {
        #expect(fast(text, Self.schema) == nil)
    }

    @Test func aNullOrMissingFieldWithADefaultIsLeftToTheGeneralPath() throws {
        let withDefault = Schema.struct(
            [("id", .int64), ("n", Schema(type: .int32, optional: true, defaultValue: .int32(5)))], name: "d")
        #expect(fast(#"{"id":1,"n":null}"#, withDefault) == nil)
        #expect(fast(#"{"id":1}"#, withDefault) == nil)
        // Without replacing nulls by defaults, JSON null is simply null.
        let expected = try #require(general(#"{"id":1,"n":null}"#, withDefault, replaceNullWithDefault: false))
        #expect(fast(#"{"id":1,"n":null}"#, withDefault, replaceNullWithDefault: false) == expected)
        #expect(fast(#"{"id":1,"n":7}"#, withDefault) == general(#"{"id":1,"n":7}"#, withDefault))
    }

    @Test func bytesDecimalsArraysAndMapsAreLeftToTheGeneralPath() {
        for (schema, text) in [
            (Schema.struct([("b", .bytes)], name: "b"), #"{"b":"AQI="}"#),
            (Schema.struct([("d", LogicalType.decimal(scale: 2))], name: "d"), #"{"d":"AQI="}"#),
            (Schema.struct([("a", .array(.int32))], name: "a"), #"{"a":[1,2]}"#),
            (Schema.struct([("m", .map(.string, .int32))], name: "m"), #"{"m":{"k":1}}"#),
        ] {
            #expect(general(text, schema) != nil)
            #expect(fast(text, schema) == nil)
        }
    }

    @Test func theConverterReadsEnvelopesThroughTheReaderAsBefore() throws {
        let converter = try JsonConverter(config: [:])
        var envelope: [UInt8] = []
        let value = try #require(general(Self.full, Self.schema))
        _ = try converter.fromConnectData(topic: "t", schema: Self.schema, value: value, into: &envelope)
        // Twice: the second read finds the schema cached and takes the reader.
        for _ in 0..<2 {
            let read = try converter.toConnectData(topic: "t", bytes: envelope)
            #expect(read.value == value)
            #expect(read.schema == Self.schema)
        }
    }

    @Test func aStructWithTooFewValuesIsAnErrorNotARead() throws {
        let schema = Schema.struct([("a", .int32), ("b", .string)], name: "pair")
        let converter = try JsonConverter(config: ["schemas.enable": "false"])
        var out: [UInt8] = []
        let short = Value.struct(Struct(schema: schema, values: [.int32(1)]))
        #expect(throws: ConnectError.self) {
            _ = try converter.fromConnectData(topic: "t", schema: schema, value: short, into: &out)
        }
    }

    @Test func fieldNamesAreWrittenAndMatchedByTheSchemasPrefixes() throws {
        // Each field's `"name":` is kept once per schema, back to back: names of different lengths, one
        // JSON escapes and one not ASCII must come out whole and in order, and be matched on reading.
        let schema = Schema.struct(
            [("a", .int32), ("quo\"te", .string), ("Zürich", .float64), ("long_field_name", .boolean)], name: "names")
        let value = Value.struct(
            Struct(schema: schema, values: [.int32(1), .string("x\"y\n"), .float64(2.5), .boolean(false)]))
        let converter = try JsonConverter(config: ["schemas.enable": "false"])
        var out: [UInt8] = []
        _ = try converter.fromConnectData(topic: "t", schema: schema, value: value, into: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text == #"{"a":1,"quo\"te":"x\"y\n","Zürich":2.5,"long_field_name":false}"#)
        #expect(general(text, schema) == value)
        // The reader matches unescaped names against the prefixes (an escaped one it leaves to the general
        // path): with the escaped field renamed, it reads the same bytes' other fields itself.
        let plain = Schema.struct(
            [("a", .int32), ("b", .string), ("Zürich", .float64), ("long_field_name", .boolean)], name: "names")
        let plainText = #"{"long_field_name":true,"Zürich":-1.5,"b":"s","a":7}"#
        #expect(
            fast(plainText, plain)
                == .struct(Struct(schema: plain, values: [.int32(7), .string("s"), .float64(-1.5), .boolean(true)])))
    }
}

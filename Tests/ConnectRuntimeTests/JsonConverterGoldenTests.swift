import ConnectAPI
import Testing

@testable import ConnectJSON

/// apache/kafka connect/json/src/test/java/org/apache/kafka/connect/json/JsonConverterTest.java and
/// JsonConverterConfigTest.java. Kafka's tests compare parsed JSON trees; here the bytes are compared,
/// in the order Kafka's `JsonConverter` builds its nodes (type, items/keys/values/fields, optional,
/// name, version, doc, parameters, default; a field's name after its schema) and Jackson's compact form.
@Suite struct JsonConverterGoldenTests {
    static let decimalName = LogicalType.decimalName

    static func converter(_ config: [String: String] = [:]) throws -> JsonConverter {
        try JsonConverter(config: config)
    }
    static func toConnect(_ json: String, _ config: [String: String] = [:]) throws -> SchemaAndValue {
        try converter(config).toConnectData(topic: "topic", bytes: Array(json.utf8))
    }
    static func toJSON(_ schema: Schema?, _ value: Value, _ config: [String: String] = [:]) throws -> String? {
        try converter(config).fromConnectData(topic: "topic", schema: schema, value: value).map {
            String(decoding: $0, as: UTF8.self)
        }
    }
    static func envelope(_ schema: String, _ payload: String) -> String {
        #"{"schema":\#(schema),"payload":\#(payload)}"#
    }

    // MARK: toConnectData

    // JsonConverterTest testConnectSchemaMetadataTranslation
    @Test func schemaMetadataToConnect() throws {
        #expect(
            try Self.toConnect(#"{ "schema": { "type": "boolean" }, "payload": true }"#)
                == SchemaAndValue(schema: .boolean, value: .boolean(true)))
        #expect(
            try Self.toConnect(#"{ "schema": { "type": "boolean", "optional": true }, "payload": null }"#)
                == SchemaAndValue(schema: .optionalBoolean, value: .null))
        #expect(
            try Self.toConnect(#"{ "schema": { "type": "boolean", "default": true }, "payload": null }"#)
                == SchemaAndValue(schema: Schema(type: .boolean, defaultValue: .boolean(true)), value: .boolean(true)))
        let described = Schema(
            type: .boolean, name: "bool", version: 2, doc: "the documentation", parameters: [("foo", "bar")])
        #expect(
            try Self.toConnect(
                #"{ "schema": { "type": "boolean", "optional": false, "name": "bool", "version": 2, "doc": "the documentation", "parameters": { "foo": "bar" }}, "payload": true }"#
            ) == SchemaAndValue(schema: described, value: .boolean(true)))
    }

    // JsonConverterTest booleanToConnect, byteToConnect, shortToConnect, intToConnect, longToConnect,
    // numberWithLeadingZerosToConnect, floatToConnect, doubleToConnect, bytesToConnect, stringToConnect
    @Test(arguments: [
        (#"{ "schema": { "type": "boolean" }, "payload": true }"#, Schema.boolean, Value.boolean(true)),
        (#"{ "schema": { "type": "boolean" }, "payload": false }"#, .boolean, .boolean(false)),
        (#"{ "schema": { "type": "int8" }, "payload": 12 }"#, .int8, .int8(12)),
        (#"{ "schema": { "type": "int16" }, "payload": 12 }"#, .int16, .int16(12)),
        (#"{ "schema": { "type": "int32" }, "payload": 12 }"#, .int32, .int32(12)),
        (#"{ "schema": { "type": "int64" }, "payload": 12 }"#, .int64, .int64(12)),
        (#"{ "schema": { "type": "int64" }, "payload": 4398046511104 }"#, .int64, .int64(4_398_046_511_104)),
        (#"{ "schema": { "type": "int8" }, "payload": 0012 }"#, .int8, .int8(12)),
        (#"{ "schema": { "type": "int16" }, "payload": 000123 }"#, .int16, .int16(123)),
        (#"{ "schema": { "type": "int32" }, "payload": 000012345 }"#, .int32, .int32(12345)),
        (#"{ "schema": { "type": "int64" }, "payload": 00000123456789 }"#, .int64, .int64(123_456_789)),
        (#"{ "schema": { "type": "float" }, "payload": 12.34 }"#, .float32, .float32(12.34)),
        (#"{ "schema": { "type": "double" }, "payload": 12.34 }"#, .float64, .float64(12.34)),
        (
            #"{ "schema": { "type": "bytes" }, "payload": "dGVzdC1zdHJpbmc=" }"#, .bytes,
            .bytes(Array("test-string".utf8))
        ),
        (#"{ "schema": { "type": "string" }, "payload": "foo-bar-baz" }"#, .string, .string("foo-bar-baz")),
    ])
    func primitivesToConnect(json: String, schema: Schema, value: Value) throws {
        #expect(try Self.toConnect(json) == SchemaAndValue(schema: schema, value: value))
    }

    // JsonConverterTest arrayToConnect, mapToConnectStringKeys, mapToConnectNonStringKeys
    @Test func containersToConnect() throws {
        #expect(
            try Self.toConnect(
                #"{ "schema": { "type": "array", "items": { "type" : "int32" } }, "payload": [1, 2, 3] }"#)
                == SchemaAndValue(schema: .array(.int32), value: .array([.int32(1), .int32(2), .int32(3)])))
        #expect(
            try Self.toConnect(
                #"{ "schema": { "type": "map", "keys": { "type" : "string" }, "values": { "type" : "int32" } }, "payload": { "key1": 12, "key2": 15} }"#
            )
                == SchemaAndValue(
                    schema: .map(.string, .int32),
                    value: .map([
                        MapEntry(key: .string("key1"), value: .int32(12)),
                        MapEntry(key: .string("key2"), value: .int32(15)),
                    ])))
        #expect(
            try Self.toConnect(
                #"{ "schema": { "type": "map", "keys": { "type" : "int32" }, "values": { "type" : "int32" } }, "payload": [ [1, 12], [2, 15] ] }"#
            )
                == SchemaAndValue(
                    schema: .map(.int32, .int32),
                    value: .map([
                        MapEntry(key: .int32(1), value: .int32(12)), MapEntry(key: .int32(2), value: .int32(15)),
                    ])))
    }

    // JsonConverterTest structToConnect, structWithOptionalFieldToConnect
    @Test func structsToConnect() throws {
        let schema = Schema.struct([("field1", .boolean), ("field2", .string)])
        #expect(
            try Self.toConnect(
                #"{ "schema": { "type": "struct", "fields": [{ "field": "field1", "type": "boolean" }, { "field": "field2", "type": "string" }] }, "payload": { "field1": true, "field2": "string" } }"#
            )
                == SchemaAndValue(
                    schema: schema, value: .struct(Struct(schema: schema, values: [.boolean(true), .string("string")])))
        )
        let optional = Schema.struct([("optional", .optionalString), ("required", .string)])
        #expect(
            try Self.toConnect(
                #"{ "schema": { "type": "struct", "fields": [{ "field":"optional", "type": "string", "optional": true }, {  "field": "required", "type": "string" }] }, "payload": { "required": "required" } }"#
            )
                == SchemaAndValue(
                    schema: optional, value: .struct(Struct(schema: optional, values: [.null, .string("required")]))))
    }

    // JsonConverterTest nullToConnect, emptyBytesToConnect, noSchemaToConnect, schemalessWithEmptyFieldValueToConnect
    @Test func nullsAndSchemaless() throws {
        #expect(try Self.converter().toConnectData(topic: "topic", bytes: nil) == .null)
        let schemaless = try Self.converter(["schemas.enable": "false"])
        #expect(try schemaless.toConnectData(topic: "topic", bytes: []) == .null)
        #expect(
            try schemaless.toConnectData(topic: "topic", bytes: Array("true".utf8))
                == SchemaAndValue(schema: nil, value: .boolean(true)))
        #expect(
            try schemaless.toConnectData(topic: "topic", bytes: Array(#"{ "a": "", "b": null}"#.utf8))
                == SchemaAndValue(
                    schema: nil,
                    value: .map([
                        MapEntry(key: .string("a"), value: .string("")), MapEntry(key: .string("b"), value: .null),
                    ])))
    }

    // JsonConverterTest nullSchemaPrimitiveToConnect
    @Test func nullSchemaPrimitivesToConnect() throws {
        #expect(try Self.toConnect(#"{ "schema": null, "payload": null }"#) == .null)
        #expect(
            try Self.toConnect(#"{ "schema": null, "payload": true }"#)
                == SchemaAndValue(schema: nil, value: .boolean(true)))
        #expect(
            try Self.toConnect(#"{ "schema": null, "payload": 12 }"#) == SchemaAndValue(schema: nil, value: .int64(12)))
        #expect(
            try Self.toConnect(#"{ "schema": null, "payload": 12.24 }"#)
                == SchemaAndValue(schema: nil, value: .float64(12.24)))
        #expect(
            try Self.toConnect(#"{ "schema": null, "payload": "a string" }"#)
                == SchemaAndValue(schema: nil, value: .string("a string")))
        #expect(
            try Self.toConnect(#"{ "schema": null, "payload": [1, "2", 3] }"#)
                == SchemaAndValue(schema: nil, value: .array([.int64(1), .string("2"), .int64(3)])))
        #expect(
            try Self.toConnect(#"{ "schema": null, "payload": { "field1": 1, "field2": 2} }"#)
                == SchemaAndValue(
                    schema: nil,
                    value: .map([
                        MapEntry(key: .string("field1"), value: .int64(1)),
                        MapEntry(key: .string("field2"), value: .int64(2)),
                    ])))
    }

    static let decimal156 = Value.decimal(ConnectDecimal("1.56")!)

    // JsonConverterTest decimalToConnect, decimalToConnectOptional, decimalToConnectWithDefaultValue,
    // decimalToConnectOptionalWithDefaultValue, numericDecimalToConnect, numericDecimalWithTrailingZerosToConnect,
    // highPrecisionNumericDecimalToConnect
    @Test func decimalsToConnect() throws {
        let head = #"{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "#
        #expect(
            try Self.toConnect(head + #""parameters": { "scale": "2" } }, "payload": "AJw=" }"#)
                == SchemaAndValue(schema: LogicalType.decimal(scale: 2), value: Self.decimal156))
        #expect(
            try Self.toConnect(head + #""optional": true, "parameters": { "scale": "2" } }, "payload": null }"#)
                == SchemaAndValue(schema: LogicalType.decimal(scale: 2, optional: true), value: .null))
        let withDefault = Schema(
            type: .bytes, defaultValue: Self.decimal156, name: Self.decimalName, version: 1,
            parameters: [("scale", "2")])
        #expect(
            try Self.toConnect(head + #""default": "AJw=", "parameters": { "scale": "2" } }, "payload": null }"#)
                == SchemaAndValue(schema: withDefault, value: Self.decimal156))
        let optionalDefault = Schema(
            type: .bytes, optional: true, defaultValue: Self.decimal156, name: Self.decimalName, version: 1,
            parameters: [("scale", "2")])
        #expect(
            try Self.toConnect(
                head + #""optional": true, "default": "AJw=", "parameters": { "scale": "2" } }, "payload": null }"#)
                == SchemaAndValue(schema: optionalDefault, value: Self.decimal156))
        #expect(
            try Self.toConnect(head + #""parameters": { "scale": "2" } }, "payload": 1.56 }"#)
                == SchemaAndValue(schema: LogicalType.decimal(scale: 2), value: Self.decimal156))
        #expect(
            try Self.toConnect(head + #""parameters": { "scale": "4" } }, "payload": 1.5600 }"#)
                == SchemaAndValue(schema: LogicalType.decimal(scale: 4), value: .decimal(ConnectDecimal("1.5600")!)))
        #expect(
            try Self.toConnect(head + #""parameters": { "scale": "17" } }, "payload": 1.23456789123456789 }"#)
                == SchemaAndValue(
                    schema: LogicalType.decimal(scale: 17), value: .decimal(ConnectDecimal("1.23456789123456789")!)))
    }

    // JsonConverterTest dateToConnect, dateToConnectOptional, dateToConnectWithDefaultValue,
    // dateToConnectOptionalWithDefaultValue, and the same for Time and Timestamp
    @Test(arguments: [
        ("int32", LogicalType.dateName, "10000", Value.int32(10000), Value.int32(0), "0"),
        ("int32", LogicalType.timeName, "14400000", .int32(14_400_000), .int32(0), "0"),
        ("int64", LogicalType.timestampName, "4000000000", .int64(4_000_000_000), .int64(42), "42"),
    ])
    func temporalsToConnect(
        type: String, name: String, payload: String, value: Value, defaultValue: Value, defaultJSON: String
    ) throws {
        let head = #"{ "schema": { "type": "\#(type)", "name": "\#(name)", "version": 1"#
        let schemaType: Schema.SchemaType = type == "int32" ? .int32 : .int64
        #expect(
            try Self.toConnect(head + #" }, "payload": \#(payload) }"#)
                == SchemaAndValue(schema: Schema(type: schemaType, name: name, version: 1), value: value))
        #expect(
            try Self.toConnect(head + #", "optional": true }, "payload": null }"#)
                == SchemaAndValue(
                    schema: Schema(type: schemaType, optional: true, name: name, version: 1), value: .null))
        #expect(
            try Self.toConnect(head + #", "default": \#(defaultJSON) }, "payload": null }"#)
                == SchemaAndValue(
                    schema: Schema(type: schemaType, defaultValue: defaultValue, name: name, version: 1),
                    value: defaultValue))
        #expect(
            try Self.toConnect(head + #", "optional": true, "default": \#(defaultJSON) }, "payload": null }"#)
                == SchemaAndValue(
                    schema: Schema(
                        type: schemaType, optional: true, defaultValue: defaultValue, name: name, version: 1),
                    value: defaultValue))
    }

    // JsonConverterTest stringHeaderToConnect
    @Test func stringHeaderToConnect() throws {
        let header = try Self.converter().toConnectHeader(
            topic: "topic", key: "headerName",
            bytes: Array(#"{ "schema": { "type": "string" }, "payload": "foo-bar-baz" }"#.utf8))
        #expect(header == SchemaAndValue(schema: .string, value: .string("foo-bar-baz")))
    }

    // JsonConverterTest deserializeNullToDefault, deserializeNullToNull, deserializeFieldNullToDefault,
    // deserializeFieldNullToNull
    @Test(arguments: [true, false])
    func deserializeNulls(replaceNullWithDefault: Bool) throws {
        let config = ["replace.null.with.default": String(replaceNullWithDefault)]
        let top = try Self.toConnect(
            #"{"schema":{"type":"string","optional":true,"default":"default"},"payload":null}"#, config)
        #expect(top.value == (replaceNullWithDefault ? .string("default") : .null))
        let field = try Self.toConnect(
            #"{"schema":{"type":"struct","fields":[{"field":"field1","type":"string","optional":true,"default":"default"}],"optional":false},"payload":{"field1":null}}"#,
            config)
        let schema = Schema.struct([("field1", Schema(type: .string, optional: true, defaultValue: .string("default")))]
        )
        #expect(
            field.value
                == .struct(Struct(schema: schema, values: [replaceNullWithDefault ? .string("default") : .null])))
    }

    // MARK: fromConnectData

    // JsonConverterTest testJsonSchemaMetadataTranslation, booleanToJson
    @Test func schemaMetadataToJSON() throws {
        #expect(
            try Self.toJSON(.boolean, .boolean(true)) == Self.envelope(#"{"type":"boolean","optional":false}"#, "true"))
        #expect(
            try Self.toJSON(.optionalBoolean, .null) == Self.envelope(#"{"type":"boolean","optional":true}"#, "null"))
        #expect(
            try Self.toJSON(Schema(type: .boolean, defaultValue: .boolean(true)), .boolean(true))
                == Self.envelope(#"{"type":"boolean","optional":false,"default":true}"#, "true"))
        let described = Schema(
            type: .boolean, name: "bool", version: 3, doc: "the documentation", parameters: [("foo", "bar")])
        #expect(
            try Self.toJSON(described, .boolean(true))
                == Self.envelope(
                    #"{"type":"boolean","optional":false,"name":"bool","version":3,"doc":"the documentation","parameters":{"foo":"bar"}}"#,
                    "true"))
    }

    // JsonConverterTest byteToJson, shortToJson, intToJson, longToJson, floatToJson, doubleToJson, bytesToJson,
    // stringToJson, testStringHeaderToJson (through fromConnectHeader below)
    @Test(arguments: [
        (Schema.int8, Value.int8(12), "int8", "12"), (.int16, .int16(12), "int16", "12"),
        (.int32, .int32(12), "int32", "12"),
        (.int64, .int64(4_398_046_511_104), "int64", "4398046511104"), (.float32, .float32(12.34), "float", "12.34"),
        (.float64, .float64(12.34), "double", "12.34"),
        (.bytes, .bytes(Array("test-string".utf8)), "bytes", #""dGVzdC1zdHJpbmc=""#),
        (.string, .string("test-string"), "string", #""test-string""#),
    ])
    func primitivesToJSON(schema: Schema, value: Value, type: String, payload: String) throws {
        #expect(try Self.toJSON(schema, value) == Self.envelope(#"{"type":"\#(type)","optional":false}"#, payload))
    }

    @Test func stringHeaderToJSON() throws {
        let bytes = try Self.converter().fromConnectHeader(
            topic: "topic", key: "headerName", schema: .string, value: .string("test-string"))
        #expect(
            bytes.map { String(decoding: $0, as: UTF8.self) }
                == Self.envelope(#"{"type":"string","optional":false}"#, #""test-string""#))
    }

    // JsonConverterTest arrayToJson, mapToJsonStringKeys, mapToJsonNonStringKeys
    @Test func containersToJSON() throws {
        #expect(
            try Self.toJSON(.array(.int32), .array([.int32(1), .int32(2), .int32(3)]))
                == Self.envelope(
                    #"{"type":"array","items":{"type":"int32","optional":false},"optional":false}"#, "[1,2,3]"))
        let entries = [
            MapEntry(key: .string("key1"), value: .int32(12)), MapEntry(key: .string("key2"), value: .int32(15)),
        ]
        #expect(
            try Self.toJSON(.map(.string, .int32), .map(entries))
                == Self.envelope(
                    #"{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false}"#,
                    #"{"key1":12,"key2":15}"#))
        let intKeys = [MapEntry(key: .int32(1), value: .int32(12)), MapEntry(key: .int32(2), value: .int32(15))]
        #expect(
            try Self.toJSON(.map(.int32, .int32), .map(intKeys))
                == Self.envelope(
                    #"{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false}"#,
                    "[[1,12],[2,15]]"))
    }

    // JsonConverterTest structToJson, structSchemaIdentical
    @Test func structToJSON() throws {
        let schema = Schema.struct([
            ("field1", .boolean), ("field2", .string), ("field3", .string), ("field4", .boolean),
        ])
        let value = Struct(
            schema: schema, values: [.boolean(true), .string("string2"), .string("string3"), .boolean(false)])
        #expect(
            try Self.toJSON(schema, .struct(value))
                == Self.envelope(
                    #"{"type":"struct","fields":[{"type":"boolean","optional":false,"field":"field1"},{"type":"string","optional":false,"field":"field2"},{"type":"string","optional":false,"field":"field3"},{"type":"boolean","optional":false,"field":"field4"}],"optional":false}"#,
                    #"{"field1":true,"field2":"string2","field3":"string3","field4":false}"#))
        // A struct of an equal (not the same) schema converts too, and keeps its own schema.
        let other = Schema.struct([
            ("field1", .boolean), ("field2", .string), ("field3", .string), ("field4", .boolean),
        ])
        let input = Struct(schema: other, values: value.values)
        _ = try Self.toJSON(schema, .struct(input))
        #expect(input.schema == schema)
    }

    static let decimalSchemaJSON =
        #"{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}"#

    // JsonConverterTest decimalToJson, decimalToNumericJson, decimalWithTrailingZerosToNumericJson,
    // decimalToJsonWithoutSchema
    @Test func decimalsToJSON() throws {
        #expect(
            try Self.toJSON(LogicalType.decimal(scale: 2), Self.decimal156)
                == Self.envelope(Self.decimalSchemaJSON, #""AJw=""#))
        #expect(
            try Self.toJSON(LogicalType.decimal(scale: 2), Self.decimal156, ["decimal.format": "NUMERIC"])
                == Self.envelope(Self.decimalSchemaJSON, "1.56"))
        #expect(
            try Self.toJSON(
                LogicalType.decimal(scale: 4), .decimal(ConnectDecimal("1.5600")!), ["decimal.format": "NUMERIC"])
                == Self.envelope(Self.decimalSchemaJSON.replacingOccurrences("\"2\"", "\"4\""), "1.5600"))
        #expect(throws: ConnectError.self) { try Self.toJSON(nil, Self.decimal156) }
    }

    // JsonConverterTest dateToJson, timeToJson, timestampToJson
    @Test func temporalsToJSON() throws {
        #expect(
            try Self.toJSON(LogicalType.date(), .int32(10000))
                == Self.envelope(
                    #"{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1}"#,
                    "10000"))
        #expect(
            try Self.toJSON(LogicalType.time(), .int32(14_400_000))
                == Self.envelope(
                    #"{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1}"#,
                    "14400000"))
        #expect(
            try Self.toJSON(LogicalType.timestamp(), .int64(4_000_000_000))
                == Self.envelope(
                    #"{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1}"#,
                    "4000000000"))
    }

    // JsonConverterTest nullSchemaAndPrimitiveToJson, nullSchemaAndArrayToJson, nullSchemaAndMapToJson,
    // nullSchemaAndMapNonStringKeysToJson
    @Test func nullSchemaToJSON() throws {
        #expect(try Self.toJSON(nil, .boolean(true)) == Self.envelope("null", "true"))
        #expect(
            try Self.toJSON(nil, .array([.int32(1), .string("string"), .boolean(true)]))
                == Self.envelope("null", #"[1,"string",true]"#))
        let map = Value.map([
            MapEntry(key: .string("key1"), value: .int32(12)), MapEntry(key: .string("key2"), value: .string("string")),
            MapEntry(key: .string("key3"), value: .boolean(true)),
        ])
        #expect(try Self.toJSON(nil, map) == Self.envelope("null", #"{"key1":12,"key2":"string","key3":true}"#))
        let mixed = Value.map([
            MapEntry(key: .string("string"), value: .int32(12)), MapEntry(key: .int32(52), value: .string("string")),
            MapEntry(key: .boolean(false), value: .boolean(true)),
        ])
        #expect(try Self.toJSON(nil, mixed) == Self.envelope("null", #"[["string",12],[52,"string"],[false,true]]"#))
    }

    // JsonConverterTest nullSchemaAndNullValueToJson, nullValueToJson, noSchemaToJson
    @Test func tombstonesAndNoSchema() throws {
        #expect(try Self.toJSON(nil, .null, ["schemas.enable": "true"]) == nil)
        #expect(try Self.toJSON(nil, .null, ["schemas.enable": "false"]) == nil)
        #expect(try Self.toJSON(nil, .boolean(true), ["schemas.enable": "false"]) == "true")
    }

    // JsonConverterTest mismatchSchemaJson
    @Test func mismatchSchema() throws {
        #expect(throws: ConnectError.self) { try Self.toJSON(.float64, .boolean(true)) }
    }

    // JsonConverterTest serializeNullToDefault, serializeNullToNull, serializeFieldNullToDefault, serializeFieldNullToNull
    @Test(arguments: [true, false])
    func serializeNulls(replaceNullWithDefault: Bool) throws {
        let config = ["replace.null.with.default": String(replaceNullWithDefault)]
        let schema = Schema(type: .string, optional: true, defaultValue: .string("default"))
        let payload = replaceNullWithDefault ? #""default""# : "null"
        #expect(
            try Self.toJSON(schema, .null, config)
                == Self.envelope(#"{"type":"string","optional":true,"default":"default"}"#, payload))
        let structSchema = Schema.struct([("field1", schema)])
        #expect(
            try Self.toJSON(structSchema, .struct(Struct(schema: structSchema)), config)
                == Self.envelope(
                    #"{"type":"struct","fields":[{"type":"string","optional":true,"default":"default","field":"field1"}],"optional":false}"#,
                    #"{"field1":\#(payload)}"#))
    }

    // JsonConverterTest testJsonSchemaCacheSizeFromConfigFile (connect-test.properties: schemas.cache.size=1)
    @Test func cacheSizeFromConfig() throws {
        _ = try Self.converter(["schemas.cache.size": "1"])
    }

    // JsonConverterConfigTest shouldBeCaseInsensitiveForDecimalFormatConfig
    @Test func decimalFormatIgnoresCase() throws {
        #expect(try Self.converter(["decimal.format": "NuMeRiC"]).decimalFormat == .numeric)
    }
}

/// Not upstream: what Kafka's JsonConverter writes for NUMERIC decimals that `BigDecimal.toString`
/// (Jackson's default) puts in scientific notation, as OpenJDK 17 prints them.
@Suite struct JsonConverterNumericDecimalTests {
    @Test(arguments: [
        ([UInt8]([1]), Int32(10), "1E-10"), ([0x00, 0x9C], 2, "1.56"), ([0x3C, 0xF0], 4, "1.5600"), ([1], -3, "1E+3"),
        ([0x7B], -1, "1.23E+3"), ([0xFB], 7, "-5E-7"), ([0], 3, "0.000"), ([0], 10, "0E-10"),
    ])
    func numericDecimals(unscaled: [UInt8], scale: Int32, expected: String) throws {
        let d = ConnectDecimal(unscaled: unscaled, scale: scale)
        #expect(d.javaString == expected)
        let c = try JsonConverter(config: ["decimal.format": "NUMERIC", "schemas.enable": "false"])
        let bytes = try c.fromConnectData(topic: "t", schema: LogicalType.decimal(scale: scale), value: .decimal(d))
        #expect(bytes.map { String(decoding: $0, as: UTF8.self) } == expected)
        // And back to the same decimal.
        let back = try JsonConverter(config: ["decimal.format": "NUMERIC"]).toConnectData(
            topic: "t",
            bytes: Array(
                #"{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"\#(scale)"}},"payload":\#(expected)}"#
                    .utf8))
        #expect(back.value == .decimal(d))
    }
}

/// Where we differ from Kafka on purpose (docs/json-converter.md): pinned.
@Suite struct JsonConverterDivergenceTests {
    @Test func numericDecimalsTakeTheSchemasScale() throws {
        let c = try JsonConverter(config: [:])
        let r = try c.toConnectData(
            topic: "t",
            bytes: Array(
                #"{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":1.5}"#
                    .utf8))
        #expect(r.value == .decimal(ConnectDecimal("1.50")!))  // Kafka: 1.5 (scale 1)
    }

    @Test func structWithoutSchemaIsWrittenWithItsOwn() throws {
        let schema = Schema.struct([("a", .int32)])
        let c = try JsonConverter(config: ["schemas.enable": "false"])
        let bytes = try c.fromConnectData(
            topic: "t", schema: nil, value: .struct(Struct(schema: schema, values: [.int32(1)])))
        #expect(bytes.map { String(decoding: $0, as: UTF8.self) } == #"{"a":1}"#)  // Kafka: "Mismatching schema."
    }

    @Test func trailingTextIsAnError() throws {
        let c = try JsonConverter(config: ["schemas.enable": "false"])
        #expect(throws: ConnectError.self) { try c.toConnectData(topic: "t", bytes: Array(#"{"a":1} x"#.utf8)) }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        replacing(target, with: replacement)
    }
}

import Avro
import ConnectAPI
import ConnectAvro
import Testing

/// Connect → Avro schemas as Confluent's AvroData builds them, rendered as Java's `Schema.toString()`
/// (the text the AvroConverter registers). Cases of confluentinc/schema-registry
/// avro-data/src/test/java/io/confluent/connect/avro/AvroDataTest.java; the upstream tests compare Avro
/// Schema objects (property order aside), the order here is the one AvroData.fromConnectSchema adds them in
/// (connect.doc, connect.version, connect.parameters, connect.default, connect.name, connect.type, logicalType).
@Suite struct ConfluentAvroDataTests {
    func avro(_ s: Schema) throws -> String { try AvroData().avroSchema(s).json }

    // testFromConnectBoolean, testFromConnectByte, testFromConnectShort, testFromConnectInteger,
    // testFromConnectLong, testFromConnectFloat, testFromConnectDouble, testFromConnectBytes,
    // testFromConnectString (and their checkNonRecordConversionNull: optional is ["null", X])
    @Test func primitives() throws {
        let cases: [(Schema.SchemaType, String)] = [
            (.boolean, #""boolean""#), (.int8, #"{"type":"int","connect.type":"int8"}"#),
            (.int16, #"{"type":"int","connect.type":"int16"}"#), (.int32, #""int""#), (.int64, #""long""#),
            (.float32, #""float""#), (.float64, #""double""#), (.bytes, #""bytes""#), (.string, #""string""#),
        ]
        for (type, expected) in cases {
            #expect(try avro(Schema(type: type)) == expected)
            #expect(try avro(Schema(type: type, optional: true)) == "[\"null\",\(expected)]")
        }
    }

    // testFromConnectMapWithStringKey, testFromConnectMapWithOptionalKey, testFromConnectMapWithNonStringKey,
    // testFromNamedConnectMapWithNonStringKey
    @Test func maps() throws {
        #expect(try avro(.map(.string, .int32)) == #"{"type":"map","values":"int"}"#)
        #expect(
            try avro(.map(.optionalString, .int32))
                == #"{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":["null","string"],"default":null},{"name":"value","type":"int"}]}}"#
        )
        #expect(
            try avro(.map(.int32, .int32))
                == #"{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"int"},{"name":"value","type":"int"}]}}"#
        )
        let named = Schema(type: .map, name: "foo.bar", keySchema: .optionalString, valueSchema: .int32)
        #expect(
            try avro(named)
                == #"{"type":"array","items":{"type":"record","name":"bar","namespace":"foo","fields":[{"name":"key","type":["null","string"],"default":null},{"name":"value","type":"int"}],"connect.internal.type":"MapEntry"},"connect.name":"foo.bar"}"#
        )
    }

    // testFromConnectOptionalPrimitiveWithMetadata: a default puts null last and adds connect.default.
    @Test func optionalPrimitiveWithMetadata() throws {
        let schema = Schema(
            type: .string, optional: true, defaultValue: .string("foo"), name: "io.confluent.stringtype", version: 2,
            doc: "doc", parameters: [("foo", "bar"), ("baz", "baz")])
        #expect(
            try avro(schema)
                == #"[{"type":"string","connect.doc":"doc","connect.version":2,"connect.parameters":{"foo":"bar","baz":"baz"},"connect.default":"foo","connect.name":"io.confluent.stringtype"},"null"]"#
        )
        // The datum's union branch follows: the string is branch 0, null branch 1.
        var e = AvroEncoder()
        try AvroData().encode(.string("x"), schema: schema, into: &e)
        try AvroData().encode(.null, schema: schema, into: &e)
        #expect(e.bytes == [0, 2, 0x78, 2])
    }

    // testFromConnectRecordWithMetadata: the Connect doc is connect.doc, not the record's doc.
    @Test func recordWithMetadata() throws {
        let schema = Schema.struct([("int32", .int32)], name: "io.confluent.test.TestSchema", version: 12, doc: "doc")
        #expect(
            try avro(schema)
                == #"{"type":"record","name":"TestSchema","namespace":"io.confluent.test","fields":[{"name":"int32","type":"int"}],"connect.doc":"doc","connect.version":12,"connect.name":"io.confluent.test.TestSchema"}"#
        )
        // The record's and its fields' Avro docs come from AvroData's parameters.
        let documented = Schema(
            type: .struct, name: "n.R",
            parameters: [
                ("io.confluent.connect.avro.record.doc", "a record"),
                ("io.confluent.connect.avro.field.doc.a", "a field"),
            ], fields: [Field(name: "a", index: 0, schema: .int32)])
        #expect(
            try avro(documented)
                == #"{"type":"record","name":"R","namespace":"n","doc":"a record","fields":[{"name":"a","type":"int","doc":"a field"}],"connect.parameters":{"io.confluent.connect.avro.record.doc":"a record","io.confluent.connect.avro.field.doc.a":"a field"},"connect.name":"n.R"}"#
        )
    }

    // testFromConnectLogicalDecimal(New), testFromConnectLogicalDecimalScaleGreaterThanPrecision,
    // testFromConnectLogicalDate(New), testFromConnectLogicalTime(New), testFromConnectLogicalTimestamp(New)
    @Test func logicalTypes() throws {
        #expect(
            try avro(LogicalType.decimal(scale: 2, precision: 64))
                == #"{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"64"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}"#
        )
        #expect(
            try avro(LogicalType.decimal(scale: 7, precision: 5))
                == #"{"type":"bytes","scale":7,"precision":5,"connect.version":1,"connect.parameters":{"scale":"7","connect.decimal.precision":"5"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}"#
        )
        // Without connect.decimal.precision the precision is 64 (CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT).
        #expect(
            try avro(LogicalType.decimal(scale: 2, optional: true))
                == #"["null",{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}]"#
        )
        #expect(
            try avro(LogicalType.date())
                == #"{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}"#
        )
        #expect(
            try avro(LogicalType.time())
                == #"{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}"#
        )
        #expect(
            try avro(LogicalType.timestamp())
                == #"{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}"#
        )
    }

    // testFromConnectStructsWithNullName / testFromConnectOptionalAnonymousStruct: unnamed structs are
    // ConnectDefault, ConnectDefault2, … in conversion order; an equal struct is the same record, written
    // again by name.
    @Test func unnamedStructsAreNumbered() throws {
        let inner = Schema.struct([("x", .int32)])
        let other = Schema.struct([("y", .string)])
        let outer = Schema.struct([("a", inner), ("b", other), ("c", inner)])
        #expect(
            try avro(outer)
                == #"{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"a","type":{"type":"record","name":"ConnectDefault2","fields":[{"name":"x","type":"int"}]}},{"name":"b","type":{"type":"record","name":"ConnectDefault3","fields":[{"name":"y","type":"string"}]}},{"name":"c","type":"ConnectDefault2"}]}"#
        )
        // An optional struct is ["null", record] with a null default.
        let withOptional = Schema.struct([("o", Schema.struct([("x", .int32)], optional: true))], name: "n.Outer")
        #expect(
            try avro(withOptional)
                == #"{"type":"record","name":"Outer","namespace":"n","fields":[{"name":"o","type":["null",{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"x","type":"int"}]}],"default":null}],"connect.name":"n.Outer"}"#
        )
    }

    // testFromConnectComplexWithDefaults (defaultValueFromConnect): field defaults as Avro's Field keeps them
    // (a FLOAT32 widened to a double), connect.default as the Connect default.
    @Test func fieldDefaults() throws {
        let schema = Schema.struct(
            [
                ("int8", Schema(type: .int8, defaultValue: .int8(2))),
                ("float32", Schema(type: .float32, defaultValue: .float32(12.2))),
                ("string", Schema(type: .string, optional: true, defaultValue: .string("foo"))),
                ("bytes", Schema(type: .bytes, defaultValue: .bytes([0x66, 0xFF]))),
                ("array", Schema(type: .array, defaultValue: .array([.int32(1)]), valueSchema: .int32)),
                ("opt", .optionalInt32),
            ], name: "d.R")
        #expect(
            try avro(schema)
                == #"{"type":"record","name":"R","namespace":"d","fields":[{"name":"int8","type":{"type":"int","connect.default":2,"connect.type":"int8"},"default":2},{"name":"float32","type":{"type":"float","connect.default":12.2},"default":12.199999809265137},{"name":"string","type":[{"type":"string","connect.default":"foo"},"null"],"default":"foo"},{"name":"bytes","type":{"type":"bytes","connect.default":"fÿ"},"default":"fÿ"},{"name":"array","type":{"type":"array","items":"int","connect.default":[1]},"default":[1]},{"name":"opt","type":["null","int"],"default":null}],"connect.name":"d.R"}"#
        )
    }
}

/// Avro → Connect docs as Confluent's AvroData.toConnectSchema maps them (default settings).
@Suite struct ConfluentAvroToConnectDocTests {
    // confluentinc/schema-registry avro-data AvroDataTest.java testToConnectRecordWithMetadata: connect.doc is
    // the Connect doc; the Avro docs are parameters, so the round trip gives back the same Avro schema.
    @Test func docsRoundTrip() throws {
        let text =
            #"{"type":"record","name":"R","namespace":"n","doc":"a record","fields":[{"name":"a","type":"int","doc":"a field"}],"connect.doc":"connect doc","connect.name":"n.R"}"#
        let connect = try AvroToConnect(AvroSchemaParser.parse(text)).connectSchema
        #expect(connect.doc == "connect doc")
        #expect(connect.parameter("io.confluent.connect.avro.record.doc") == "a record")
        #expect(connect.parameter("io.confluent.connect.avro.field.doc.a") == "a field")
        #expect(
            try AvroData().avroSchema(connect).json
                == #"{"type":"record","name":"R","namespace":"n","doc":"a record","fields":[{"name":"a","type":"int","doc":"a field"}],"connect.doc":"connect doc","connect.parameters":{"io.confluent.connect.avro.record.doc":"a record","io.confluent.connect.avro.field.doc.a":"a field"},"connect.name":"n.R"}"#
        )
    }
}

/// Maps with non-string keys read back as maps (confluentinc/schema-registry avro-data AvroDataTest.java
/// testToConnectMapNonStringKeys, testToConnectMapOptionalValue, testToConnectMapOptionalNullValue,
/// testToConnectMapWithNamedSchema).
@Suite struct ConfluentMapEntryTests {
    @Test func mapEntryArraysAreMaps() throws {
        let avro = try AvroSchemaParser.parse(
            #"{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":{"type":"int","connect.type":"int8"}},{"name":"value","type":{"type":"int","connect.type":"int16"}}]}}"#
        )
        let reader = try AvroToConnect(avro)
        #expect(reader.connectSchema.type == .map)
        #expect(reader.connectSchema.keySchema?.type == .int8 && reader.connectSchema.valueSchema?.type == .int16)
        let datum = try AvroDatum(avro).decode([2, 24, 32, 0])
        #expect(try reader.value(datum) == .map([MapEntry(key: .int8(12), value: .int16(16))]))

        // Optional values, null and not (the union's null branch first).
        let optional = try AvroSchemaParser.parse(
            #"{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":{"type":"int","connect.type":"int8"}},{"name":"value","type":["null","string"]}]}}"#
        )
        let optionalReader = try AvroToConnect(optional)
        #expect(optionalReader.connectSchema.valueSchema?.isOptional == true)
        #expect(
            try optionalReader.value(AvroDatum(optional).decode([2, 24, 0, 0]))
                == .map([MapEntry(key: .int8(12), value: .null)]))

        // A named map: its entry record carries connect.internal.type, the array connect.name.
        let named = Schema(type: .map, name: "foo.bar", keySchema: .optionalString, valueSchema: .int32)
        let back = try AvroToConnect(AvroSchemaParser.parse(AvroData().avroSchema(named).json)).connectSchema
        #expect(back.type == .map && back.name == "foo.bar")
        #expect(back.keySchema?.isOptional == true && back.valueSchema?.type == .int32)
    }

    @Test func roundTripThroughAvroData() throws {
        let schema = Schema.struct([("m", .map(.int32, .string))], name: "r.R")
        let value = Value.struct(
            Struct(schema: schema, values: [.map([MapEntry(key: .int32(1), value: .string("a"))])]))
        var e = AvroEncoder()
        try AvroData().encode(value, schema: schema, into: &e)
        let avro = try AvroSchemaParser.parse(AvroData().avroSchema(schema).json)
        let reader = try AvroToConnect(avro)
        guard case .struct(let s) = try reader.value(AvroDatum(avro).decode(e.bytes)) else {
            Issue.record("not a struct")
            return
        }
        #expect(s.values == [.map([MapEntry(key: .int32(1), value: .string("a"))])])
    }
}

/// Avro enums, fixed and Connect metadata read as Confluent's toConnectSchema reads them
/// (confluentinc/schema-registry avro-data AvroDataTest.java testToConnectEnum, testToConnectEnumWithNoDoc,
/// testToConnectFixed, testToConnectOptionalPrimitiveWithConnectMetadata).
@Suite struct ConfluentToConnectMetadataTests {
    func connect(_ text: String) throws -> Schema { try AvroToConnect(AvroSchemaParser.parse(text)).connectSchema }

    @Test func enumsAreNamedStringsWithTheirSymbolsAsParameters() throws {
        let e = try connect(
            #"{"type":"enum","name":"TestEnum","doc":"some documentation","symbols":["foo","bar","baz"]}"#)
        #expect(e.type == .string && e.name == "TestEnum")
        #expect(
            e.parameters.map { "\($0.0)=\($0.1)" } == [
                "io.confluent.connect.avro.enum.doc.TestEnum=some documentation",
                "io.confluent.connect.avro.Enum=TestEnum", "io.confluent.connect.avro.Enum.foo=foo",
                "io.confluent.connect.avro.Enum.bar=bar", "io.confluent.connect.avro.Enum.baz=baz",
            ])
        let noDoc = try connect(#"{"type":"enum","name":"TestEnum","symbols":["foo","bar","baz"]}"#)
        #expect(noDoc.parameters.first.map { "\($0.0)=\($0.1)" } == "io.confluent.connect.avro.Enum=TestEnum")
    }

    @Test func fixedIsNamedBytesWithItsSize() throws {
        let f = try connect(#"{"type":"fixed","name":"sample","size":4}"#)
        #expect(f.type == .bytes && f.name == "sample")
        #expect(f.parameters.map { "\($0.0)=\($0.1)" } == ["connect.fixed.size=4"])
    }

    @Test func connectMetadataComesBack() throws {
        let s = try connect(
            #"[{"type":"string","connect.doc":"doc","connect.version":2,"connect.parameters":{"foo":"bar","baz":"baz"},"connect.default":"foo","connect.name":"io.confluent.stringtype"},"null"]"#
        )
        #expect(s.type == .string && s.isOptional && s.name == "io.confluent.stringtype")
        #expect(s.version == 2 && s.doc == "doc")
        #expect(s.parameters.map { "\($0.0)=\($0.1)" } == ["foo=bar", "baz=baz"])
        // A decimal's connect.parameters are its own parameters: not repeated.
        let d = try connect(
            #"{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"64"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}"#
        )
        #expect(d.parameters.map { "\($0.0)=\($0.1)" } == ["scale=2", "connect.decimal.precision=64"])
    }
}

/// confluentinc/schema-registry avro-data AvroDataTest.java testFromConnectStructsWithNullName: an optional
/// unnamed struct used twice is one record, ConnectDefault2; the Avro schema reads back as the Connect one
/// (ConnectDefault names are no Connect names).
@Suite struct ConfluentUnnamedStructRoundTripTests {
    @Test func structsWithNullName() throws {
        let inner = Schema(
            type: .struct, optional: true, fields: [Field(name: "value", index: 0, schema: Schema(type: .int64))])
        let outer = Schema.struct([("struct", inner), ("array", .array(inner))])
        let avro = try AvroData().avroSchema(outer)
        #expect(
            avro.json
                == #"{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"struct","type":["null",{"type":"record","name":"ConnectDefault2","fields":[{"name":"value","type":"long"}]}],"default":null},{"name":"array","type":{"type":"array","items":["null","ConnectDefault2"]}}]}"#
        )
        let back = try AvroToConnect(AvroSchemaParser.parse(avro.json)).connectSchema
        #expect(back == outer)
    }
}

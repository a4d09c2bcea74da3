import Avro
import ConnectAPI
import ConnectAvro
import Testing

/// Avro → Connect, the AvroConverter's reading side, round-tripped through AvroData.
@Suite struct AvroToConnectTests {
    @Test func recordWithOptionalsAndLogicalTypes() throws {
        let schema = Schema.struct(
            [
                ("id", .int32), ("name", .optionalString), ("small", Schema(type: .int16)),
                ("price", LogicalType.decimal(scale: 2)), ("at", LogicalType.timestamp(optional: true)),
            ], name: "shop.Item")
        let avro = try AvroData().avroSchema(schema)
        let back = try AvroToConnect(AvroSchemaParser.parse(avro.json))
        #expect(back.connectSchema.name == "shop.Item")
        #expect(back.connectSchema.fields.map(\.name) == ["id", "name", "small", "price", "at"])
        #expect(back.connectSchema.fields[1].schema.isOptional)
        #expect(back.connectSchema.fields[2].schema.type == .int16)
        #expect(back.connectSchema.fields[3].schema.name == LogicalType.decimalName)
        #expect(back.connectSchema.fields[4].schema.name == LogicalType.timestampName)

        let value = Value.struct(
            Struct(
                schema: schema,
                values: [.int32(7), .string("x"), .int16(3), .decimal(ConnectDecimal("12.34")!), .null]))
        var e = AvroEncoder()
        try AvroData().encode(value, schema: schema, into: &e)
        let decoded = try back.value(AvroDatum(AvroSchemaParser.parse(avro.json)).decode(e.bytes))
        guard case .struct(let s) = decoded else {
            Issue.record("not a struct")
            return
        }
        #expect(s.values[0] == .int32(7) && s.values[1] == .string("x") && s.values[2] == .int16(3))
        #expect(s.values[3] == .decimal(ConnectDecimal("12.34")!) && s.values[4] == .null)
    }

    @Test func unionsOtherThanNullableAreRefusedByName() {
        #expect(throws: AvroToConnect.Unsupported.self) {
            try AvroToConnect(AvroSchemaParser.parse(#"["int","string"]"#))
        }
    }
}

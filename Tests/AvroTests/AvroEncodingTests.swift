import Avro
import ConnectAPI
import ConnectAvro
import Testing

@Suite struct AvroEncodingTests {
    @Test func zigzagVarintsAsTheSpecShows() {
        for (v, bytes) in [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]), (-2, [0x03]), (2, [0x04]), (-64, [0x7F]), (64, [0x80, 0x01]),
        ] {
            var e = AvroEncoder()
            e.writeLong(Int64(v))
            #expect(e.bytes == bytes.map(UInt8.init), "\(v)")
        }
        var e = AvroEncoder()
        e.writeString("foo")
        e.writeFloat(1.0)
        #expect(e.bytes == [0x06, 0x66, 0x6F, 0x6F, 0x00, 0x00, 0x80, 0x3F])
    }

    @Test func connectStructsBecomeConfluentShapedRecords() throws {
        let schema = Schema(
            type: .struct, name: "com.udacity.weather",
            fields: [
                Field(name: "temperature", index: 0, schema: .float32),
                Field(name: "status", index: 1, schema: .optionalString),
                Field(name: "at", index: 2, schema: LogicalType.timestamp()),
            ])
        let data = AvroData()
        let avro = try data.avroSchema(schema)
        #expect(
            avro.json
                == #"{"type":"record","name":"weather","namespace":"com.udacity","fields":[{"name":"temperature","type":"float"},{"name":"status","type":["null","string"],"default":null},{"name":"at","type":{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}}],"connect.name":"com.udacity.weather"}"#
        )
        var e = AvroEncoder()
        try data.encode(
            .struct(Struct(schema: schema, values: [.float32(1.0), .string("a"), .int64(1)])), schema: schema, into: &e)
        #expect(e.bytes == [0x00, 0x00, 0x80, 0x3F, 0x02, 0x02, 0x61, 0x02])
        #expect(throws: AvroData.Unsupported.self) {
            var e2 = AvroEncoder()
            try data.encode(
                .struct(Struct(schema: schema, values: [.string("x"), .null, .int64(1)])), schema: schema, into: &e2)
        }
        #expect {
            var e3 = AvroEncoder()
            try data.encode(
                .struct(Struct(schema: schema, values: [.null, .null, .int64(1)])), schema: schema, into: &e3)
        } throws: { ($0 as? AvroData.Unsupported)?.description.hasPrefix("field temperature: null value") == true }
    }

    @Test func containerFilesHaveHeaderBlocksAndSyncMarkers() {
        let sync = [UInt8](repeating: 7, count: 16)
        var w = AvroContainerWriter(schema: .string, codec: .null, sync: sync, syncInterval: 10)
        let header = w.header()
        #expect(header.prefix(4) == [0x4F, 0x62, 0x6A, 0x01])
        #expect(header.suffix(16) == sync[...])
        #expect(w.append { $0.writeString("hi") } == nil)
        let block = w.append { $0.writeString("0123456789") }!
        // count 2, size 14 (3 + 11 bytes), the records, the marker.
        #expect(Array(block.prefix(2)) == [0x04, 0x1C])
        #expect(block.suffix(16) == sync[...])
        #expect(w.finish().isEmpty)
    }
}

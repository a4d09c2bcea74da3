import Avro
import Codecs
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

    @Test func containerFilesHaveHeaderBlocksAndSyncMarkers() throws {
        let sync = [UInt8](repeating: 7, count: 16)
        var w = AvroContainerWriter(schema: .string, codec: .null, sync: sync, syncInterval: 10)
        let header = w.header()
        #expect(header.prefix(4) == [0x4F, 0x62, 0x6A, 0x01])
        #expect(header.suffix(16) == sync[...])
        #expect(try w.append { $0.writeString("hi") } == nil)
        let block = try w.append { $0.writeString("0123456789") }!
        // count 2, size 14 (3 + 11 bytes), the records, the marker.
        #expect(Array(block.prefix(2)) == [0x04, 0x1C])
        #expect(block.suffix(16) == sync[...])
        #expect(try w.finish().isEmpty)
    }

    // The Avro specification's codecs: the header names the codec as Avro's CodecFactory does; a snappy
    // block is the snappy data then the CRC-32 (big-endian) of the uncompressed records; a zstandard block
    // is one Zstandard frame.
    @Test func snappyAndZstandardBlocks() throws {
        let sync = [UInt8](repeating: 9, count: 16)
        var records = AvroEncoder()
        for i in 0..<500 { records.writeString("station \(i % 7)") }
        for codec in [AvroContainerWriter.Codec.snappy, .zstandard] {
            var w = AvroContainerWriter(schema: .string, codec: codec, sync: sync)
            let header = w.header()
            // "avro.codec", then the name as Avro bytes: its length (zigzag varint), its UTF-8.
            let entry = Array("avro.codec".utf8) + [UInt8(codec.rawValue.utf8.count * 2)] + Array(codec.rawValue.utf8)
            #expect(header.indices.contains { header[$0...].starts(with: entry) })
            for i in 0..<500 { _ = try w.append { $0.writeString("station \(i % 7)") } }
            let block = try w.finish()
            // count 500 (zigzag varint 0xE8 0x07), then the data's size as a varint, the data, the marker.
            #expect(Array(block.prefix(2)) == [0xE8, 0x07])
            var size = 0
            var shift = 0
            var at = 2
            while true {
                let b = block[at]
                size |= Int(b & 0x7F) << shift
                at += 1
                shift += 7
                if b < 0x80 { break }
            }
            size >>= 1
            let data = Array(block[at..<(at + size)])
            #expect(block.count == at + size + 16)
            switch codec {
            case .snappy:
                #expect(try Snappy.uncompress(Array(data.dropLast(4))) == records.bytes)
                let crc = data.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                #expect(crc == Self.crc32(records.bytes))
            default:
                #expect(try Zstd.decompress(data) == records.bytes)
            }
        }
    }

    /// CRC-32 (IEEE), bit by bit: the reference for Avro's snappy blocks.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

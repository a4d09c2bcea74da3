import Avro
import ConnectAPI
import Testing

@Suite struct AvroDatumTests {
    let weather = try! AvroSchemaParser.parse(
        #"{"type":"record","name":"weather.value","namespace":"com.udacity","fields":[{"name":"temperature","type":"float"},{"name":"status","type":{"type":"enum","name":"status","symbols":["sunny","partly_cloudy","cloudy","windy","precipitation"]}},{"name":"note","type":["null","string"],"default":null},{"name":"tags","type":{"type":"map","values":{"type":"array","items":"long"}}}]}"#
    )

    @Test func binaryRoundTripAndTheWireExample() throws {
        let d = AvroDatum(weather)
        let v = AvroValue.record([
            .float(1.0), .enum(3), .union(1, .string("a")), .map([("x", .array([.long(-1), .long(64)]))]),
        ])
        var e = AvroEncoder()
        try d.encode(v, into: &e)
        #expect(
            e.bytes == [
                0x00, 0x00, 0x80, 0x3F, 0x06, 0x02, 0x02, 0x61, 0x02, 0x02, 0x78, 0x04, 0x01, 0x80, 0x01, 0x00, 0x00,
            ])
        #expect(try d.decode(e.bytes) == v)
        #expect(throws: AvroDataError.self) { try d.decode(Array(e.bytes.dropLast())) }
        // Readers accept blocks with a negative count followed by their byte size.
        let arr = AvroDatum(try AvroSchemaParser.parse(#"{"type":"array","items":"int"}"#))
        #expect(try arr.decode([0x03, 0x04, 0x02, 0x04, 0x00]) == .array([.int(1), .int(2)]))
    }

    @Test func jsonEncodingTagsUnionsAndReadsUntaggedWhenLenient() throws {
        let d = AvroDatum(weather)
        let v = AvroValue.record([.float(20.5), .enum(0), .union(1, .string("hot")), .map([])])
        #expect(
            JSONWriter.string(try d.json(v))
                == #"{"temperature":20.5,"status":"sunny","note":{"string":"hot"},"tags":{}}"#)
        let tagged = try JSONParser.parse(#"{"temperature":20.5,"status":"sunny","note":{"string":"hot"},"tags":{}}"#)
        #expect(try d.value(fromJSON: tagged) == v)
        let untagged = try JSONParser.parse(#"{"temperature":20.5,"status":"sunny","note":"hot","tags":{}}"#)
        #expect(try d.value(fromJSON: untagged, lenient: true) == v)
        #expect {
            try d.value(fromJSON: untagged)
        } throws: { ($0 as? AvroDataError)?.message.contains("Expected start-union") == true }
        #expect {
            try d.value(fromJSON: try JSONParser.parse(#"{"temperature":1,"status":"sunny","tags":{}}"#))
        } throws: { ($0 as? AvroDataError)?.message == "Expected field name not found: note at /" }
        #expect {
            try d.value(fromJSON: try JSONParser.parse(#"{"temperature":1,"status":"snowy","note":null,"tags":{}}"#))
        } throws: { ($0 as? AvroDataError)?.message.contains("/status") == true }
    }
}

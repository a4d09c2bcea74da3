import Avro
import ConnectAPI
import ConnectAvro
import Testing

/// Mutated Avro datums (what the AvroConverter decodes after the registry's 5-byte header) and
/// mutated schemas (what the Schema Registry and the REST Proxy accept over HTTP): decoding and the
/// conversion to Connect data throw on bad input instead of trapping or allocating without bound.
@Suite struct MalformedAvroTests {
    static let schemaText =
        #"{"type":"record","name":"reading","namespace":"iot","fields":[{"name":"id","type":"long"},{"name":"n","type":"int"},{"name":"t","type":"float"},{"name":"d","type":"double"},{"name":"ok","type":"boolean"},{"name":"raw","type":"bytes"},{"name":"name","type":["null","string"],"default":null},{"name":"mac","type":{"type":"fixed","name":"mac","size":6}},{"name":"state","type":{"type":"enum","name":"state","symbols":["on","off"]}},{"name":"xs","type":{"type":"array","items":"long"}},{"name":"tags","type":{"type":"map","values":"string"}},{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},{"name":"day","type":{"type":"int","logicalType":"date"}},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"nested","type":["null",{"type":"record","name":"inner","fields":[{"name":"v","type":{"type":"array","items":["null","int"]}}]}],"default":null}]}"#

    static let value = AvroValue.record([
        .long(-7), .int(300), .float(1.5), .double(-2.25), .boolean(true), .bytes([1, 2, 3]),
        .union(1, .string("sensor")),
        .fixed([0, 1, 2, 3, 4, 5]), .enum(1), .array([.long(1), .long(-1), .long(1 << 40)]),
        .map([("k", .string("v")), ("", .string(""))]), .bytes([0x30, 0x39]), .int(19_000), .long(1_700_000_000_000),
        .union(1, .record([.array([.union(0, .null), .union(1, .int(3))])])),
    ])

    @Test func mutatedDatumsAreDecodedOrRefused() throws {
        let schema = try AvroSchemaParser.parse(Self.schemaText)
        let datum = AvroDatum(schema)
        let toConnect = try AvroToConnect(schema)
        var e = AvroEncoder()
        try datum.encode(Self.value, into: &e)
        let valid = e.bytes
        #expect(try datum.decode(valid) == Self.value)
        // Counts and lengths far past the datum: varints of Int64.max and Int64.min, as block counts
        // and as byte lengths.
        let huge: [UInt8] = [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        let hugeNegative: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        var m = Mutator(seed: 0xA7_0D47)
        var decoded = 0
        for i in 0..<40_000 {
            var bytes = m.mutate(valid, other: i % 3 == 0 ? huge : hugeNegative)
            if i % 5 == 0 {
                bytes.insert(contentsOf: i % 2 == 0 ? huge : hugeNegative, at: m.below(bytes.count + 1))
            }
            guard let v = try? datum.decode(bytes) else { continue }
            decoded += 1
            _ = try? toConnect.value(v)
        }
        #expect(decoded > 100)
        // The REST Proxy's path: JSON bodies read against the schema, then written in binary.
        let json = Array(JSONWriter.string(try datum.json(Self.value)).utf8)
        var fromJSON = 0
        for i in 0..<20_000 {
            let bytes = m.mutate(json, other: Array(#"{"id":1e400,"n":-2147483649,"xs":[9223372036854775808]}"#.utf8))
            guard let j = try? JSONParser.parse(bytes), let v = try? datum.value(fromJSON: j, lenient: i % 2 == 0)
            else { continue }
            fromJSON += 1
            var out = AvroEncoder()
            _ = try? datum.encode(v, into: &out)
        }
        #expect(fromJSON > 100)
        // An array of nulls takes no bytes per item: a count of a billion is refused, not allocated.
        let nulls = AvroDatum(try AvroSchemaParser.parse(#"{"type":"array","items":"null"}"#))
        #expect(throws: AvroDataError.self) { try nulls.decode([0x80, 0xA8, 0xD6, 0xB9, 0x07, 0x00]) }
    }

    @Test func deepOrOversizedDatumsAreRefused() throws {
        // A linked list through a union: each 0x02 opens one more level.
        let list = AvroDatum(
            try AvroSchemaParser.parse(
                #"{"type":"record","name":"node","fields":[{"name":"next","type":["null","node"]}]}"#))
        #expect(try list.decode([0x02, 0x00]) == .record([.union(1, .record([.union(0, .null)]))]))
        #expect(throws: AvroDataError.self) { try list.decode(Array(repeating: 0x02, count: 200_000) + [0x00]) }
        // A string or bytes length of Int64.max, and a block count of Int64.min.
        let strings = AvroDatum(try AvroSchemaParser.parse(#"{"type":"array","items":"string"}"#))
        let max: [UInt8] = [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        let min: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        #expect(throws: AvroDataError.self) { try strings.decode([0x02] + max + [0x61, 0x00]) }
        #expect(throws: AvroDataError.self) { try strings.decode(max + [0x00]) }
        #expect(throws: AvroDataError.self) { try strings.decode(min + [0x00, 0x00]) }
        // Five nulls in two bytes are fine.
        let nulls = AvroDatum(try AvroSchemaParser.parse(#"{"type":"array","items":"null"}"#))
        #expect(try nulls.decode([0x0A, 0x00]) == .array(Array(repeating: .null, count: 5)))
    }

    /// A datum nested to the decoder's limit decodes on a task's stack (the AvroConverter runs there).
    @Test func deepDatumDecodesOnATaskStack() async throws {
        let list = AvroDatum(
            try AvroSchemaParser.parse(
                #"{"type":"record","name":"node","fields":[{"name":"next","type":["null","node"]}]}"#))
        // Each node is a record and a union: two levels of the decoder per 0x02.
        let bytes = Array(repeating: UInt8(0x02), count: AvroDatum.maxDepth / 2 - 2) + [0x00]
        let decoded = try await Task.detached { try list.decode(bytes) }.value
        #expect(decoded != AvroValue.null)
    }

    @Test func mutatedSchemasAreParsedOrRefused() {
        let seed = Array(Self.schemaText.utf8)
        let other = Array(#"{"type":"map","values":{"type":"fixed","name":"f","size":2147483647}}"#.utf8)
        var m = Mutator(seed: 0x5C_4E3A)
        var parsed = 0
        for _ in 0..<20_000 {
            let text = String(decoding: m.mutate(seed, other: other), as: UTF8.self)
            guard let schema = try? AvroSchemaParser.parse(text) else { continue }
            parsed += 1
            _ = try? AvroToConnect(schema)
            _ = try? AvroDatum(schema).decode([0x02, 0x04, 0x06, 0x00, 0x00])
        }
        #expect(parsed > 100)
    }
}

import ConnectAPI
import ConnectJSON
import Testing

/// Mutated JSON through the parser and the JsonConverter (both modes), then back out through the
/// converter when it accepted the bytes: a consumed record is untrusted input, and a trap would take
/// every connector of the worker down with it.
@Suite struct MalformedJSONTests {
    static let seeds: [String] = [
        #"{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"12"},"field":"amount"},{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"at"},{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},{"type":"array","items":{"type":"float64"},"optional":true,"field":"xs"},{"type":"map","keys":{"type":"string"},"values":{"type":"boolean"},"optional":true,"field":"flags"}],"optional":false,"name":"row"},"payload":{"id":42,"name":"caf\u00e9 \"x\"","amount":"AN4=","at":1700000000000,"day":19000,"xs":[1.5,-0.25,1e300],"flags":{"a":true}}}"#,
        #"{"id":9007199254740993,"v":0.12345678901234567890123,"s":"\ud83d\ude00 tab\t","n":null,"a":[[],{},[1,[2,[3]]]],"e":-1.5E-7}"#,
        #"{"schema":{"type":"array","items":{"type":"map","keys":{"type":"int32"},"values":{"type":"string","optional":true}}},"payload":[[[1,"a"],[2,null]]]}"#,
        #"{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"40"}},"payload":12345678901234567890.5}"#,
        #"[1,-0,2e9999,"\u0000",true,false,null,18446744073709551616,-9223372036854775809]"#,
    ]

    @Test func mutatedJSONIsParsedOrRefusedNeverATrap() throws {
        let withSchemas = try JsonConverter(config: ["schemas.enable": "true", "decimal.format": "NUMERIC"])
        let schemaless = try JsonConverter(config: ["schemas.enable": "false"])
        let seeds = Self.seeds.map { Array($0.utf8) }
        var m = Mutator(seed: 0x7B1B_07A4)
        var accepted = 0
        for i in 0..<40_000 {
            let bytes = m.mutate(seeds[i % seeds.count], other: seeds[(i / 7) % seeds.count])
            _ = try? JSONParser.parse(bytes)
            _ = try? JSONParser.parseConnectValue(bytes)
            _ = JSONParser.parseConcatenated(bytes)
            // The one-pass compact form, where it answers, is what parsing and writing give.
            if let compact = bytes.withUnsafeBytes({ JSONCompact.compact($0) }) {
                #expect(compact == JSONWriter.bytes(try JSONParser.parse(bytes)))
            }
            for converter in [withSchemas, schemaless] {
                guard let data = try? converter.toConnectData(topic: "t", bytes: bytes) else { continue }
                accepted += 1
                _ = try? converter.fromConnectData(topic: "t", schema: data.schema, value: data.value)
            }
        }
        // The mutations keep some inputs valid, so the write path was exercised too.
        #expect(accepted > 1000)
    }

    /// Nesting up to the parser's limit goes through the converters and back without exhausting a
    /// task's stack; one level more is refused.
    @Test func deepNestingIsConvertedOrRefused() async throws {
        // On a detached task: the cooperative pool's threads (and stacks) the worker's tasks run on.
        try await Task.detached { try Self.convertDeepNesting() }.value
    }

    static func convertDeepNesting() throws {
        let schemaless = try JsonConverter(config: ["schemas.enable": "false"])
        let withSchemas = try JsonConverter(config: ["schemas.enable": "true"])
        let depth = 512
        let deep = Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        let data = try schemaless.toConnectData(topic: "t", bytes: deep)
        #expect(try schemaless.fromConnectData(topic: "t", schema: data.schema, value: data.value) == deep)
        var schema = #"{"type":"int32"}"#
        for _ in 0..<(depth - 3) { schema = #"{"type":"array","items":"# + schema + "}" }
        let envelope = Array((#"{"schema":"# + schema + #","payload":[]}"#).utf8)
        let typed = try withSchemas.toConnectData(topic: "t", bytes: envelope)
        #expect(try withSchemas.fromConnectData(topic: "t", schema: typed.schema, value: typed.value) != nil)
        let tooDeep = Array((String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)).utf8)
        #expect(throws: (any Error).self) { try schemaless.toConnectData(topic: "t", bytes: tooDeep) }
    }
}

import Avro
import Testing

/// Canonical forms and CRC-64-AVRO fingerprints from Apache Avro's cross-language vectors
/// (share/test/data/schema-tests.txt), and the spec's naming rules.
@Suite struct AvroSchemaParserTests {
    @Test func primitiveFingerprints() throws {
        let vectors: [(String, Int64)] = [
            (#""null""#, 7_195_948_357_588_979_594), (#"{"type":"null"}"#, 7_195_948_357_588_979_594),
            (#""boolean""#, -6_970_731_678_124_411_036), (#""int""#, 8_247_732_601_305_521_295),
            (#""long""#, -3_434_872_931_120_570_953), (#""float""#, 5_583_340_709_985_441_680),
            (#""double""#, -8_181_574_048_448_539_266), (#""bytes""#, 5_746_618_253_357_095_269),
            (#""string""#, -8_142_146_995_180_207_161),
        ]
        for (text, fp) in vectors { #expect(try AvroSchemaParser.parse(text).fingerprint64 == fp, "\(text)") }
    }

    @Test func complexCanonicalFormsAndFingerprints() throws {
        let vectors: [(String, String, Int64)] = [
            (
                #"{"type":"fixed","name":"foo","size":15}"#, #"{"name":"foo","type":"fixed","size":15}"#,
                1_756_455_273_707_447_556
            ),
            (
                #"{"type":"record","name":"foo","fields":[{"name":"f1","type":"boolean"}]}"#,
                #"{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}"#, 7_843_277_075_252_814_651
            ),
            (#"["int","boolean"]"#, #"["int","boolean"]"#, 5_392_556_393_470_105_090),
            (
                #"{"type":"record","name":"foo","fields":[]}"#, #"{"name":"foo","type":"record","fields":[]}"#,
                -4_824_392_279_771_201_922
            ),
            (
                #"{"type":"enum","name":"foo","symbols":["A1"]}"#, #"{"name":"foo","type":"enum","symbols":["A1"]}"#,
                -6_342_190_197_741_309_591
            ),
            (
                #"{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}"#,
                #"{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}"#,
                -1_759_257_747_318_642_341
            ),
        ]
        for (text, canonical, fp) in vectors {
            let s = try AvroSchemaParser.parse(text)
            #expect(s.canonicalForm == canonical)
            #expect(s.fingerprint64 == fp, "\(text)")
        }
    }

    @Test func namesFollowTheSpecsRules() throws {
        // The Udacity weather schema: a dotted name is the full name, the namespace is ignored.
        let weather = try AvroSchemaParser.parse(
            #"{"type":"record","name":"weather.value","namespace":"com.udacity","fields":[{"name":"temperature","type":"float"},{"name":"status","type":{"type":"enum","name":"status","symbols":["sunny","partly_cloudy","cloudy","windy","precipitation"]}}]}"#
        )
        #expect(weather.canonicalForm.hasPrefix(#"{"name":"weather.value","type":"record""#))
        #expect(weather.canonicalForm.contains(#"{"name":"weather.status","type":"enum""#))
        // Logical types and defaults are kept for rendering, dropped from the canonical form.
        let ts = try AvroSchemaParser.parse(#"{"type":"long","logicalType":"timestamp-millis"}"#)
        #expect(ts.json == #"{"type":"long","logicalType":"timestamp-millis"}"#)
        #expect(ts.canonicalForm == #""long""#)
    }

    @Test func invalidSchemasAreRefusedWithTheReason() {
        for (text, reason) in [
            (#"{"type":"record","name":"r","fields":[{"name":"a","type":"nothing"}]}"#, "Undefined name"),
            (#"["int","int"]"#, "Duplicate in union"), (#"[["int"],"string"]"#, "may not immediately contain"),
            (#"{"type":"enum","name":"e","symbols":["a","a"]}"#, "Duplicate enum symbol"),
            (#"{"type":"record","name":"1r","fields":[]}"#, "Illegal name"), ("{not json", "not JSON"),
        ] {
            #expect {
                try AvroSchemaParser.parse(text)
            } throws: { ($0 as? AvroSchemaError)?.message.contains(reason) == true }
        }
    }
}

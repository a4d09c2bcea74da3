import Avro
import Testing

/// Apache Avro's cross-language Parsing Canonical Form vectors: every case of
/// apache/avro share/test/data/schema-tests.txt (schema → canonical form → CRC-64-AVRO fingerprint),
/// which Java's TestSchemaNormalization (lang/java/avro/src/test/java/org/apache/avro/TestSchemaNormalization.java
/// testCanonicalization, testFingerprint) runs. The case number is the file's.
@Suite struct AvroCanonicalFormTests {
    static let cases: [(Int, String, String, Int64?)] = [
        (
            000, #""null""#,
            #""null""#, 7_195_948_357_588_979_594
        ),
        (
            001, #"{"type":"null"}"#,
            #""null""#, nil
        ),
        (
            002, #""boolean""#,
            #""boolean""#, -6_970_731_678_124_411_036
        ),
        (
            003, #"{"type":"boolean"}"#,
            #""boolean""#, nil
        ),
        (
            004, #""int""#,
            #""int""#, 8_247_732_601_305_521_295
        ),
        (
            005, #"{"type":"int"}"#,
            #""int""#, nil
        ),
        (
            006, #""long""#,
            #""long""#, -3_434_872_931_120_570_953
        ),
        (
            007, #"{"type":"long"}"#,
            #""long""#, nil
        ),
        (
            008, #""float""#,
            #""float""#, 5_583_340_709_985_441_680
        ),
        (
            009, #"{"type":"float"}"#,
            #""float""#, nil
        ),
        (
            010, #""double""#,
            #""double""#, -8_181_574_048_448_539_266
        ),
        (
            011, #"{"type":"double"}"#,
            #""double""#, nil
        ),
        (
            012, #""bytes""#,
            #""bytes""#, 5_746_618_253_357_095_269
        ),
        (
            013, #"{"type":"bytes"}"#,
            #""bytes""#, nil
        ),
        (
            014, #""string""#,
            #""string""#, -8_142_146_995_180_207_161
        ),
        (
            015, #"{"type":"string"}"#,
            #""string""#, nil
        ),
        (
            016, #"[  ]"#,
            #"[]"#, -1_241_056_759_729_112_623
        ),
        (
            017, #"[ "int"  ]"#,
            #"["int"]"#, -5_232_228_896_498_058_493
        ),
        (
            018, #"[ "int" , {"type":"boolean"} ]"#,
            #"["int","boolean"]"#, 5_392_556_393_470_105_090
        ),
        (
            019, #"{"fields":[], "type":"record", "name":"foo"}"#,
            #"{"name":"foo","type":"record","fields":[]}"#, -4_824_392_279_771_201_922
        ),
        (
            020, #"{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}"#,
            #"{"name":"x.y.foo","type":"record","fields":[]}"#, 5_916_914_534_497_305_771
        ),
        (
            021, #"{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}"#,
            #"{"name":"a.b.foo","type":"record","fields":[]}"#, -4_616_218_487_480_524_110
        ),
        (
            022, #"{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}"#,
            #"{"name":"foo","type":"record","fields":[]}"#, -4_824_392_279_771_201_922
        ),
        (
            023, #"{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}"#,
            #"{"name":"foo","type":"record","fields":[]}"#, -4_824_392_279_771_201_922
        ),
        (
            024, #"{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}"#,
            #"{"name":"foo","type":"record","fields":[]}"#, -4_824_392_279_771_201_922
        ),
        (
            025, #"{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}"#,
            #"{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}"#, 7_843_277_075_252_814_651
        ),
        (
            026,
            #"""
            { "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},
                        {"order":"descending","name":"f2","doc":"Hello","type":"int"}],
              "type":"record", "name":"foo"
            }
            """#,
            #"{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}"#,
            -4_860_222_112_080_293_046
        ),
        (
            027, #"{"type":"enum", "name":"foo", "symbols":["A1"]}"#,
            #"{"name":"foo","type":"enum","symbols":["A1"]}"#, -6_342_190_197_741_309_591
        ),
        (
            028, #"{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}"#,
            #"{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}"#, -4_448_647_247_586_288_245
        ),
        (
            029, #"{"name":"foo","type":"fixed","size":15}"#,
            #"{"name":"foo","type":"fixed","size":15}"#, 1_756_455_273_707_447_556
        ),
        (
            030, #"{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}"#,
            #"{"name":"x.y.z.foo","type":"fixed","size":32}"#, -3_064_184_465_700_546_786
        ),
        (
            031, #"{ "items":{"type":"null"}, "type":"array"}"#,
            #"{"type":"array","items":"null"}"#, -589_620_603_366_471_059
        ),
        (
            032, #"{ "values":"string", "type":"map"}"#,
            #"{"type":"map","values":"string"}"#, -8_732_877_298_790_414_990
        ),
        (
            033,
            #"""
              {"name":"PigValue","type":"record",
               "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}
            """#,
            #"{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}"#,
            -1_759_257_747_318_642_341
        ),
    ]

    @Test func everyCaseOfTheSharedFile() throws {
        #expect(Self.cases.count == 34)
        for (n, input, canonical, fingerprint) in Self.cases {
            let schema = try AvroSchemaParser.parse(input)
            #expect(schema.canonicalForm == canonical, "case \(n)")
            if let fingerprint { #expect(schema.fingerprint64 == fingerprint, "case \(n)") }
            // The canonical form is a schema of its own, with the same form and fingerprint.
            let again = try AvroSchemaParser.parse(canonical)
            #expect(again.canonicalForm == canonical && again.fingerprint64 == schema.fingerprint64, "case \(n)")
        }
    }

    // apache/avro lang/java/avro/src/main/java/org/apache/avro/SchemaNormalization.java (build): a named type
    // written again is its full name, and an error is a record.
    @Test func namedTypesOnceAndErrorsAsRecords() throws {
        let twice = AvroSchema.record(
            name: "Outer", namespace: "space", doc: nil,
            fields: [
                AvroField(name: "f1", type: .record(name: "Inner", namespace: nil, doc: nil, fields: [], props: [])),
                AvroField(name: "f2", type: .record(name: "Inner", namespace: nil, doc: nil, fields: [], props: [])),
            ], props: [])
        #expect(
            twice.canonicalForm
                == #"{"name":"space.Outer","type":"record","fields":[{"name":"f1","type":{"name":"Inner","type":"record","fields":[]}},{"name":"f2","type":"Inner"}]}"#
        )
        let error = try AvroSchemaParser.parse(#"{"type":"error","name":"x.Oops","fields":[]}"#)
        #expect(error.canonicalForm == #"{"name":"x.Oops","type":"record","fields":[]}"#)
    }
}

import Avro
import Testing

@Suite struct AvroCompatibilityTests {
    func s(_ text: String) throws -> AvroSchema { try AvroSchemaParser.parse(text) }
    func record(_ fields: String) throws -> AvroSchema {
        try s(#"{"type":"record","name":"weather","namespace":"com.udacity","fields":["# + fields + "]}")
    }

    @Test func addingAFieldNeedsADefaultForBackward() throws {
        let v1 = try record(#"{"name":"temperature","type":"float"}"#)
        let noDefault = try record(#"{"name":"temperature","type":"float"},{"name":"status","type":"string"}"#)
        let withDefault = try record(
            #"{"name":"temperature","type":"float"},{"name":"status","type":["null","string"],"default":null}"#)
        let found = AvroCompatibility.check(.backward, new: noDefault, existing: [v1])
        #expect(found.map(\.type) == ["READER_FIELD_MISSING_DEFAULT_VALUE"])
        #expect(found.first?.location == "/fields/1")
        #expect(AvroCompatibility.check(.backward, new: withDefault, existing: [v1]).isEmpty)
        // Removing a field is backward compatible, and forward only if the old reader had a default.
        #expect(AvroCompatibility.check(.backward, new: v1, existing: [noDefault]).isEmpty)
        #expect(
            AvroCompatibility.check(.forward, new: v1, existing: [noDefault]).map(\.type) == [
                "READER_FIELD_MISSING_DEFAULT_VALUE"
            ])
        #expect(AvroCompatibility.check(.full, new: v1, existing: [withDefault]).isEmpty)
        #expect(AvroCompatibility.check(.none, new: try s(#""int""#), existing: [v1]).isEmpty)
    }

    @Test func promotionsAndTypeMismatches() throws {
        #expect(AvroCompatibility.check(reader: try s(#""long""#), writer: try s(#""int""#)).isEmpty)
        #expect(AvroCompatibility.check(reader: try s(#""double""#), writer: try s(#""float""#)).isEmpty)
        #expect(AvroCompatibility.check(reader: try s(#""bytes""#), writer: try s(#""string""#)).isEmpty)
        let mismatch = AvroCompatibility.check(reader: try s(#""int""#), writer: try s(#""long""#))
        #expect(mismatch.map(\.type) == ["TYPE_MISMATCH"])
        #expect(mismatch.first?.message == "reader type: INT not compatible with writer type: LONG")
    }

    @Test func enumsUnionsAndFixed() throws {
        let e2 = try s(#"{"type":"enum","name":"status","symbols":["sunny","windy"]}"#)
        let e1 = try s(#"{"type":"enum","name":"status","symbols":["sunny"]}"#)
        #expect(AvroCompatibility.check(reader: e1, writer: e2).map(\.type) == ["MISSING_ENUM_SYMBOLS"])
        #expect(AvroCompatibility.check(reader: e2, writer: e1).isEmpty)
        // Java's SchemaCompatibility checks a non-union reader against each writer branch, at the branch's index.
        let branch = AvroCompatibility.check(reader: try s(#""string""#), writer: try s(#"["null","string"]"#))
        #expect(branch.map(\.type) == ["TYPE_MISMATCH"] && branch.first?.location == "/0")
        #expect(AvroCompatibility.check(reader: try s(#"["null","string","int"]"#), writer: try s(#""int""#)).isEmpty)
        #expect(
            AvroCompatibility.check(
                reader: try s(#"{"type":"fixed","name":"f","size":4}"#),
                writer: try s(#"{"type":"fixed","name":"f","size":8}"#)
            ).map(\.type) == ["FIXED_SIZE_MISMATCH"])
    }

    @Test func transitiveLevelsCheckEveryVersion() throws {
        let v1 = try record(#"{"name":"temperature","type":"float"}"#)
        let v2 = try record(#"{"name":"temperature","type":"float"},{"name":"a","type":"int","default":0}"#)
        let v3 = try record(
            #"{"name":"temperature","type":"float"},{"name":"a","type":"int","default":0},{"name":"b","type":"int"}"#)
        // v3 adds b without a default: not readable against v2 nor v1.
        #expect(AvroCompatibility.check(.backward, new: v3, existing: [v1, v2]).count == 1)
        #expect(AvroCompatibility.check(.backwardTransitive, new: v3, existing: [v1, v2]).count == 2)
        #expect(AvroCompatibility.check(.forwardTransitive, new: v2, existing: [v1]).isEmpty)
    }

    @Test func recursiveTypesTerminate() throws {
        let pig = try s(
            #"{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}"#)
        #expect(AvroCompatibility.check(reader: pig, writer: pig).isEmpty)
    }
}

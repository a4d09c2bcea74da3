import Avro
import Testing

/// Aliases: kept when rendering, and honoured by the compatibility check (renamed records and fields).
@Suite struct AvroAliasesTests {
    @Test func renamedFieldAndRecordReadOldData() throws {
        let old = try AvroSchemaParser.parse(
            #"{"type":"record","name":"Old","fields":[{"name":"temp","type":"double"}]}"#)
        let new = try AvroSchemaParser.parse(
            #"{"type":"record","name":"New","aliases":["Old"],"fields":[{"name":"temperature","type":"double","aliases":["temp"]}]}"#
        )
        #expect(AvroCompatibility.check(reader: new, writer: old).isEmpty)
        #expect(new.json.contains(#""aliases":["temp"]"#) && new.json.contains(#""aliases":["Old"]"#))
        let noAlias = try AvroSchemaParser.parse(
            #"{"type":"record","name":"New","fields":[{"name":"temperature","type":"double"}]}"#)
        let problems = AvroCompatibility.check(reader: noAlias, writer: old).map(\.type)
        #expect(problems.contains("NAME_MISMATCH") && problems.contains("READER_FIELD_MISSING_DEFAULT_VALUE"))
    }
}

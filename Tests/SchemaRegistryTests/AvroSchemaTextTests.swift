import Testing

@testable import SchemaRegistry

/// The text the registry stores, returns and compares for an Avro schema is Java's `Schema.toString()`,
/// as Confluent's `AvroSchema.canonicalString()` (confluentinc/schema-registry
/// client/src/main/java/io/confluent/kafka/schemaregistry/avro/AvroSchema.java).
@Suite struct AvroSchemaTextTests {
    func stored(_ text: String) -> String? { ParsedSchema.parse(text, type: nil)?.text }

    @Test func nestedNamedTypesHaveNoRedundantNamespace() {
        let confluent =
            #"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}]}"#
        #expect(stored(confluent) == confluent)
        // Attribute order, whitespace and a repeated namespace do not change the stored text.
        #expect(
            stored(
                #"{ "namespace":"ns", "fields":[ {"type":{"symbols":["A"],"namespace":"ns","name":"E","type":"enum"},"name":"e"} ], "name":"R", "type":"record" }"#
            ) == confluent)
        #expect(stored(#"{"type":"string"}"#) == #""string""#)
    }
}

/// Incompatibility details as Confluent words them (client/.../avro/Difference.java,
/// SchemaValidatorBuilder.formatErrorMessages, AbstractSchemaRegistry's closing
/// `{validateFields, compatibility}`).
@Suite struct CompatibilityMessageTests {
    static let v1 =
        #"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"},{"name":"f2","type":"string"}]}"#
    static let v2 = #"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}"#
    static let v3 =
        #"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"},{"name":"f3","type":"string"}]}"#

    func parsed(_ text: String) throws -> ParsedSchema { try #require(ParsedSchema.parse(text, type: nil)) }

    // confluentinc/schema-registry core/src/test/java/io/confluent/kafka/schemaregistry/rest/RestApiTest.java
    // testIncompatibleSchemaBySubject… (FORWARD_TRANSITIVE: compatible with the latest, not with version 1;
    // the message names oldSchemaVersion, oldSchema and compatibility).
    @Test func forwardTransitiveStopsAtTheFirstFailingVersion() throws {
        let existing = [(schema: try parsed(Self.v1), version: Optional(1)), (schema: try parsed(Self.v2), version: 2)]
        let new = try parsed(Self.v3)
        #expect(new.incompatibilities(.forward, existing: existing).isEmpty)
        #expect(
            new.incompatibilities(.forwardTransitive, existing: existing) == [
                "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'f2'}",
                "{oldSchemaVersion: 1}",
                "{oldSchema: '\(Self.v1)'}",
                "{validateFields: 'false', compatibility: 'FORWARD_TRANSITIVE'}",
            ])
    }

    @Test func backwardAndFullWordTheRoles() throws {
        let existing = [(schema: try parsed(Self.v2), version: Optional(1))]
        let new = try parsed(Self.v3)
        let missing =
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f3' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f3'}"
        #expect(
            new.incompatibilities(.backward, existing: existing) == [
                missing, "{oldSchemaVersion: 1}", "{oldSchema: '\(Self.v2)'}",
                "{validateFields: 'false', compatibility: 'BACKWARD'}",
            ])
        // FULL: the old schema reading the new one first (without the old schema appended), then the reverse.
        #expect(
            new.incompatibilities(.full, existing: existing) == [
                missing, "{oldSchemaVersion: 1}", "{oldSchema: '\(Self.v2)'}",
                "{validateFields: 'false', compatibility: 'FULL'}",
            ])
        let types = try parsed(#"{"type":"record","name":"myrecord","fields":[{"type":"int","name":"f1"}]}"#)
        #expect(
            types.incompatibilities(.full, existing: existing) == [
                "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the old schema does not match with the new schema', additionalInfo:'reader type: STRING not compatible with writer type: INT'}",
                "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: STRING'}",
                "{oldSchemaVersion: 1}", "{oldSchema: '\(Self.v2)'}",
                "{validateFields: 'false', compatibility: 'FULL'}",
            ])
        #expect(new.incompatibilities(.none, existing: existing).isEmpty)
    }
}

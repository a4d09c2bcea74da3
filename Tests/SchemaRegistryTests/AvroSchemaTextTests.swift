import SchemaRegistry
import Testing

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

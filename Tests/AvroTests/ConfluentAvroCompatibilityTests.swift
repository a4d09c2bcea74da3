import Avro
import Testing

/// Every case of confluentinc/schema-registry
/// core/src/test/java/io/confluent/kafka/schemaregistry/avro/AvroCompatibilityTest.java, with its level.
/// Previous versions are listed oldest first; the non-transitive levels check the latest only.
@Suite struct ConfluentAvroCompatibilityTests {
    static func parse(_ text: String) -> AvroSchema {
        do { return try AvroSchemaParser.parse(text) } catch { fatalError("\(error): \(text)") }
    }
    static let schema1 = parse(#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#)
    static let schema2 = parse(
        #"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2", "default": "foo"}]}"#
    )
    static let schema3 = parse(
        #"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2"}]}"#)
    static let schema4 = parse(
        #"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1_new", "aliases": ["f1"]}]}"#)
    static let schema6 = parse(
        #"{"type":"record","name":"myrecord","fields":[{"type":["null", "string"],"name":"f1", "doc":"doc of f1"}]}"#)
    static let schema7 = parse(
        #"{"type":"record","name":"myrecord","fields":[{"type":["null", "string", "int"],"name":"f1", "doc":"doc of f1"}]}"#
    )
    static let schema8 = parse(
        #"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2", "default": "foo"}, {"type":"string","name":"f3", "default": "bar"}]}"#
    )

    func compatible(_ level: AvroCompatibility.Level, _ new: AvroSchema, _ previous: [AvroSchema]) -> Bool {
        AvroCompatibility.check(level, new: new, existing: previous).isEmpty
    }

    // testBadDefaultNull: a string "null" default of a ["null","string"] field still parses.
    @Test func badDefaultNull() throws {
        _ = try AvroSchemaParser.parse(
            #"{"type":"record","name":"myrecord","fields":[{"type":["null", "string"],"name":"f1", "default": "null"}, {"type":"string","name":"f2", "default": "foo"}, {"type":"string","name":"f3", "default": "bar"}]}"#
        )
    }

    // testBasicBackwardsCompatibility
    @Test func basicBackwardsCompatibility() {
        #expect(compatible(.backward, Self.schema2, [Self.schema1]))  // adding a field with default
        #expect(!compatible(.backward, Self.schema3, [Self.schema1]))  // adding a field without default
        #expect(compatible(.backward, Self.schema4, [Self.schema1]))  // renaming a field with an alias
        #expect(compatible(.backward, Self.schema6, [Self.schema1]))  // a field type to a union
        #expect(!compatible(.backward, Self.schema1, [Self.schema6]))  // removing a type from a union
        #expect(compatible(.backward, Self.schema7, [Self.schema6]))  // adding a type to a union
        #expect(!compatible(.backward, Self.schema6, [Self.schema7]))  // removing a type from a union
        #expect(compatible(.backward, Self.schema3, [Self.schema1, Self.schema2]))  // only schema2 is checked
    }

    // testBasicBackwardsTransitiveCompatibility
    @Test func basicBackwardsTransitiveCompatibility() {
        #expect(compatible(.backwardTransitive, Self.schema8, [Self.schema1, Self.schema2]))
        #expect(compatible(.backwardTransitive, Self.schema2, [Self.schema1]))
        #expect(compatible(.backwardTransitive, Self.schema3, [Self.schema2]))
        #expect(!compatible(.backwardTransitive, Self.schema3, [Self.schema2, Self.schema1]))
    }

    // testBasicForwardsCompatibility
    @Test func basicForwardsCompatibility() {
        #expect(compatible(.forward, Self.schema2, [Self.schema1]))
        #expect(compatible(.forward, Self.schema3, [Self.schema1]))
        #expect(compatible(.forward, Self.schema3, [Self.schema2]))
        #expect(compatible(.forward, Self.schema2, [Self.schema3]))
        #expect(compatible(.forward, Self.schema1, [Self.schema3, Self.schema2]))  // only schema2 is checked
    }

    // testBasicForwardsTransitiveCompatibility
    @Test func basicForwardsTransitiveCompatibility() {
        #expect(compatible(.forwardTransitive, Self.schema1, [Self.schema8, Self.schema2]))
        #expect(compatible(.forwardTransitive, Self.schema2, [Self.schema3]))
        #expect(compatible(.forwardTransitive, Self.schema1, [Self.schema2]))
        #expect(!compatible(.forwardTransitive, Self.schema1, [Self.schema2, Self.schema3]))
    }

    // testBasicFullCompatibility
    @Test func basicFullCompatibility() {
        #expect(compatible(.full, Self.schema2, [Self.schema1]))
        #expect(compatible(.full, Self.schema3, [Self.schema1, Self.schema2]))  // only schema2 is checked
        #expect(compatible(.full, Self.schema1, [Self.schema3, Self.schema2]))  // only schema2 is checked
    }

    // testBasicFullTransitiveCompatibility
    @Test func basicFullTransitiveCompatibility() {
        #expect(compatible(.fullTransitive, Self.schema8, [Self.schema1, Self.schema2]))
        #expect(compatible(.fullTransitive, Self.schema1, [Self.schema8, Self.schema2]))
        #expect(compatible(.fullTransitive, Self.schema2, [Self.schema3]))
        #expect(compatible(.fullTransitive, Self.schema1, [Self.schema2]))
        #expect(compatible(.fullTransitive, Self.schema2, [Self.schema1]))
        #expect(compatible(.fullTransitive, Self.schema3, [Self.schema2]))
        #expect(!compatible(.fullTransitive, Self.schema3, [Self.schema2, Self.schema1]))
        #expect(!compatible(.fullTransitive, Self.schema1, [Self.schema2, Self.schema3]))
    }

    // NONE accepts anything.
    @Test func noneAcceptsAnything() {
        #expect(compatible(.none, Self.schema3, [Self.schema1, Self.schema6]))
    }
}

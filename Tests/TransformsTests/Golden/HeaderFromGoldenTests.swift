import ConnectAPI
import Testing

@testable import Transforms

/// apache/kafka connect/transforms/src/test/java/org/apache/kafka/connect/transforms/HeaderFromTest.java
@Suite struct HeaderFromGoldenTests {
    /// HeaderFromTest's RecordBuilder: fields of the key or value, and headers.
    struct Shape: Sendable, CustomTestStringConvertible {
        var fields: [(String, Schema, Value)] = []
        var headers: [(String, Schema, Value)] = []
        var testDescription: String { "\(fields.map(\.0)) \(headers.map(\.0))" }

        func field(_ name: String, _ schema: Schema, _ value: Value) -> Shape {
            var s = self
            s.fields.append((name, schema, value))
            return s
        }
        func header(_ name: String, _ schema: Schema, _ value: Value) -> Shape {
            var s = self
            s.headers.append((name, schema, value))
            return s
        }

        func record(key: Bool, schemaless: Bool) -> SourceRecord {
            let schema = Schema.struct(fields.map { ($0.0, $0.1) })
            let operand: Value =
                schemaless
                ? .map(fields.map { MapEntry(key: .string($0.0), value: $0.2) })
                : .struct(Struct(schema: schema, values: fields.map(\.2)))
            let headers = self.headers.map { ConnectHeader(key: $0.0, schema: schemaless ? nil : $0.1, value: $0.2) }
            return SourceRecord(
                sourcePartition: ["foo": "bar"], sourceOffset: ["baz": "quxx"], topic: "topic", kafkaPartition: 0,
                keySchema: key && !schemaless ? schema : nil, key: key ? operand : .string("key"),
                valueSchema: !key && !schemaless ? schema : nil, value: key ? .string("value") : operand, timestamp: 0,
                headers: headers)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let description: String
        let original: Shape
        let fields: [String]
        let headers: [String]
        let operation: String
        let replaceNullWithDefault: Bool
        let expected: Shape
        var testDescription: String { description }
    }

    static let s = Schema.string
    static let fooSchema = Schema.struct([("foo", .string)])
    static let foo = Value.struct(Struct(schema: fooSchema, values: [.string("foo-value")]))
    static let withDefault = Schema(type: .string, optional: true, defaultValue: .string("default"))
    static let two = Shape().field("field1", s, .string("field1-value")).field("field2", s, .string("field2-value"))

    /// HeaderFromTest data(): the ten scenarios.
    static let cases: [Case] = [
        Case(
            description: "basic copy", original: two.header("header1", s, .string("existing-value")),
            fields: ["field1"], headers: ["inserted1"], operation: "copy", replaceNullWithDefault: true,
            expected: two.header("header1", s, .string("existing-value")).header(
                "inserted1", s, .string("field1-value"))),
        Case(
            description: "basic move", original: two.header("header1", s, .string("existing-value")),
            fields: ["field1"], headers: ["inserted1"], operation: "move", replaceNullWithDefault: true,
            expected: Shape().field("field2", s, .string("field2-value")).header(
                "header1", s, .string("existing-value")
            )
            .header("inserted1", s, .string("field1-value"))),
        Case(
            description: "copy with preexisting header",
            original: two.header("inserted1", s, .string("existing-value")),
            fields: ["field1"], headers: ["inserted1"], operation: "copy", replaceNullWithDefault: true,
            expected: two.header("inserted1", s, .string("existing-value")).header(
                "inserted1", s, .string("field1-value"))),
        Case(
            description: "move with preexisting header",
            original: two.header("inserted1", s, .string("existing-value")),
            fields: ["field1"], headers: ["inserted1"], operation: "move", replaceNullWithDefault: true,
            expected: Shape().field("field2", s, .string("field2-value")).header(
                "inserted1", s, .string("existing-value")
            )
            .header("inserted1", s, .string("field1-value"))),
        Case(
            description: "copy with struct value",
            original: Shape().field("field1", fooSchema, foo).field("field2", s, .string("field2-value"))
                .header("header1", s, .string("existing-value")),
            fields: ["field1"], headers: ["inserted1"], operation: "copy", replaceNullWithDefault: true,
            expected: Shape().field("field1", fooSchema, foo).field("field2", s, .string("field2-value"))
                .header("header1", s, .string("existing-value")).header("inserted1", fooSchema, foo)),
        Case(
            description: "move with struct value",
            original: Shape().field("field1", fooSchema, foo).field("field2", s, .string("field2-value"))
                .header("header1", s, .string("existing-value")),
            fields: ["field1"], headers: ["inserted1"], operation: "move", replaceNullWithDefault: true,
            expected: Shape().field("field2", s, .string("field2-value")).header(
                "header1", s, .string("existing-value")
            )
            .header("inserted1", fooSchema, foo)),
        Case(
            description: "two headers from same field", original: two.header("header1", s, .string("existing-value")),
            fields: ["field1", "field1"], headers: ["inserted1", "inserted2"], operation: "move",
            replaceNullWithDefault: true,
            expected: Shape().field("field2", s, .string("field2-value")).header(
                "header1", s, .string("existing-value")
            )
            .header("inserted1", s, .string("field1-value")).header("inserted2", s, .string("field1-value"))),
        Case(
            description: "two fields to same header", original: two.header("header1", s, .string("existing-value")),
            fields: ["field1", "field2"], headers: ["inserted1", "inserted1"], operation: "move",
            replaceNullWithDefault: true,
            expected: Shape().header("header1", s, .string("existing-value")).header(
                "inserted1", s, .string("field1-value")
            )
            .header("inserted1", s, .string("field2-value"))),
        Case(
            description: "Copy null field without default",
            original: Shape().field("field1", withDefault, .string("field1-value")).field("field2", withDefault, .null)
                .header("header1", s, .string("existing-value")),
            fields: ["field1", "field2"], headers: ["inserted1", "inserted2"], operation: "copy",
            replaceNullWithDefault: false,
            expected: Shape().field("field1", withDefault, .string("field1-value")).field("field2", withDefault, .null)
                .header("header1", s, .string("existing-value")).header(
                    "inserted1", withDefault, .string("field1-value")
                )
                .header("inserted2", withDefault, .null)),
        Case(
            description: "Move null field without default",
            original: Shape().field("field1", withDefault, .string("field1-value")).field("field2", withDefault, .null)
                .header("header1", s, .string("existing-value")),
            fields: ["field1", "field2"], headers: ["inserted1", "inserted2"], operation: "move",
            replaceNullWithDefault: false,
            expected: Shape().header("header1", s, .string("existing-value"))
                .header("inserted1", withDefault, .string("field1-value")).header("inserted2", withDefault, .null)),
    ]

    static func transform(_ c: Case, key: Bool) throws -> HeaderFrom {
        try HeaderFrom(
            key ? .key : .value,
            config: [
                "fields": c.fields.joined(separator: ","), "headers": c.headers.joined(separator: ","),
                "operation": c.operation, "replace.null.with.default": String(c.replaceNullWithDefault),
            ])
    }

    // HeaderFromTest schemaless (every data() case, for the key and the value)
    @Test(arguments: cases, [true, false])
    func schemaless(c: Case, key: Bool) throws {
        let r = try Self.transform(c, key: key).apply(c.original.record(key: key, schemaless: true))
        #expect(r == c.expected.record(key: key, schemaless: true))
    }

    // HeaderFromTest withSchema (every data() case, for the key and the value)
    @Test(arguments: cases, [true, false])
    func withSchema(c: Case, key: Bool) throws {
        let r = try Self.transform(c, key: key).apply(c.original.record(key: key, schemaless: false))
        #expect(r == c.expected.record(key: key, schemaless: false))
    }

    // HeaderFromTest invalidConfigExtraHeaderConfig, invalidConfigExtraFieldConfig,
    // invalidConfigEmptyHeadersAndFieldsConfig (for the key and the value)
    @Test(
        arguments: [(["foo"], ["foo", "bar"]), (["foo", "bar"], ["foo"]), ([], [])] as [([String], [String])],
        [
            Operand.key, .value,
        ])
    func invalidConfigs(headersAndFields: ([String], [String]), operand: Operand) {
        let (headers, fields) = headersAndFields
        #expect(throws: ConfigException.self) {
            try HeaderFrom(
                operand,
                config: [
                    "headers": headers.joined(separator: ","), "fields": fields.joined(separator: ","),
                    "operation": "copy",
                ])
        }
    }
}

import Avro
import ConnectAPI
import Testing

/// `AvroSchema.json` is Java's `Schema.toString()` (what Confluent's registry stores and returns, and the
/// serializers send): Java's attribute order, namespaces relative to the enclosing one, names written
/// again as references, aliases relative to the namespace, JSON values as Jackson writes them. Expected
/// texts follow apache/avro lang/java/avro/src/main/java/org/apache/avro/Schema.java (toJson, Name.writeName,
/// Name.getQualified, NamedSchema.aliasesToJson, fieldsToJson, JsonProperties.writeProps).
@Suite struct AvroSchemaRenderingTests {
    func render(_ text: String) throws -> String { try AvroSchemaParser.parse(text).json }

    // The reported defect: a nested named type of the enclosing namespace has no "namespace" of its own.
    @Test func nestedNamedTypeInTheEnclosingNamespace() throws {
        let submitted =
            #"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}]}"#
        #expect(try render(submitted) == submitted)
        #expect(
            try render(
                #"{"namespace":"ns","fields":[{"type":{"symbols":["A"],"name":"E","type":"enum"},"name":"e"}],"name":"R","type":"record"}"#
            )
                == submitted)
        // Spelled with the (same) namespace or as a full name, the nested type is still written bare.
        #expect(
            try render(
                #"{"type":"record","name":"ns.R","fields":[{"name":"e","type":{"type":"enum","name":"ns.E","symbols":["A"]}},{"name":"f","type":{"type":"fixed","name":"F","namespace":"ns","size":2}}]}"#
            )
                == #"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"f","type":{"type":"fixed","name":"F","size":2}}]}"#
        )
    }

    // apache/avro lang/java/ipc/src/test/java/org/apache/avro/TestSchema.java nestedNullNamespace,
    // nestedNullNamespaceReferencing, nestedNullNamespaceReferencingWithUnion: a type without a namespace
    // inside one with a namespace is written with "namespace":"", later uses by its name; the text
    // parses back to the same schema.
    @Test func nullNamespaceInsideANamespace() throws {
        let inner = AvroSchema.record(name: "Inner", namespace: nil, doc: nil, fields: [], props: [])
        let outer = AvroSchema.record(
            name: "Outer", namespace: "space", doc: nil, fields: [AvroField(name: "f", type: inner)], props: [])
        #expect(
            outer.json
                == #"{"type":"record","name":"Outer","namespace":"space","fields":[{"name":"f","type":{"type":"record","name":"Inner","namespace":"","fields":[]}}]}"#
        )
        #expect(try AvroSchemaParser.parse(outer.json) == outer)
        #expect(try AvroSchemaParser.parse(outer.json).canonicalForm.contains(#"{"name":"Inner","type":"record""#))

        let twice = AvroSchema.record(
            name: "Outer", namespace: "space", doc: nil,
            fields: [AvroField(name: "f1", type: inner), AvroField(name: "f2", type: inner)], props: [])
        #expect(
            twice.json
                == #"{"type":"record","name":"Outer","namespace":"space","fields":[{"name":"f1","type":{"type":"record","name":"Inner","namespace":"","fields":[]}},{"name":"f2","type":"Inner"}]}"#
        )
        #expect(try AvroSchemaParser.parse(twice.json).json == twice.json)

        let union = AvroSchema.union([inner, .null])
        let withUnion = AvroSchema.record(
            name: "Outer", namespace: "space", doc: nil,
            fields: [AvroField(name: "f1", type: union), AvroField(name: "f2", type: union)], props: [])
        #expect(
            withUnion.json
                == #"{"type":"record","name":"Outer","namespace":"space","fields":[{"name":"f1","type":[{"type":"record","name":"Inner","namespace":"","fields":[]},"null"]},{"name":"f2","type":["Inner","null"]}]}"#
        )
        #expect(try AvroSchemaParser.parse(withUnion.json).json == withUnion.json)
    }

    // apache/avro lang/java/ipc/src/test/java/org/apache/avro/TestSchema.java deeplyNestedNullNamespace
    @Test func deeplyNestedNullNamespace() throws {
        let inner = try AvroSchemaParser.parse(
            #"{"type":"record","name":"Inner","fields":[{"name":"x","type":{"type":"record","name":"Deeper","fields":[{"name":"y","type":"int"}]}}]}"#
        )
        let outer = AvroSchema.record(
            name: "Outer", namespace: "space", doc: nil, fields: [AvroField(name: "f", type: inner)], props: [])
        #expect(
            outer.json
                == #"{"type":"record","name":"Outer","namespace":"space","fields":[{"name":"f","type":{"type":"record","name":"Inner","namespace":"","fields":[{"name":"x","type":{"type":"record","name":"Deeper","fields":[{"name":"y","type":"int"}]}}]}}]}"#
        )
        #expect(try AvroSchemaParser.parse(outer.json) == outer)
    }

    // apache/avro lang/java/ipc/src/test/java/org/apache/avro/TestSchema.java nestedNonNullNamespace1,
    // nestedNonNullNamespace2: types of a namespace inside a record without one carry their namespace.
    @Test func namespaceInsideNoNamespace() throws {
        let outer = AvroSchema.record(
            name: "Outer", namespace: nil, doc: nil,
            fields: [
                AvroField(name: "f1", type: .enum(name: "InnerEnum", namespace: "space", symbols: ["x"])),
                AvroField(name: "f2", type: .fixed(name: "InnerFixed", namespace: "space", size: 1)),
                AvroField(
                    name: "f3",
                    type: try AvroSchemaParser.parse(
                        #"{"type":"record","namespace":"space","name":"InnerRecord","fields":[]}"#)),
            ], props: [])
        #expect(
            outer.json
                == #"{"type":"record","name":"Outer","fields":[{"name":"f1","type":{"type":"enum","name":"InnerEnum","namespace":"space","symbols":["x"]}},{"name":"f2","type":{"type":"fixed","name":"InnerFixed","namespace":"space","size":1}},{"name":"f3","type":{"type":"record","name":"InnerRecord","namespace":"space","fields":[]}}]}"#
        )
        #expect(try AvroSchemaParser.parse(outer.json) == outer)
    }

    // apache/avro lang/java/ipc/src/test/java/org/apache/avro/TestSchema.java namespaceNesting, namespaceScope:
    // a reference from another namespace is its full name; a reference of the enclosing one its short name.
    @Test func referencesRelativeToTheNamespace() throws {
        let x = try AvroSchemaParser.parse(
            #"{"type":"record","name":"x.X","fields":[{"name":"f","type":{"type":"record","name":"y.Y","fields":[{"name":"f","type":"x.X"}]}}]}"#
        )
        #expect(
            x.json
                == #"{"type":"record","name":"X","namespace":"x","fields":[{"name":"f","type":{"type":"record","name":"Y","namespace":"y","fields":[{"name":"f","type":"x.X"}]}}]}"#
        )
        #expect(try AvroSchemaParser.parse(x.json) == x)
        let scope = try AvroSchemaParser.parse(
            #"{"type":"record","name":"p.X","fields":[{"name":"f","type":{"type":"record","name":"q.Y","fields":[{"name":"f","type":{"type":"record","name":"Z","fields":[]}}]}},{"name":"g","type":{"type":"record","name":"Z","fields":[]}}]}"#
        )
        #expect(scope.canonicalForm.contains(#""name":"q.Z""#) && scope.canonicalForm.contains(#""name":"p.Z""#))
        let node = try render(#"{"type":"record","name":"a.Node","fields":[{"name":"next","type":["null","a.Node"]}]}"#)
        #expect(
            node
                == #"{"type":"record","name":"Node","namespace":"a","fields":[{"name":"next","type":["null","Node"]}]}"#
        )
        // A name that is also a type's name keeps its namespace (Java's Name.shouldWriteFull).
        #expect(
            try render(
                #"{"type":"record","name":"a.R","fields":[{"name":"x","type":{"type":"fixed","name":"string","size":1}},{"name":"y","type":"a.string"}]}"#
            )
                == #"{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":{"type":"fixed","name":"string","size":1}},{"name":"y","type":"a.string"}]}"#
        )
    }

    // apache/avro lang/java/ipc/src/test/java/org/apache/avro/TestSchema.java aliases: record, enum and fixed
    // aliases come last, relative to the type's namespace; field aliases after the field's attributes.
    @Test func aliasesLastAndRelative() throws {
        #expect(
            try render(
                #"{"type":"record","name":"x.y","aliases":["a.b"],"fields":[{"name":"g","type":"long","aliases":["f"]},{"name":"h","type":"int"}]}"#
            )
                == #"{"type":"record","name":"y","namespace":"x","fields":[{"name":"g","type":"long","aliases":["f"]},{"name":"h","type":"int"}],"aliases":["a.b"]}"#
        )
        #expect(
            try render(#"{"type":"enum","name":"a.c","aliases":["b","a.d","b"],"symbols":["x"]}"#)
                == #"{"type":"enum","name":"c","namespace":"a","symbols":["x"],"aliases":["b","d"]}"#)
        #expect(
            try render(#"{"type":"fixed","name":"b","aliases":["a"],"size":5}"#)
                == #"{"type":"fixed","name":"b","size":5,"aliases":["a"]}"#)
        #expect(
            try render(#"{"aliases":["Old"],"x-prop":true,"type":"record","name":"R","fields":[]}"#)
                == #"{"type":"record","name":"R","fields":[],"x-prop":true,"aliases":["Old"]}"#)
    }

    // apache/avro lang/java/ipc/src/test/java/org/apache/avro/TestSchema.java propOrdering
    @Test func propertiesKeepTheirOrder() throws {
        #expect(try render(#"{"type":"int","z":"c","yy":"b","x":"a"}"#) == #"{"type":"int","z":"c","yy":"b","x":"a"}"#)
        #expect(try render(#"{"type":"string"}"#) == #""string""#)
        #expect(try render(#"{"type":"string","doc":"ignored","aliases":["x"]}"#) == #""string""#)
        #expect(
            try render(#"{"logicalType":"decimal","type":"bytes","scale":2,"precision":4}"#)
                == #"{"type":"bytes","logicalType":"decimal","scale":2,"precision":4}"#)
        // Arrays and maps keep their properties too (after items / values).
        #expect(
            try render(#"{"x":1,"type":"array","items":"long"}"#) == #"{"type":"array","items":"long","x":1}"#)
        #expect(
            try render(#"{"type":"map","java-key-class":"java.io.File","values":"int"}"#)
                == #"{"type":"map","values":"int","java-key-class":"java.io.File"}"#)
    }

    // apache/avro share/test/data/schema-tests.txt case 026 rendered as Java's fieldsToJson does: name, type,
    // doc, default, order (only when not ascending), aliases (only when any), properties.
    @Test func fieldAttributesInJavasOrder() throws {
        #expect(
            try render(
                #"{"fields":[{"type":"boolean","aliases":[],"name":"f1","default":true},{"order":"descending","name":"f2","doc":"Hello","type":"int"},{"x":[1],"order":"ignore","aliases":["o"],"default":3,"doc":"d","type":"int","name":"f3"}],"type":"record","name":"foo"}"#
            )
                == #"{"type":"record","name":"foo","fields":[{"name":"f1","type":"boolean","default":true},{"name":"f2","type":"int","doc":"Hello","order":"descending"},{"name":"f3","type":"int","doc":"d","default":3,"order":"ignore","aliases":["o"],"x":[1]}]}"#
        )
        #expect(
            try render(#"{"type":"record","name":"r","fields":[{"name":"a","type":"int","order":"ASCENDING"}]}"#)
                == #"{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}"#)
        #expect(throws: AvroSchemaError.self) {
            try AvroSchemaParser.parse(
                #"{"type":"record","name":"r","fields":[{"name":"a","type":"int","order":"up"}]}"#)
        }
    }

    // Java's EnumSchema.toJson: type, name, namespace, doc, symbols, default, properties, aliases.
    @Test func enumAttributesAndDefault() throws {
        #expect(
            try render(
                #"{"aliases":["Old"],"x-prop":1,"default":"A","doc":"d","symbols":["A","B"],"name":"E","type":"enum"}"#)
                == #"{"type":"enum","name":"E","doc":"d","symbols":["A","B"],"default":"A","x-prop":1,"aliases":["Old"]}"#
        )
        #expect(throws: AvroSchemaError.self) {
            try AvroSchemaParser.parse(#"{"type":"enum","name":"E","symbols":["A"],"default":"Z"}"#)
        }
        // A default that is not a string is no default for Java (textValue() is null).
        #expect(
            try render(#"{"type":"enum","name":"E","symbols":["A"],"default":1}"#)
                == #"{"type":"enum","name":"E","symbols":["A"]}"#)
    }

    // apache/avro lang/java/ipc/src/test/java/org/apache/avro/TestSchema.java docs, fieldDocs; and errors.
    @Test func docsAndErrors() throws {
        let text =
            #"{"type":"error","name":"Oops","namespace":"n","doc":"This is not a world record.","fields":[{"name":"inner_fixed","type":{"type":"fixed","name":"VeryInner","doc":"Very Inner Fixed","size":1},"doc":"Inner Fixed"},{"name":"inner_enum","type":{"type":"enum","name":"E","doc":"Very Inner Enum","symbols":["A"]},"doc":"Inner Enum"}]}"#
        #expect(try render(text) == text)
    }

    // Defaults and properties are Jackson trees re-serialized: integers as written, other numbers as Java
    // doubles, a float/double field's string default as a number (apache/avro Schema.parseField; TestSchema.java
    // testDouble checkDefault "NaN", "Infinity", "-Infinity"), strings with Jackson's escapes.
    @Test func defaultsAsJacksonWritesThem() throws {
        let text =
            #"{"type":"record","name":"N","fields":[{"name":"a","type":"double","default":1},{"name":"b","type":"double","default":1.50},{"name":"c","type":"float","default":1e10},{"name":"d","type":"double","default":"NaN"},{"name":"e","type":"double","default":"-Infinity"},{"name":"f","type":"float","default":"2.5"},{"name":"g","type":"double","default":-0.0},{"name":"h","type":"double","default":0.00001},{"name":"i","type":"bytes","default":"\u00ff\u0000\u001f"},{"name":"j","type":{"type":"array","items":"double"},"default":[1E2,2]},{"name":"k","type":["null","string"],"default":null}],"x":{"b":1.0,"a":"\/"}}"#
        #expect(
            try render(text)
                == #"{"type":"record","name":"N","fields":[{"name":"a","type":"double","default":1},{"name":"b","type":"double","default":1.5},{"name":"c","type":"float","default":1.0E10},{"name":"d","type":"double","default":"NaN"},{"name":"e","type":"double","default":"-Infinity"},{"name":"f","type":"float","default":2.5},{"name":"g","type":"double","default":-0.0},{"name":"h","type":"double","default":1.0E-5},{"name":"i","type":"bytes","default":"ÿ\u0000\u001F"},{"name":"j","type":{"type":"array","items":"double"},"default":[100.0,2]},{"name":"k","type":["null","string"],"default":null}],"x":{"b":1.0,"a":"/"}}"#
        )
        #expect(
            try render(#"{"type":"record","name":"r","doc":"tab\tbell\u0007\b\f","fields":[]}"#)
                == #"{"type":"record","name":"r","doc":"tab\tbell\u0007\b\f","fields":[]}"#)
        #expect(throws: AvroSchemaError.self) {
            try AvroSchemaParser.parse(
                #"{"type":"record","name":"r","fields":[{"name":"a","type":"double","default":"x"}]}"#)
        }
    }

    // apache/avro lang/java/ipc/src/test/java/org/apache/avro/TestSchema.java union, complexUnions: unions are
    // arrays of their branches; named branches of different namespaces keep them.
    @Test func unionsAndTopLevelTypes() throws {
        #expect(try render(#"[ "string" , "long" ]"#) == #"["string","long"]"#)
        #expect(
            try render(
                #"["int","long","float","double","boolean","bytes","string",{"type":"array","items":"long"},{"type":"map","values":"long"},{"type":"record","name":"Foo","fields":[]},{"type":"fixed","name":"Bar","size":1},{"type":"enum","name":"Baz","symbols":["X"]}]"#
            )
                == #"["int","long","float","double","boolean","bytes","string",{"type":"array","items":"long"},{"type":"map","values":"long"},{"type":"record","name":"Foo","fields":[]},{"type":"fixed","name":"Bar","size":1},{"type":"enum","name":"Baz","symbols":["X"]}]"#
        )
        #expect(
            try render(#"[{"type":"record","name":"x.A","fields":[]},{"type":"record","name":"y.A","fields":[]}]"#)
                == #"[{"type":"record","name":"A","namespace":"x","fields":[]},{"type":"record","name":"A","namespace":"y","fields":[]}]"#
        )
        #expect(
            try render(
                #"{"type":"record","name":"Node","fields":[{"name":"label","type":"string"},{"name":"children","type":{"type":"array","items":"Node"}}]}"#
            )
                == #"{"type":"record","name":"Node","fields":[{"name":"label","type":"string"},{"name":"children","type":{"type":"array","items":"Node"}}]}"#
        )
    }
}

/// Java's `Schema.isValidDefault` (apache/avro lang/java/avro/src/main/java/org/apache/avro/Schema.java,
/// Avro 1.12: a union default may fit any branch), applied when Confluent's registry parses a new schema.
@Suite struct AvroDefaultValidationTests {
    func field(_ type: String, _ def: String) -> String {
        #"{"type":"record","name":"r","fields":[{"name":"f","type":\#(type),"default":\#(def)}]}"#
    }
    func accepted(_ type: String, _ def: String) -> Bool {
        (try? AvroSchemaParser.parse(field(type, def), validateDefaults: true)) != nil
    }

    @Test func defaultsMustFitTheirType() throws {
        // apache/avro lang/java/ipc/src/test/java/org/apache/avro/TestSchema.java union: checkDefault cases.
        #expect(accepted(#"["double","long"]"#, "1.1"))
        #expect(accepted(#"["double","string"]"#, #""TheString""#))
        #expect(accepted(#"["null","int"]"#, "0"))
        #expect(accepted(#"["null","bytes"]"#, #""01""#))
        #expect(accepted(#"["null","boolean"]"#, "true"))
        for type in ["int", "long", "float", "double", "string", "bytes", "boolean"] {
            #expect(accepted("[\"\(type)\",\"null\"]", "null"), "\(type)")
        }
        // TestSchema.java testDouble: "NaN", "Infinity" and "-Infinity" are numbers to a double field.
        #expect(accepted(#""double""#, #""NaN""#) && accepted(#""float""#, #""-Infinity""#))
        #expect(accepted(#""long""#, "3000000000") && !accepted(#""int""#, "3000000000"))
        #expect(!accepted(#""long""#, "1.5") && !accepted(#""long""#, "12345678901234567890"))
        #expect(!accepted(#""boolean""#, "0") && !accepted(#""string""#, "null"))
        #expect(
            accepted(#"{"type":"array","items":"int"}"#, "[1,2]")
                && !accepted(#"{"type":"array","items":"int"}"#, #"["a"]"#))
        #expect(
            accepted(#"{"type":"map","values":"int"}"#, #"{"a":1}"#)
                && !accepted(#"{"type":"map","values":"int"}"#, "[]"))
        let rec =
            #"{"type":"record","name":"in","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":2}]}"#
        #expect(accepted(rec, #"{"a":1}"#) && !accepted(rec, #"{"b":1}"#))
        #expect(accepted(#"{"type":"enum","name":"e","symbols":["A"]}"#, #""A""#))
    }

    @Test func theMessageNamesFieldDefaultAndType() {
        #expect {
            try AvroSchemaParser.parse(field(#""int""#, #""x""#), validateDefaults: true)
        } throws: { ($0 as? AvroSchemaError)?.message == #"Invalid default for field f: "x" not a "int""# }
        // Without validation (stored schemas, lookups) the default is kept as written.
        #expect((try? AvroSchemaParser.parse(field(#""int""#, #""x""#))) != nil)
    }
}

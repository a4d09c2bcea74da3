import Avro
import Testing

/// Java's own SchemaCompatibility cases: apache/avro lang/java/avro/src/test/java/org/apache/avro/
/// TestSchemaCompatibility.java (COMPATIBLE_READER_WRITER_TEST_CASES) and the table-driven
/// TestSchemaCompatibilityTypeMismatch, …NameMismatch, …FixedSizeMismatch, …MissingEnumSymbols,
/// …MissingUnionBranch, …ReaderFieldMissingDefaultValue (reader, writer, message, location). The schemas
/// are those of TestSchemas.java, written as JSON.
@Suite struct AvroSchemaCompatibilityGoldenTests {
    static let record1WithInt = #"{"type":"record","name":"Record1","fields":[{"name":"field1","type":"int"}]}"#
    static let record2WithInt = #"{"type":"record","name":"Record2","fields":[{"name":"field1","type":"int"}]}"#
    static let enum1AB = #"{"type":"enum","name":"Enum1","symbols":["A","B"]}"#
    static let enum1ABC = #"{"type":"enum","name":"Enum1","symbols":["A","B","C"]}"#
    static let enum2AB = #"{"type":"enum","name":"Enum2","symbols":["A","B"]}"#
    static let fixed4 = #"{"type":"fixed","name":"Fixed","size":4}"#
    static let fixed8 = #"{"type":"fixed","name":"Fixed","size":8}"#
    static func record1(_ fields: String) -> String { #"{"type":"record","name":"Record1","fields":[\#(fields)]}"# }
    static func enumRecord(_ symbols: String, enumDefault: String, fieldDefault: String? = nil) -> String {
        let d = fieldDefault.map { #","default":"\#($0)""# } ?? ""
        return
            #"{"type":"record","name":"Record","fields":[{"name":"Field","type":{"type":"enum","name":"Schema","symbols":[\#(symbols)],"default":"\#(enumDefault)"}\#(d)}]}"#
    }
    static func nsRecord(_ ns: String) -> String {
        #"{"type":"record","name":"Record1","fields":[{"name":"f1","type":["null",{"type":"array","items":{"type":"record","name":"InnerRecord1","namespace":"\#(ns)","fields":[{"name":"a","type":"int"}]}}]}]}"#
    }
    static func list(_ t: String) -> String {
        #"{"type":"record","name":"List","fields":[{"name":"head","type":"\#(t)"},{"name":"tail","type":"List"}]}"#
    }

    static let s: [String: String] = [
        "NULL": #""null""#, "BOOLEAN": #""boolean""#, "INT": #""int""#, "LONG": #""long""#, "FLOAT": #""float""#,
        "DOUBLE": #""double""#, "STRING": #""string""#, "BYTES": #""bytes""#,
        "INT_ARRAY": #"{"type":"array","items":"int"}"#, "LONG_ARRAY": #"{"type":"array","items":"long"}"#,
        "INT_MAP": #"{"type":"map","values":"int"}"#, "LONG_MAP": #"{"type":"map","values":"long"}"#,
        "ENUM1_AB": enum1AB, "ENUM1_AB_DEFAULT": #"{"type":"enum","name":"Enum1","symbols":["A","B"],"default":"A"}"#,
        "ENUM1_AB_NS1": #"{"type":"enum","name":"Enum1","namespace":"namespace1","symbols":["A","B"]}"#,
        "ENUM1_AB_NS2": #"{"type":"enum","name":"Enum1","namespace":"namespace2","symbols":["A","B"]}"#,
        "ENUM1_ABC": enum1ABC, "ENUM1_BC": #"{"type":"enum","name":"Enum1","symbols":["B","C"]}"#, "ENUM2_AB": enum2AB,
        "ENUM_ABC_ENUM_DEFAULT_A_RECORD": enumRecord(#""A","B","C""#, enumDefault: "A"),
        "ENUM_AB_ENUM_DEFAULT_A_RECORD": enumRecord(#""A","B""#, enumDefault: "A"),
        "ENUM_ABC_FIELD_DEFAULT_B_ENUM_DEFAULT_A_RECORD": enumRecord(
            #""A","B","C""#, enumDefault: "A", fieldDefault: "B"),
        "ENUM_AB_FIELD_DEFAULT_A_ENUM_DEFAULT_B_RECORD": enumRecord(#""A","B""#, enumDefault: "B", fieldDefault: "A"),
        "EMPTY_UNION": "[]", "INT_UNION": #"["int"]"#, "LONG_UNION": #"["long"]"#, "FLOAT_UNION": #"["float"]"#,
        "DOUBLE_UNION": #"["double"]"#, "STRING_UNION": #"["string"]"#, "BYTES_UNION": #"["bytes"]"#,
        "INT_STRING_UNION": #"["int","string"]"#, "STRING_INT_UNION": #"["string","int"]"#,
        "INT_FLOAT_UNION": #"["int","float"]"#, "INT_LONG_UNION": #"["int","long"]"#,
        "INT_LONG_FLOAT_DOUBLE_UNION": #"["int","long","float","double"]"#,
        "EMPTY_RECORD1": record1(""), "EMPTY_RECORD2": #"{"type":"record","name":"Record2","fields":[]}"#,
        "A_INT_RECORD1": record1(#"{"name":"a","type":"int"}"#),
        "A_LONG_RECORD1": record1(#"{"name":"a","type":"long"}"#),
        "A_INT_B_INT_RECORD1": record1(#"{"name":"a","type":"int"},{"name":"b","type":"int"}"#),
        "A_DINT_RECORD1": record1(#"{"name":"a","type":"int","default":0}"#),
        "A_INT_B_DINT_RECORD1": record1(#"{"name":"a","type":"int"},{"name":"b","type":"int","default":0}"#),
        "A_DINT_B_DINT_RECORD1": record1(
            #"{"name":"a","type":"int","default":0},{"name":"b","type":"int","default":0}"#),
        "A_DINT_B_DFIXED_4_BYTES_RECORD1": record1(
            #"{"name":"a","type":"int","default":0},{"name":"b","type":\#(fixed4)}"#),
        "A_DINT_B_DFIXED_8_BYTES_RECORD1": record1(
            #"{"name":"a","type":"int","default":0},{"name":"b","type":\#(fixed8)}"#),
        "A_DINT_B_DINT_STRING_UNION_RECORD1": record1(
            #"{"name":"a","type":"int","default":0},{"name":"b","type":["int","string"],"default":0}"#),
        "A_DINT_B_DINT_UNION_RECORD1": record1(
            #"{"name":"a","type":"int","default":0},{"name":"b","type":["int"],"default":0}"#),
        "A_DINT_B_DENUM_1_RECORD1": record1(#"{"name":"a","type":"int","default":0},{"name":"b","type":\#(enum1AB)}"#),
        "A_DINT_B_DENUM_2_RECORD1": record1(#"{"name":"a","type":"int","default":0},{"name":"b","type":\#(enum2AB)}"#),
        "FIXED_4_BYTES": fixed4, "FIXED_8_BYTES": fixed8,
        "FIXED_4_ANOTHER_NAME": #"{"type":"fixed","name":"AnotherName","size":4}"#,
        "NS_RECORD1": nsRecord("ns1"), "NS_RECORD2": nsRecord("ns2"),
        "WITHOUT_NS": #"{"type":"record","name":"Record","fields":[{"name":"f1","type":"int"}]}"#,
        "WITH_NS": #"{"type":"record","name":"ns.Record","fields":[{"name":"f1","type":"int"}]}"#,
        "INT_LIST_RECORD": list("int"), "LONG_LIST_RECORD": list("long"),
        "UNION_INT_RECORD1": "[\"int\",\(record1WithInt)]", "UNION_INT_RECORD2": "[\"int\",\(record2WithInt)]",
        "UNION_INT_ENUM1_AB": "[\"int\",\(enum1AB)]", "UNION_INT_FIXED_4_BYTES": "[\"int\",\(fixed4)]",
        "UNION_INT_BOOLEAN": #"["int","boolean"]"#, "UNION_INT_ARRAY_INT": #"["int",{"type":"array","items":"int"}]"#,
        "UNION_INT_MAP_INT": #"["int",{"type":"map","values":"int"}]"#, "UNION_INT_NULL": #"["int","null"]"#,
        "RECORD1_WITH_ENUM_AB": #"{"type":"record","name":"Record1","fields":[{"name":"field1","type":\#(enum1AB)}]}"#,
        "RECORD1_WITH_ENUM_ABC":
            #"{"type":"record","name":"Record1","fields":[{"name":"field1","type":\#(enum1ABC)}]}"#,
    ]

    func check(_ reader: String, _ writer: String) throws -> [AvroCompatibility.Incompatibility] {
        let r = try AvroSchemaParser.parse(try #require(Self.s[reader], "\(reader)"))
        let w = try AvroSchemaParser.parse(try #require(Self.s[writer], "\(writer)"))
        return AvroCompatibility.check(reader: r, writer: w)
    }

    // TestSchemaCompatibility.java COMPATIBLE_READER_WRITER_TEST_CASES (reader, writer)
    static let compatible: [(String, String)] = [
        ("BOOLEAN", "BOOLEAN"), ("INT", "INT"), ("LONG", "INT"), ("LONG", "LONG"), ("FLOAT", "INT"), ("FLOAT", "LONG"),
        ("DOUBLE", "LONG"), ("DOUBLE", "INT"), ("DOUBLE", "FLOAT"), ("STRING", "STRING"), ("BYTES", "BYTES"),
        ("INT_ARRAY", "INT_ARRAY"), ("LONG_ARRAY", "INT_ARRAY"), ("INT_MAP", "INT_MAP"), ("LONG_MAP", "INT_MAP"),
        ("ENUM1_AB", "ENUM1_AB"), ("ENUM1_ABC", "ENUM1_AB"), ("ENUM1_AB_DEFAULT", "ENUM1_ABC"),
        ("ENUM1_AB", "ENUM1_AB_NS1"), ("ENUM1_AB_NS1", "ENUM1_AB"), ("ENUM1_AB_NS1", "ENUM1_AB_NS2"),
        ("STRING", "BYTES"), ("BYTES", "STRING"),
        ("EMPTY_UNION", "EMPTY_UNION"), ("FLOAT_UNION", "EMPTY_UNION"), ("FLOAT_UNION", "INT_UNION"),
        ("FLOAT_UNION", "LONG_UNION"), ("FLOAT_UNION", "INT_LONG_UNION"), ("INT_UNION", "INT_UNION"),
        ("INT_STRING_UNION", "STRING_INT_UNION"), ("INT_UNION", "EMPTY_UNION"), ("LONG_UNION", "EMPTY_UNION"),
        ("LONG_UNION", "INT_UNION"), ("FLOAT_UNION", "INT_UNION"), ("DOUBLE_UNION", "INT_UNION"),
        ("FLOAT_UNION", "LONG_UNION"), ("DOUBLE_UNION", "LONG_UNION"), ("FLOAT_UNION", "EMPTY_UNION"),
        ("DOUBLE_UNION", "FLOAT_UNION"), ("STRING_UNION", "EMPTY_UNION"), ("STRING_UNION", "BYTES_UNION"),
        ("BYTES_UNION", "EMPTY_UNION"), ("BYTES_UNION", "STRING_UNION"), ("DOUBLE_UNION", "INT_FLOAT_UNION"),
        ("FLOAT", "INT_FLOAT_UNION"), ("LONG", "INT_LONG_UNION"), ("DOUBLE", "INT_FLOAT_UNION"),
        ("DOUBLE", "INT_LONG_FLOAT_DOUBLE_UNION"),
        ("FLOAT", "FLOAT_UNION"), ("INT_UNION", "INT"), ("INT", "INT_UNION"),
        ("FIXED_4_BYTES", "FIXED_4_BYTES"),
        ("EMPTY_RECORD1", "EMPTY_RECORD1"), ("EMPTY_RECORD1", "A_INT_RECORD1"),
        ("A_INT_RECORD1", "A_INT_RECORD1"), ("A_DINT_RECORD1", "A_INT_RECORD1"), ("A_DINT_RECORD1", "A_DINT_RECORD1"),
        ("A_INT_RECORD1", "A_DINT_RECORD1"), ("A_LONG_RECORD1", "A_INT_RECORD1"),
        ("A_INT_RECORD1", "A_INT_B_INT_RECORD1"),
        ("A_DINT_RECORD1", "A_INT_B_INT_RECORD1"), ("A_INT_B_DINT_RECORD1", "A_INT_RECORD1"),
        ("A_DINT_B_DINT_RECORD1", "EMPTY_RECORD1"), ("A_DINT_B_DINT_RECORD1", "A_INT_RECORD1"),
        ("A_INT_B_INT_RECORD1", "A_DINT_B_DINT_RECORD1"),
        ("INT_LIST_RECORD", "INT_LIST_RECORD"), ("LONG_LIST_RECORD", "LONG_LIST_RECORD"),
        ("LONG_LIST_RECORD", "INT_LIST_RECORD"), ("NULL", "NULL"),
        ("ENUM_AB_ENUM_DEFAULT_A_RECORD", "ENUM_ABC_ENUM_DEFAULT_A_RECORD"),
        ("ENUM_AB_FIELD_DEFAULT_A_ENUM_DEFAULT_B_RECORD", "ENUM_ABC_FIELD_DEFAULT_B_ENUM_DEFAULT_A_RECORD"),
        ("NS_RECORD1", "NS_RECORD2"), ("WITHOUT_NS", "WITH_NS"),
    ]

    @Test func compatibleReaderWriterCases() throws {
        #expect(Self.compatible.count == 73)
        for (reader, writer) in Self.compatible {
            #expect(try check(reader, writer).isEmpty, "\(reader) reading \(writer)")
        }
    }

    /// (reader, writer, type, messages, locations) of the table-driven files.
    static let incompatible: [(String, String, String, [String], [String])] = [
        // TestSchemaCompatibilityTypeMismatch.java data()
        ("NULL", "INT", "TYPE_MISMATCH", ["reader type: NULL not compatible with writer type: INT"], ["/"]),
        ("NULL", "LONG", "TYPE_MISMATCH", ["reader type: NULL not compatible with writer type: LONG"], ["/"]),
        ("BOOLEAN", "INT", "TYPE_MISMATCH", ["reader type: BOOLEAN not compatible with writer type: INT"], ["/"]),
        ("INT", "NULL", "TYPE_MISMATCH", ["reader type: INT not compatible with writer type: NULL"], ["/"]),
        ("INT", "BOOLEAN", "TYPE_MISMATCH", ["reader type: INT not compatible with writer type: BOOLEAN"], ["/"]),
        ("INT", "LONG", "TYPE_MISMATCH", ["reader type: INT not compatible with writer type: LONG"], ["/"]),
        ("INT", "FLOAT", "TYPE_MISMATCH", ["reader type: INT not compatible with writer type: FLOAT"], ["/"]),
        ("INT", "DOUBLE", "TYPE_MISMATCH", ["reader type: INT not compatible with writer type: DOUBLE"], ["/"]),
        ("LONG", "FLOAT", "TYPE_MISMATCH", ["reader type: LONG not compatible with writer type: FLOAT"], ["/"]),
        ("LONG", "DOUBLE", "TYPE_MISMATCH", ["reader type: LONG not compatible with writer type: DOUBLE"], ["/"]),
        ("FLOAT", "DOUBLE", "TYPE_MISMATCH", ["reader type: FLOAT not compatible with writer type: DOUBLE"], ["/"]),
        ("DOUBLE", "STRING", "TYPE_MISMATCH", ["reader type: DOUBLE not compatible with writer type: STRING"], ["/"]),
        (
            "FIXED_4_BYTES", "STRING", "TYPE_MISMATCH", ["reader type: FIXED not compatible with writer type: STRING"],
            ["/"]
        ),
        ("STRING", "BOOLEAN", "TYPE_MISMATCH", ["reader type: STRING not compatible with writer type: BOOLEAN"], ["/"]),
        ("STRING", "INT", "TYPE_MISMATCH", ["reader type: STRING not compatible with writer type: INT"], ["/"]),
        ("BYTES", "NULL", "TYPE_MISMATCH", ["reader type: BYTES not compatible with writer type: NULL"], ["/"]),
        ("BYTES", "INT", "TYPE_MISMATCH", ["reader type: BYTES not compatible with writer type: INT"], ["/"]),
        ("A_INT_RECORD1", "INT", "TYPE_MISMATCH", ["reader type: RECORD not compatible with writer type: INT"], ["/"]),
        (
            "INT_ARRAY", "LONG_ARRAY", "TYPE_MISMATCH", ["reader type: INT not compatible with writer type: LONG"],
            ["/items"]
        ),
        ("INT_MAP", "INT_ARRAY", "TYPE_MISMATCH", ["reader type: MAP not compatible with writer type: ARRAY"], ["/"]),
        ("INT_ARRAY", "INT_MAP", "TYPE_MISMATCH", ["reader type: ARRAY not compatible with writer type: MAP"], ["/"]),
        (
            "INT_MAP", "LONG_MAP", "TYPE_MISMATCH", ["reader type: INT not compatible with writer type: LONG"],
            ["/values"]
        ),
        ("INT", "ENUM2_AB", "TYPE_MISMATCH", ["reader type: INT not compatible with writer type: ENUM"], ["/"]),
        ("ENUM2_AB", "INT", "TYPE_MISMATCH", ["reader type: ENUM not compatible with writer type: INT"], ["/"]),
        (
            "FLOAT", "INT_LONG_FLOAT_DOUBLE_UNION", "TYPE_MISMATCH",
            ["reader type: FLOAT not compatible with writer type: DOUBLE"], ["/3"]
        ),
        (
            "LONG", "INT_FLOAT_UNION", "TYPE_MISMATCH", ["reader type: LONG not compatible with writer type: FLOAT"],
            ["/1"]
        ),
        (
            "INT", "INT_FLOAT_UNION", "TYPE_MISMATCH", ["reader type: INT not compatible with writer type: FLOAT"],
            ["/1"]
        ),
        (
            "INT_LIST_RECORD", "LONG_LIST_RECORD", "TYPE_MISMATCH",
            ["reader type: INT not compatible with writer type: LONG"], ["/fields/0/type"]
        ),
        // (listed twice upstream)
        ("NULL", "INT", "TYPE_MISMATCH", ["reader type: NULL not compatible with writer type: INT"], ["/"]),
        // TestSchemaCompatibilityNameMismatch.java data()
        ("ENUM1_AB", "ENUM2_AB", "NAME_MISMATCH", ["expected: Enum2"], ["/name"]),
        ("EMPTY_RECORD2", "EMPTY_RECORD1", "NAME_MISMATCH", ["expected: Record1"], ["/name"]),
        ("FIXED_4_BYTES", "FIXED_4_ANOTHER_NAME", "NAME_MISMATCH", ["expected: AnotherName"], ["/name"]),
        (
            "A_DINT_B_DENUM_1_RECORD1", "A_DINT_B_DENUM_2_RECORD1", "NAME_MISMATCH", ["expected: Enum2"],
            ["/fields/1/type/name"]
        ),
        // TestSchemaCompatibilityFixedSizeMismatch.java data()
        ("FIXED_4_BYTES", "FIXED_8_BYTES", "FIXED_SIZE_MISMATCH", ["expected: 8, found: 4"], ["/size"]),
        ("FIXED_8_BYTES", "FIXED_4_BYTES", "FIXED_SIZE_MISMATCH", ["expected: 4, found: 8"], ["/size"]),
        (
            "A_DINT_B_DFIXED_8_BYTES_RECORD1", "A_DINT_B_DFIXED_4_BYTES_RECORD1", "FIXED_SIZE_MISMATCH",
            ["expected: 4, found: 8"], ["/fields/1/type/size"]
        ),
        (
            "A_DINT_B_DFIXED_4_BYTES_RECORD1", "A_DINT_B_DFIXED_8_BYTES_RECORD1", "FIXED_SIZE_MISMATCH",
            ["expected: 8, found: 4"], ["/fields/1/type/size"]
        ),
        // TestSchemaCompatibilityMissingEnumSymbols.java data()
        ("ENUM1_AB", "ENUM1_ABC", "MISSING_ENUM_SYMBOLS", ["[C]"], ["/symbols"]),
        ("ENUM1_BC", "ENUM1_ABC", "MISSING_ENUM_SYMBOLS", ["[A]"], ["/symbols"]),
        ("RECORD1_WITH_ENUM_AB", "RECORD1_WITH_ENUM_ABC", "MISSING_ENUM_SYMBOLS", ["[C]"], ["/fields/0/type/symbols"]),
        // TestSchemaCompatibilityMissingUnionBranch.java data()
        ("INT_UNION", "INT_STRING_UNION", "MISSING_UNION_BRANCH", ["reader union lacking writer type: STRING"], ["/1"]),
        ("STRING_UNION", "INT_STRING_UNION", "MISSING_UNION_BRANCH", ["reader union lacking writer type: INT"], ["/0"]),
        (
            "INT_UNION", "UNION_INT_RECORD1", "MISSING_UNION_BRANCH", ["reader union lacking writer type: RECORD"],
            ["/1"]
        ),
        (
            "INT_UNION", "UNION_INT_RECORD2", "MISSING_UNION_BRANCH", ["reader union lacking writer type: RECORD"],
            ["/1"]
        ),
        (
            "UNION_INT_RECORD1", "UNION_INT_RECORD2", "MISSING_UNION_BRANCH",
            ["reader union lacking writer type: RECORD"], ["/1"]
        ),
        ("INT_UNION", "UNION_INT_ENUM1_AB", "MISSING_UNION_BRANCH", ["reader union lacking writer type: ENUM"], ["/1"]),
        (
            "INT_UNION", "UNION_INT_FIXED_4_BYTES", "MISSING_UNION_BRANCH", ["reader union lacking writer type: FIXED"],
            ["/1"]
        ),
        (
            "INT_UNION", "UNION_INT_BOOLEAN", "MISSING_UNION_BRANCH", ["reader union lacking writer type: BOOLEAN"],
            ["/1"]
        ),
        ("INT_UNION", "LONG_UNION", "MISSING_UNION_BRANCH", ["reader union lacking writer type: LONG"], ["/0"]),
        ("INT_UNION", "FLOAT_UNION", "MISSING_UNION_BRANCH", ["reader union lacking writer type: FLOAT"], ["/0"]),
        ("INT_UNION", "DOUBLE_UNION", "MISSING_UNION_BRANCH", ["reader union lacking writer type: DOUBLE"], ["/0"]),
        ("INT_UNION", "BYTES_UNION", "MISSING_UNION_BRANCH", ["reader union lacking writer type: BYTES"], ["/0"]),
        (
            "INT_UNION", "UNION_INT_ARRAY_INT", "MISSING_UNION_BRANCH", ["reader union lacking writer type: ARRAY"],
            ["/1"]
        ),
        ("INT_UNION", "UNION_INT_MAP_INT", "MISSING_UNION_BRANCH", ["reader union lacking writer type: MAP"], ["/1"]),
        ("INT_UNION", "UNION_INT_NULL", "MISSING_UNION_BRANCH", ["reader union lacking writer type: NULL"], ["/1"]),
        (
            "INT_UNION", "INT_LONG_FLOAT_DOUBLE_UNION", "MISSING_UNION_BRANCH",
            [
                "reader union lacking writer type: LONG", "reader union lacking writer type: FLOAT",
                "reader union lacking writer type: DOUBLE",
            ], ["/1", "/2", "/3"]
        ),
        (
            "A_DINT_B_DINT_UNION_RECORD1", "A_DINT_B_DINT_STRING_UNION_RECORD1", "MISSING_UNION_BRANCH",
            ["reader union lacking writer type: STRING"], ["/fields/1/type/1"]
        ),
        // TestSchemaCompatibilityReaderFieldMissingDefaultValue.java data()
        ("A_INT_RECORD1", "EMPTY_RECORD1", "READER_FIELD_MISSING_DEFAULT_VALUE", ["a"], ["/fields/0"]),
        ("A_INT_B_DINT_RECORD1", "EMPTY_RECORD1", "READER_FIELD_MISSING_DEFAULT_VALUE", ["a"], ["/fields/0"]),
    ]

    @Test func incompatibleCasesWithMessageAndLocation() throws {
        #expect(Self.incompatible.count == 59)
        for (reader, writer, type, messages, locations) in Self.incompatible {
            let found = try check(reader, writer)
            #expect(found.map(\.type) == Array(repeating: type, count: messages.count), "\(reader) reading \(writer)")
            #expect(found.map(\.message) == messages, "\(reader) reading \(writer)")
            #expect(found.map(\.location) == locations, "\(reader) reading \(writer)")
        }
    }
}

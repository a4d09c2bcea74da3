import ConnectAPI
import Testing

@testable import JdbcConnectors

/// timestamp.columns.mapping / incrementing.column.mapping: the entries Confluent's own tests feed its
/// validator, and the per-table resolution.
struct ColumnMappingRuleTests {
    func error(_ value: [String], bracketed: Bool) -> String? {
        if case .failure(let e) = ColumnMappingRule.parse(value, bracketed: bracketed) { return e.message }
        return nil
    }

    @Test func malformedEntriesAreNamed() {
        #expect(error(["something garbage"], bracketed: true)?.contains("Expected 'regex:[col1|col2|...]'") == true)
        #expect(error(["something:garbage:something"], bracketed: true)?.contains("Invalid format") == true)
        #expect(error([".*):[col1, col2]"], bracketed: true)?.contains("Invalid regular expression") == true)
        #expect(error(["abc.*:col1|col2]"], bracketed: true)?.contains("enclosed in square brackets") == true)
        #expect(error(["abc.*:[|col2]"], bracketed: true)?.contains("non-empty string") == true)
        #expect(error(["abc.*:[]"], bracketed: true)?.contains("cannot be empty") == true)
        #expect(error(["something garbage"], bracketed: false)?.contains("Expected 'regex:columnName'") == true)
        #expect(error(["abc.*:ID", "abc.*: "], bracketed: false)?.contains("Column name cannot be empty") == true)
        #expect(error(["s1\\.t.*:[a|b]", "s2\\..*:[c]"], bracketed: true) == nil)
    }

    @Test func eachTableMatchesExactlyOneEntry() throws {
        let rules = try ColumnMappingRule.parse(
            ["public\\.orders:[updated_at|created_at]", "public\\..*s:[ts]"], bracketed: true
        )
        .get()
        #expect(throws: ConnectError.self) {  // public.orders matches both
            try ColumnMappingRule.columns(
                for: TableId(schema: "public", table: "orders"), in: rules, key: "timestamp.columns.mapping")
        }
        #expect(
            try ColumnMappingRule.columns(
                for: TableId(schema: "public", table: "events"), in: rules, key: "timestamp.columns.mapping") == ["ts"])
        let none = #expect(throws: ConnectError.self) {
            try ColumnMappingRule.columns(
                for: TableId(schema: "other", table: "x"), in: rules, key: "timestamp.columns.mapping")
        }
        #expect(none?.message.hasPrefix("Error while validating timestamp column mappings: table other.x") == true)
    }
}

/// The JDBC sink's COPY text: what PostgreSQL's COPY … FROM STDIN (text format) reads back unchanged.
struct SinkCopyTextTests {
    @Test func copyTextEscapesSeparatorsAndMarksNull() {
        var out: [UInt8] = []
        SinkTableWriter.appendCopyText("a\tb\\c\nd\re", to: &out)
        out.append(UInt8(ascii: "|"))
        SinkTableWriter.appendCopyText(nil, to: &out)
        out.append(UInt8(ascii: "|"))
        SinkTableWriter.appendCopyText("ünï", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "a\\tb\\\\c\\nd\\re|\\N|ünï")
    }
}

import ConnectAPI

/// One entry of `timestamp.columns.mapping` (`regex:[col1|col2]`) or `incrementing.column.mapping`
/// (`regex:col`): the columns to use for the tables whose unquoted `schema.table` the regex matches
/// in full. Each table must match exactly one entry (Confluent's `validateEachTableMatchesExactlyOneRegex`).
struct ColumnMappingRule: @unchecked Sendable {  // Regex is immutable once built
    let pattern: String
    let regex: Regex<AnyRegexOutput>
    let columns: [String]

    /// Parses a list value; the error is Confluent's message for the first bad entry.
    static func parse(_ entries: [String], bracketed: Bool) -> Result<[ColumnMappingRule], ConfigException> {
        let key = bracketed ? "timestamp.columns.mapping" : "incrementing.column.mapping"
        func fail(_ reason: String) -> Result<[ColumnMappingRule], ConfigException> {
            .failure(ConfigException(name: key, value: entries.joined(separator: ","), reason: reason))
        }
        let expected =
            bracketed
            ? "Invalid format. Expected 'regex:[col1|col2|...]'" : "Invalid format. Expected 'regex:columnName'"
        var rules: [ColumnMappingRule] = []
        for entry in entries {
            // The regex may itself contain ':' only before the last one.
            guard let colon = entry.lastIndex(of: ":"), entry.filter({ $0 == ":" }).count == 1 else {
                return fail(expected)
            }
            let pattern = String(entry[..<colon]).trimmingWhitespace()
            let rest = String(entry[entry.index(after: colon)...]).trimmingWhitespace()
            guard let regex = try? Regex(pattern) else { return fail("Invalid regular expression: \(pattern)") }
            var columns: [String]
            if bracketed {
                guard rest.hasPrefix("["), rest.hasSuffix("]"), rest.count >= 2 else {
                    return fail("Columns list must be enclosed in square brackets: \(entry)")
                }
                let inner = String(rest.dropFirst().dropLast())
                if inner.trimmingWhitespace().isEmpty { return fail("Columns list cannot be empty: \(entry)") }
                columns = inner.split(separator: "|", omittingEmptySubsequences: false).map {
                    String($0).trimmingWhitespace()
                }
                if columns.contains(where: \.isEmpty) {
                    return fail("Every column name should be non-empty string: \(entry)")
                }
            } else {
                if rest.isEmpty { return fail("Column name cannot be empty: \(entry)") }
                columns = [rest]
            }
            rules.append(ColumnMappingRule(pattern: pattern, regex: regex, columns: columns))
        }
        return .success(rules)
    }

    /// The columns for `table`: those of the one rule matching it; throws when none or several match.
    static func columns(for table: TableId, in rules: [ColumnMappingRule], key: String) throws -> [String] {
        let name = table.description
        let matching = rules.filter { (try? $0.regex.wholeMatch(in: name)) != nil }
        guard matching.count == 1 else {
            let problem =
                matching.isEmpty
                ? "table \(name) matches none of the regexes \(rules.map(\.pattern))"
                : "table \(name) matches more than one regex: \(matching.map(\.pattern))"
            throw ConnectError(
                .config,
                "Error while validating \(key == "timestamp.columns.mapping" ? "timestamp" : "incrementing") column mappings: \(problem)"
            )
        }
        return matching[0].columns
    }
}

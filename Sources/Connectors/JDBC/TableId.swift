/// A PostgreSQL table: schema and name (the catalog, i.e. the database, is left out as Confluent's
/// PostgreSQL dialect does).
struct TableId: Sendable, Hashable, CustomStringConvertible {
    let schema: String
    let table: String

    /// `schema.table`, unquoted: the form used in offsets (`{"protocol":"1","table":"public.orders"}`),
    /// in `table.include.list` regexes and in logs.
    var description: String { "\(schema).\(table)" }

    /// `"schema"."table"` with embedded quotes doubled, or bare when quoting is off.
    func quoted(_ quote: Bool) -> String {
        quote ? "\(Self.quote(schema)).\(Self.quote(table))" : "\(schema).\(table)"
    }

    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacing("\"", with: "\"\"") + "\""
    }

    /// Parses a rendered table list entry (`"s"."t"`, `s.t`, or `t`), as the task config carries them.
    static func parse(_ s: String) -> (schema: String?, table: String) {
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var chars = Array(s)[...]
        while let c = chars.popFirst() {
            if c == "\"" {
                if inQuotes, chars.first == "\"" {
                    current.append("\"")
                    chars = chars.dropFirst()
                } else {
                    inQuotes.toggle()
                }
            } else if c == ".", !inQuotes {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        if parts.count >= 2 { return (parts[parts.count - 2], parts[parts.count - 1]) }
        return (nil, parts[0])
    }

    /// Whether a whitelist/blacklist entry names this table: `schema.table`, `"schema"."table"`, or the
    /// bare table name (Confluent's legacy matching).
    func matches(_ entry: String) -> Bool {
        let e = entry.trimmingWhitespace()
        if e == description || e == quoted(true) || e == table { return true }
        let p = Self.parse(e)
        return p.table == table && (p.schema == nil || p.schema == schema)
    }
}

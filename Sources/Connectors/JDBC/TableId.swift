import ConnectAPI

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

    /// The sink's table for a `table.name.format` result (`[schema.]table`), as PostgreSQL names what
    /// the DDL and DML create and touch: cut to `maxIdentifierLength` bytes at a character boundary (the
    /// server truncates longer identifiers, so Confluent's dialect truncates too), and with quoting off
    /// folded to lower case as PostgreSQL folds unquoted names (ASCII letters only, as in a UTF-8
    /// database). Without a schema the table is in `defaultSchema` (`current_schema()`), as it is.
    ///
    /// A name with a database part (`db.schema.table`) is refused unless it is the connected `database`:
    /// PostgreSQL cannot write across databases, and leaving the part out would write to the wrong one.
    static func sink(
        _ name: String, defaultSchema: String, database: String, quote: Bool, maxIdentifierLength: Int
    ) throws(ConnectError) -> TableId {
        let all = parts(name)
        if all.count > 2 {
            let catalog = all[all.count - 3]
            guard catalog == database || (!quote && catalog.lowercased() == database.lowercased()) else {
                throw ConnectError(
                    .connect,
                    "Table \(name) is in database \(catalog), but the connection is to database \(database): PostgreSQL cannot write across databases"
                )
            }
        }
        let p = parse(name)
        func normal(_ s: String) -> String {
            var out = String.UnicodeScalarView()
            var bytes = 0
            for c in s.unicodeScalars {
                bytes += String(c).utf8.count
                if bytes > maxIdentifierLength { break }
                out.append(!quote && c.value >= 65 && c.value <= 90 ? Unicode.Scalar(c.value + 32)! : c)
            }
            return String(out)
        }
        return TableId(schema: p.schema.map(normal) ?? defaultSchema, table: normal(p.table))
    }

    /// PostgreSQL's identifier length (NAMEDATALEN - 1) unless the server says otherwise.
    static let defaultMaxIdentifierLength = 63

    /// Parses a rendered table list entry (`"s"."t"`, `s.t`, or `t`), as the task config carries them.
    static func parse(_ s: String) -> (schema: String?, table: String) {
        let parts = parts(s)
        if parts.count >= 2 { return (parts[parts.count - 2], parts[parts.count - 1]) }
        return (nil, parts[0])
    }

    /// The dot-separated parts of a name, double quotes removed (`""` inside them is a quote).
    static func parts(_ s: String) -> [String] {
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
        return parts
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

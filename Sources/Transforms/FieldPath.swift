import ConnectAPI

/// A field path as KIP-821's `field.syntax.version` reads it: `V1`, the whole text is one top-level
/// field name; `V2`, dots separate nested field names, and a name with dots is written in backticks
/// (`` `a.b`.c ``; a backtick inside one is escaped with a backslash).
struct FieldPath: Sendable, Equatable {
    let names: [String]

    init(_ text: String, v2: Bool) throws(ConfigException) {
        guard v2 else {
            names = [text]
            return
        }
        var names: [String] = []
        var chars = Substring(text)
        while true {
            var name = ""
            if chars.first == "`" {
                chars.removeFirst()
                var closed = false
                while let c = chars.popFirst() {
                    if c == "\\", chars.first == "`" {
                        name.append(chars.removeFirst())
                    } else if c == "`" {
                        closed = true
                        break
                    } else {
                        name.append(c)
                    }
                }
                guard closed, chars.isEmpty || chars.first == "." else {
                    throw ConfigException(
                        name: "field", value: text, reason: "Unclosed or misplaced backtick in a V2 field path")
                }
            } else {
                while let c = chars.first, c != "." { name.append(chars.removeFirst()) }
            }
            guard !name.isEmpty else {
                throw ConfigException(name: "field", value: text, reason: "Empty field name in a V2 field path")
            }
            names.append(name)
            guard chars.popFirst() == "." else { break }
        }
        self.names = names
    }

    var text: String { names.joined(separator: ".") }
}

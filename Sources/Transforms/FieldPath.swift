import ConnectAPI

/// A field path as KIP-821's `field.syntax.version` reads it (Kafka's `SingleFieldPath`): `V1`, the
/// whole text is one top-level field name; `V2`, dots separate nested field names, and a name with
/// dots is wrapped in backticks (`` `a.b`.c ``). As Kafka reads V2: a backtick wraps a name only at the
/// start of a step and up to a backtick that ends the path or is followed by a dot (other backticks
/// stay in the name), `\` before such a closing backtick keeps it in the name, and names may be empty
/// (`a..b`, a trailing dot; the empty path has no steps).
struct FieldPath: Sendable, Equatable {
    let names: [String]
    /// The path as configured (Kafka's error messages quote it).
    let text: String

    init(_ text: String, v2: Bool) throws(ConfigException) {
        self.text = text
        guard v2 else {
            names = [text]
            return
        }
        let path = Array(text)
        var names: [String] = []
        var i = 0
        while i < path.count {
            if path[i] != "`" {
                let end = path[i...].firstIndex(of: ".") ?? path.count
                names.append(String(path[i..<end]))
                i = end + 1
                continue
            }
            let opening = i
            i += 1
            var name = ""
            var start = i
            while true {
                guard let close = path[i...].firstIndex(of: "`") else { throw Self.incomplete(text, at: opening) }
                let escaped = path[close - 1] == "\\"
                if close == path.count - 1 {  // the path's last character
                    if escaped { throw Self.incomplete(text, at: opening) }
                    name += String(path[start..<close])
                    i = close + 1
                    break
                }
                if path[close + 1] != "." {  // not a closing backtick: part of the name
                    i = close + 1
                    continue
                }
                if escaped {  // `\` + backtick + dot: the backtick is part of the name
                    name += String(path[start..<(close - 1)]) + "`"
                    i = close + 1
                    start = i
                    continue
                }
                name += String(path[start..<close])
                i = close + 2
                break
            }
            names.append(name)
        }
        if path.last == "." { names.append("") }
        self.names = names
    }

    private static func incomplete(_ path: String, at position: Int) -> ConfigException {
        ConfigException(
            "Incomplete backtick pair in path: [\(path)], consider adding a backslash before backtick at position \(position) to escape it"
        )
    }
}

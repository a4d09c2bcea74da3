/// Java `.properties` text: `key=value`, `key: value` or `key value`; `#`/`!` comments; trailing `\`
/// continues a line; `\t \n \r \f \uXXXX` escapes. Later keys override earlier ones; order is kept.
public enum PropertiesFile {
    public static func parse(_ text: String) -> [(String, String)] {
        var logical: [String] = []
        var current = ""
        var continuing = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if continuing {
                line = line.drop { $0 == " " || $0 == "\t" }
            } else {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("!") { continue }
                line = trimmed
            }
            // An odd number of trailing backslashes continues the line.
            let slashes = line.reversed().prefix { $0 == "\\" }.count
            if slashes % 2 == 1 {
                current += line.dropLast()
                continuing = true
                continue
            }
            current += line
            logical.append(current)
            current = ""
            continuing = false
        }
        if continuing { logical.append(current) }

        var out: [(String, String)] = []
        for l in logical {
            var key = ""
            var i = l.startIndex
            while i < l.endIndex {
                let c = l[i]
                if c == "\\", l.index(after: i) < l.endIndex {
                    key.append(l[l.index(after: i)])
                    i = l.index(i, offsetBy: 2)
                    continue
                }
                if c == "=" || c == ":" || c == " " || c == "\t" { break }
                key.append(c)
                i = l.index(after: i)
            }
            var rest = l[i...].drop { $0 == " " || $0 == "\t" }
            if let f = rest.first, f == "=" || f == ":" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
            let value = unescape(rest)
            out.removeAll { $0.0 == key }
            out.append((unescape(Substring(key)), value))
        }
        return out
    }

    static func unescape(_ s: Substring) -> String {
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            guard c == "\\" else {
                out.append(c)
                continue
            }
            guard let n = it.next() else { break }
            switch n {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "f": out.append("\u{0C}")
            case "u":
                var hex = ""
                for _ in 0..<4 { if let h = it.next() { hex.append(h) } }
                if let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) { out.append(Character(scalar)) }
            default: out.append(n)
            }
        }
        return out
    }

    /// Confluent image convention: `CONNECT_BOOTSTRAP_SERVERS` → `bootstrap.servers`
    /// (`_` → `.`, `__` → `_`, `___` → `-`, lower-cased).
    public static func environmentOverrides(_ env: [String: String], prefix: String = "CONNECT_") -> [(String, String)]
    {
        env.filter { $0.key.hasPrefix(prefix) && $0.key.count > prefix.count }
            .sorted { $0.key < $1.key }
            .map { (k, v) in
                let name = String(k.dropFirst(prefix.count)).lowercased()
                    .replacingAll("___", with: "\u{1}")
                    .replacingAll("__", with: "\u{2}")
                    .replacingAll("_", with: ".")
                    .replacingAll("\u{1}", with: "-")
                    .replacingAll("\u{2}", with: "_")
                return (name, v)
            }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

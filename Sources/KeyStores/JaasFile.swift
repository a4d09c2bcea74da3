/// A JAAS login configuration file (`-Djava.security.auth.login.config=...`): named sections of login
/// modules, `Name { module flag options; ... };`, as the JRE's `ConfigFile` reads them. Kafka Connect's
/// basic-auth REST extension reads its `KafkaConnect` section; Confluent's registry and proxy read the
/// section named by `authentication.realm`.
public struct JaasFile: Sendable, Equatable {
    public let sections: [String: [JaasConfig]]

    public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    public init(sections: [String: [JaasConfig]]) { self.sections = sections }

    /// Splits the text into sections (quotes and comments respected), then parses each body as Kafka's
    /// `JaasConfig` parses one.
    public static func parse(_ text: String) throws(ParseError) -> JaasFile {
        var sections: [String: [JaasConfig]] = [:]
        let chars = Array(text.unicodeScalars)
        var i = 0
        func skipSpaceAndComments() {
            while i < chars.count {
                if chars[i].value <= 32 {
                    i += 1
                } else if chars[i] == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                    i += 2
                    while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                    i = min(chars.count, i + 2)
                } else if chars[i] == "/" || chars[i] == "#" {
                    while i < chars.count && chars[i] != "\n" { i += 1 }
                } else {
                    return
                }
            }
        }
        while true {
            skipSpaceAndComments()
            guard i < chars.count else { break }
            var name = String.UnicodeScalarView()
            while i < chars.count && chars[i] != "{" && chars[i].value > 32 {
                name.append(chars[i])
                i += 1
            }
            skipSpaceAndComments()
            guard i < chars.count, chars[i] == "{", !name.isEmpty else {
                throw ParseError(message: "JAAS file: expected '{' after the section name \(String(name))")
            }
            i += 1
            var body = String.UnicodeScalarView()
            var quote: Unicode.Scalar? = nil
            while i < chars.count {
                let c = chars[i]
                if let q = quote {
                    if c == "\\" && i + 1 < chars.count {
                        body.append(c)
                        body.append(chars[i + 1])
                        i += 2
                        continue
                    }
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == "}" {
                    break
                }
                body.append(c)
                i += 1
            }
            guard i < chars.count else {
                throw ParseError(message: "JAAS file: section \(String(name)) has no closing '}'")
            }
            i += 1
            skipSpaceAndComments()
            if i < chars.count && chars[i] == ";" { i += 1 }
            do {
                sections[String(name)] = try JaasConfig.parseEntries(String(body))
            } catch {
                throw ParseError(message: "JAAS file, section \(String(name)): \(error.message)")
            }
        }
        return JaasFile(sections: sections)
    }

    /// The file named by `-Djava.security.auth.login.config=<path>` in JVM options (`KAFKA_OPTS`), as
    /// the Kafka and Confluent images are configured.
    public static func path(fromJVMOptions options: String) -> String? {
        let prefix = "-Djava.security.auth.login.config="
        for word in options.split(separator: " ") where word.hasPrefix(prefix) {
            var p = String(word.dropFirst(prefix.count))
            if p.hasPrefix("=") { p.removeFirst() }  // -D...==file replaces other configs in the JRE
            if p.hasPrefix("\"") && p.hasSuffix("\"") && p.count >= 2 { p = String(p.dropFirst().dropLast()) }
            return p
        }
        return nil
    }
}

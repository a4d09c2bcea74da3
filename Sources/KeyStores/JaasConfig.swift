/// One login module of a `sasl.jaas.config` value, parsed as Kafka's `JaasConfig` parses it:
/// `<loginModuleClass> <controlFlag> (<optionName>=<optionValue>)*;`.
///
/// Tokens follow Java's `StreamTokenizer` as Kafka configures it: bytes up to space are white space;
/// `;` and `=` stand alone; `"` and `'` quote (with Java's backslash escapes, ending at the closing quote
/// or the end of a line); `//`, `/* */` and a lone `/` start comments, so unquoted values cannot hold a
/// slash. Everything else makes up words.
public struct JaasConfig: Sendable, Equatable {
    public enum ControlFlag: String, Sendable { case required, requisite, sufficient, optional }

    public let loginModule: String
    public let controlFlag: ControlFlag
    public let options: [String: String]

    public init(loginModule: String, controlFlag: ControlFlag, options: [String: String]) {
        self.loginModule = loginModule
        self.controlFlag = controlFlag
        self.options = options
    }

    /// Kafka's message for a value it cannot parse (never quoting option values: they hold passwords).
    public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// Parses a client's `sasl.jaas.config`: exactly one login module, as Kafka's `JaasContext` requires.
    public static func parse(_ text: String) throws(ParseError) -> JaasConfig {
        let entries = try parseEntries(text)
        guard entries.count == 1 else {
            throw ParseError(
                message: "JAAS config property contains \(entries.count) login modules, should be 1 module")
        }
        return entries[0]
    }

    /// Every login module of `text` (a JAAS file's section body has several).
    public static func parseEntries(_ text: String) throws(ParseError) -> [JaasConfig] {
        var tokens = Tokenizer(text)
        var entries: [JaasConfig] = []
        while let first = tokens.next() {
            let module = first.word ?? ""
            guard let flagToken = tokens.next() else {
                throw ParseError(message: "Login module control flag not specified in JAAS config")
            }
            guard let flagText = flagToken.word else {
                throw ParseError(message: "Login module control flag is not available in the JAAS config")
            }
            guard let flag = ControlFlag(rawValue: flagText.lowercased()) else {
                throw ParseError(message: "Invalid login module control flag '\(flagText)' in JAAS config")
            }
            var options: [String: String] = [:]
            var last: Token? = nil
            while let t = tokens.next() {
                last = t
                if t == .semicolon { break }
                let key = t.word ?? "null"
                guard tokens.next() == .equals, let value = tokens.next()?.word else {
                    throw ParseError(message: "Value not specified for key '\(key)' in JAAS config")
                }
                options[key] = value
            }
            guard last == .semicolon else {
                throw ParseError(message: "JAAS config entry not terminated by semi-colon")
            }
            entries.append(JaasConfig(loginModule: module, controlFlag: flag, options: options))
        }
        guard !entries.isEmpty else { throw ParseError(message: "Login module not specified in JAAS config") }
        return entries
    }

    enum Token: Equatable {
        case word(String)
        case semicolon
        case equals

        var word: String? {
            if case .word(let w) = self { return w }
            return nil
        }
    }

    struct Tokenizer {
        private var chars: [Unicode.Scalar]
        private var i = 0

        init(_ text: String) { chars = Array(text.unicodeScalars) }

        private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            i + offset < chars.count ? chars[i + offset] : nil
        }

        private static func isWhitespace(_ c: Unicode.Scalar) -> Bool { c.value <= 32 }
        private static func isWordChar(_ c: Unicode.Scalar) -> Bool {
            !isWhitespace(c) && c != ";" && c != "=" && c != "\"" && c != "'" && c != "/"
        }

        mutating func next() -> Token? {
            while let c = peek() {
                if Self.isWhitespace(c) {
                    i += 1
                } else if c == "/" {
                    if peek(1) == "*" {
                        i += 2
                        while i < chars.count && !(chars[i] == "*" && peek(1) == "/") { i += 1 }
                        i = min(chars.count, i + 2)
                    } else {
                        // `//` and a lone `/` (a comment character) both run to the end of the line.
                        while let d = peek(), d != "\n", d != "\r" { i += 1 }
                    }
                } else if c == ";" {
                    i += 1
                    return .semicolon
                } else if c == "=" {
                    i += 1
                    return .equals
                } else if c == "\"" || c == "'" {
                    i += 1
                    return .word(quoted(until: c))
                } else {
                    var w = String.UnicodeScalarView()
                    while let d = peek(), Self.isWordChar(d) {
                        w.append(d)
                        i += 1
                    }
                    return .word(String(w))
                }
            }
            return nil
        }

        /// A quoted string's value: up to the closing quote, a line end or the end of input, with Java's
        /// escapes (`\n`, `\t`, octal `\ddd`, and `\x` for any other `x`, so `\"` and `\\`).
        private mutating func quoted(until quote: Unicode.Scalar) -> String {
            var out = String.UnicodeScalarView()
            while let c = peek(), c != quote, c != "\n", c != "\r" {
                i += 1
                guard c == "\\", let e = peek() else {
                    out.append(c)
                    continue
                }
                i += 1
                switch e {
                case "a": out.append(Unicode.Scalar(7))
                case "b": out.append(Unicode.Scalar(8))
                case "f": out.append(Unicode.Scalar(12))
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "v": out.append(Unicode.Scalar(11))
                case "0"..."7":
                    var v = e.value - 48
                    let maxDigits = e <= "3" ? 3 : 2
                    var digits = 1
                    while digits < maxDigits, let d = peek(), ("0"..."7").contains(d) {
                        v = v * 8 + d.value - 48
                        i += 1
                        digits += 1
                    }
                    out.append(Unicode.Scalar(v)!)
                default: out.append(e)
                }
            }
            if peek() == quote { i += 1 }
            return String(out)
        }
    }
}

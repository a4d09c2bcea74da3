/// A JSON parse failure with the byte offset at which it was noticed.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

/// Parses JSON from UTF-8 bytes into `JSONValue`, keeping object member order and exact number text, or
/// (`parseConnectValue`) straight into the Connect value JsonConverter infers without schemas.
public struct JSONParser: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    private var pos = 0
    private var depth = 0
    private static let maxDepth = 512
    /// Objects up to this many members find a repeated name by scanning.
    private static let linearMembers = 8
    /// Numbers may start with zeros (`0012`), as Jackson reads them with `ALLOW_LEADING_ZEROS_FOR_NUMBERS`
    /// (Kafka's JsonConverter enables it).
    private let allowLeadingZeros: Bool

    private init(_ bytes: UnsafeRawBufferPointer, allowLeadingZeros: Bool = false) {
        self.bytes = bytes
        self.allowLeadingZeros = allowLeadingZeros
    }

    public static func parse(_ bytes: [UInt8], allowingLeadingZeros: Bool = false) throws(JSONParseError) -> JSONValue {
        try parse(bytes, as: JSONValue.self, allowingLeadingZeros: allowingLeadingZeros)
    }

    public static func parse(_ string: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(string.utf8))
    }

    public static func parse(_ raw: UnsafeRawBufferPointer, allowingLeadingZeros: Bool = false) throws(JSONParseError)
        -> JSONValue
    {
        try parse(raw, as: JSONValue.self, allowingLeadingZeros: allowingLeadingZeros)
    }

    /// Schemaless JSON straight to a Connect value, inferred as `Value.inferred(from:)` does, without
    /// building a `JSONValue` tree first: the sinks' JsonConverter parses every record this way.
    public static func parseConnectValue(_ bytes: [UInt8], allowingLeadingZeros: Bool = false) throws(JSONParseError)
        -> Value
    {
        try parse(bytes, as: Value.self, allowingLeadingZeros: allowingLeadingZeros)
    }

    /// `parseConnectValue` of bytes in place (a member's value inside a record's JSON).
    public static func parseConnectValue(_ raw: UnsafeRawBufferPointer, allowingLeadingZeros: Bool = false)
        throws(JSONParseError) -> Value
    {
        try parse(raw, as: Value.self, allowingLeadingZeros: allowingLeadingZeros)
    }

    private static func parse<T: JSONParseOutput>(_ bytes: [UInt8], as: T.Type, allowingLeadingZeros: Bool)
        throws(JSONParseError) -> T
    {
        let result: Result<T, JSONParseError> = bytes.withUnsafeBytes { raw in
            do throws(JSONParseError) {
                return .success(try parse(raw, as: T.self, allowingLeadingZeros: allowingLeadingZeros))
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func parse<T: JSONParseOutput>(
        _ raw: UnsafeRawBufferPointer, as: T.Type, allowingLeadingZeros: Bool
    ) throws(JSONParseError) -> T {
        var p = JSONParser(raw, allowLeadingZeros: allowingLeadingZeros)
        p.skipWhitespace()
        let v: T = try p.parseValue()
        p.skipWhitespace()
        if p.pos != raw.count { throw p.error("Unexpected trailing content") }
        return v
    }

    /// Whitespace-separated JSON values one after another (the v3 produce stream): the values parsed,
    /// and the error that ended the sequence early, if any.
    public static func parseConcatenated(_ bytes: [UInt8]) -> (values: [JSONValue], error: JSONParseError?) {
        bytes.withUnsafeBytes { raw in
            var p = JSONParser(raw)
            var out: [JSONValue] = []
            p.skipWhitespace()
            while p.pos < raw.count {
                do throws(JSONParseError) { out.append(try p.parseValue() as JSONValue) } catch { return (out, error) }
                p.skipWhitespace()
            }
            return (out, nil)
        }
    }

    private func error(_ m: String) -> JSONParseError { JSONParseError(message: m, offset: pos) }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            let c = bytes[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { break }
        }
    }

    private mutating func parseValue<T: JSONParseOutput>() throws(JSONParseError) -> T {
        guard pos < bytes.count else { throw error("Unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .parsed(string: try parseString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .parsed(bool: true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .parsed(bool: false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .parsedNull
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("Unexpected character '\(Character(Unicode.Scalar(bytes[pos])))'")
        }
    }

    private mutating func expect(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw error("Unexpected end of input") }
        for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { throw error("Invalid literal") }
        pos += n
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth { throw error("Nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func parseObject<T: JSONParseOutput>() throws(JSONParseError) -> T {
        try enter()
        defer { depth -= 1 }
        pos += 1
        // A repeated name replaces the earlier value in its place (Jackson's last one wins). Finding it
        // by scanning the names so far made wide rows quadratic (Socrata rows have 40 fields): past a
        // few members the names go into a dictionary.
        var members: [T.Member] = []
        var index: [String: Int] = [:]
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return .parsed(object: members)
        }
        // One allocation for a record's usual width instead of growing through 1, 2, 4 and 8.
        members.reserveCapacity(Self.linearMembers)
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("Expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("Expected ':'") }
            pos += 1
            skipWhitespace()
            let value: T = try parseValue()
            let existing: Int?
            if members.count < Self.linearMembers {
                existing = members.firstIndex { T.key(of: $0) == key }
            } else {
                if index.isEmpty { for (i, m) in members.enumerated() { index[T.key(of: m)] = i } }
                existing = index[key]
            }
            if let existing {
                T.setValue(value, of: &members[existing])
            } else {
                if !index.isEmpty { index[key] = members.count }
                members.append(T.member(key, value))
            }
            skipWhitespace()
            guard pos < bytes.count else { throw error("Unexpected end of input") }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            if bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                return .parsed(object: members)
            }
            throw error("Expected ',' or '}'")
        }
    }

    private mutating func parseArray<T: JSONParseOutput>() throws(JSONParseError) -> T {
        try enter()
        defer { depth -= 1 }
        pos += 1
        var arr: [T] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return .parsed(array: arr)
        }
        while true {
            skipWhitespace()
            arr.append(try parseValue())
            skipWhitespace()
            guard pos < bytes.count else { throw error("Unexpected end of input") }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            if bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                return .parsed(array: arr)
            }
            throw error("Expected ',' or ']'")
        }
    }

    private mutating func parseNumber<T: JSONParseOutput>() throws(JSONParseError) -> T {
        let start = pos
        var integral = true
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        let digitsStart = pos
        while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { pos += 1 }
        if pos == digitsStart { throw error("Invalid number") }
        if bytes[digitsStart] == 0x30 && pos - digitsStart > 1 && !allowLeadingZeros {
            throw error("Leading zeros are not allowed")
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            integral = false
            pos += 1
            let f = pos
            while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { pos += 1 }
            if pos == f { throw error("Invalid number") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            integral = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            let e = pos
            while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { pos += 1 }
            if pos == e { throw error("Invalid number") }
        }
        if integral && pos - digitsStart <= 18 {
            var v: Int64 = 0
            for i in digitsStart..<pos { v = v * 10 + Int64(bytes[i] - 0x30) }
            return .parsed(int: bytes[start] == UInt8(ascii: "-") ? -v : v)
        }
        return .parsed(numberBytes: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), integral: integral)
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        pos += 1
        let start = pos
        // Eight bytes at a time while none needs a look (the bytes after are looked at one by one below).
        pos = JSONBytes.plainWordsEnd(bytes, from: pos)
        // Fast path: no escapes.
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("Unescaped control character in string") }
            pos += 1
        }
        var out = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw error("Unescaped control character in string") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                pos += 1
                continue
            }
            pos += 1
            guard pos < bytes.count else { break }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                    else { throw error("Unpaired surrogate in string") }
                    pos += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw error("Invalid surrogate pair in string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error("Unpaired surrogate in string")
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default:
                throw error("Invalid escape in string")
            }
        }
        throw error("Unterminated string")
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("Invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("Invalid \\u escape")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }
}

/// Rewrites JSON text in the compact form `JSONWriter.bytes(JSONParser.parse(text))` gives, in one pass
/// over the bytes and without building a `JSONValue` tree: the REST Proxy's JSON produce path, where a
/// record's value is only re-serialised.
///
/// Only the common shape is handled here; anything where the parse-and-write round trip changes more
/// than whitespace answers nil and the caller takes the general path: a backslash escape in a string,
/// invalid UTF-8 (the parser replaces it), a repeated member name (the parser keeps the last value in the
/// first one's place), the integer `-0` (written `0`), nesting deeper than the parser allows, wide
/// objects, and anything that is not valid JSON (so the general path reports the error).
public struct JSONCompact: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    public private(set) var pos: Int
    private var depth = 0
    /// `JSONParser`'s nesting limit.
    private static let maxDepth = 512
    /// Wider objects are left to the parser (repeated names are found here by scanning).
    private static let maxMembers = 64

    public init(_ bytes: UnsafeRawBufferPointer, at pos: Int = 0) {
        self.bytes = bytes
        self.pos = pos
    }

    /// The whole of `bytes` as one compact JSON value, or nil (see the type's comment).
    public static func compact(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        var c = JSONCompact(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        c.skipWhitespace()
        guard c.value(into: &out) else { return nil }
        c.skipWhitespace()
        return c.pos == bytes.count ? out : nil
    }

    public mutating func skipWhitespace() {
        while pos < bytes.count {
            let c = bytes[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { break }
        }
    }

    /// Whether the next byte (after whitespace) is `byte`; consumes it when it is.
    public mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == byte else { return false }
        pos += 1
        return true
    }

    /// Whether the next value is the literal `null`; consumes it when it is.
    public mutating func takeNull() -> Bool {
        skipWhitespace()
        guard pos + 4 <= bytes.count, bytes[pos] == 0x6E, bytes[pos + 1] == 0x75, bytes[pos + 2] == 0x6C,
            bytes[pos + 3] == 0x6C
        else { return false }
        pos += 4
        return true
    }

    /// The next value (after whitespace), written compact to `out`; false when it needs the parser.
    public mutating func value(into out: inout [UInt8]) -> Bool {
        skipWhitespace()
        guard pos < bytes.count else { return false }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return object(into: &out)
        case UInt8(ascii: "["): return array(into: &out)
        case UInt8(ascii: "\""):
            guard let r = string() else { return false }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[(r.lowerBound - 1)...r.upperBound]))
            return true
        case UInt8(ascii: "t"): return literal("true", into: &out)
        case UInt8(ascii: "f"): return literal("false", into: &out)
        case UInt8(ascii: "n"): return literal("null", into: &out)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number(into: &out)
        default: return false
        }
    }

    /// The next member name of an object (after whitespace) and its `:`: the name's bytes between the
    /// quotes, which are its text (no escapes here). Nil when there is none or it needs the parser.
    public mutating func memberName() -> Range<Int>? {
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\""), let r = string(), take(UInt8(ascii: ":")) else {
            return nil
        }
        return r
    }

    /// Whether two ranges of the input hold the same bytes.
    public func same(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && (0..<a.count).allSatisfy { bytes[a.lowerBound + $0] == bytes[b.lowerBound + $0] }
    }

    /// Whether the bytes in `r` are `name`.
    public func equals(_ r: Range<Int>, _ name: StaticString) -> Bool {
        guard r.count == name.utf8CodeUnitCount else { return false }
        for i in 0..<r.count where bytes[r.lowerBound + i] != name.utf8Start[i] { return false }
        return true
    }

    private mutating func literal(_ word: StaticString, into out: inout [UInt8]) -> Bool {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { return false }
        for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { return false }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[pos..<pos + n]))
        pos += n
        return true
    }

    private mutating func object(into out: inout [UInt8]) -> Bool {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return false }
        pos += 1
        out.append(UInt8(ascii: "{"))
        if take(UInt8(ascii: "}")) {
            out.append(UInt8(ascii: "}"))
            return true
        }
        var names: [Range<Int>] = []
        while true {
            guard let name = memberName(), names.count < Self.maxMembers, !names.contains(where: { same($0, name) })
            else { return false }
            names.append(name)
            if names.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[(name.lowerBound - 1)...name.upperBound]))
            out.append(UInt8(ascii: ":"))
            guard value(into: &out) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { return false }
            out.append(UInt8(ascii: "}"))
            return true
        }
    }

    private mutating func array(into out: inout [UInt8]) -> Bool {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return false }
        pos += 1
        out.append(UInt8(ascii: "["))
        if take(UInt8(ascii: "]")) {
            out.append(UInt8(ascii: "]"))
            return true
        }
        var first = true
        while true {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            guard value(into: &out) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "]")) else { return false }
            out.append(UInt8(ascii: "]"))
            return true
        }
    }

    /// JSON number syntax as `JSONParser` reads it (no leading zeros), copied as is: the parser keeps
    /// a number's text, or reads an integer whose decimal form is that text, except `-0`.
    private mutating func number(into out: inout [UInt8]) -> Bool {
        guard let number = JSONBytes.number(bytes, at: pos), !number.isNegativeZero else { return false }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[pos..<number.end]))
        pos = number.end
        return true
    }

    /// A string without escapes or control characters, in valid UTF-8: the range of its text between
    /// the quotes, which `JSONWriter` writes back unchanged. `pos` is at the opening quote.
    private mutating func string() -> Range<Int>? {
        pos += 1
        let start = pos
        var ascii = true
        pos = JSONBytes.plainWordsEnd(bytes, from: pos)
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                let r = start..<pos
                pos += 1
                if !ascii && !Self.validUTF8(UnsafeRawBufferPointer(rebasing: bytes[r])) { return nil }
                return r
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            if c >= 0x80 { ascii = false }
            pos += 1
        }
        return nil
    }

    static func validUTF8(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < b.count {
            if b[i] < 0x80 {
                i += 1
                continue
            }
            guard let n = JSONBytes.utf8SequenceLength(b, at: i) else { return false }
            i += n
        }
        return true
    }
}

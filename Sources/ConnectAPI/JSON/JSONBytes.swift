/// The byte-level scanning `JSONCompact`, `JsonConverterForm`, `SchemaJSONReader`, `JSONEnvelope` and
/// `JSONMembers` share: the first two copy JSON text through when it already has the form a
/// parse-and-write would give, and refuse anything else; the others find values in it without a
/// parse tree.
enum JSONBytes {
    /// Past the eight-byte words from `pos` in which no byte is a quote, a backslash, a control
    /// character or non-ASCII: those are left for a byte-by-byte look.
    static func plainWordsEnd(_ bytes: UnsafeRawBufferPointer, from pos: Int) -> Int {
        var pos = pos
        while pos + 8 <= bytes.count {
            let w = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
            let quote = w ^ 0x2222_2222_2222_2222
            let backslash = w ^ 0x5C5C_5C5C_5C5C_5C5C
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let found = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w) | w
            if found & highs != 0 { break }
            pos += 8
        }
        return pos
    }

    /// Past the closing quote of the string whose contents start at `pos` (escapes skipped, not
    /// checked); nil when the bytes end first.
    static func stringEnd(_ bytes: UnsafeRawBufferPointer, from pos: Int) -> Int? {
        var pos = plainWordsEnd(bytes, from: pos)
        while pos < bytes.count {
            switch bytes[pos] {
            case UInt8(ascii: "\""): return pos + 1
            case UInt8(ascii: "\\"): pos += 2
            default: pos += 1
            }
        }
        return nil
    }

    /// Past the JSON value that starts at `start`, for well-formed input: only strings, nesting and
    /// delimiters are looked at. Nil when the bytes end first.
    static func valueEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return stringEnd(bytes, from: start + 1)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var pos = start
            while pos < bytes.count {
                switch bytes[pos] {
                case UInt8(ascii: "\""):
                    guard let end = stringEnd(bytes, from: pos + 1) else { return nil }
                    pos = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return pos + 1 }
                default: break
                }
                pos += 1
            }
            return nil
        default:
            // A number or a literal: up to the next delimiter or whitespace.
            var pos = start
            while pos < bytes.count {
                switch bytes[pos] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09:
                    return pos > start ? pos : nil
                default: pos += 1
                }
            }
            return pos > start ? pos : nil
        }
    }

    /// A JSON number read at `start`.
    struct Number {
        /// Past its last byte.
        let end: Int
        /// Its integer digits (after any minus sign).
        let digits: Range<Int>
        /// Neither a fraction nor an exponent.
        let integral: Bool
        /// `-0`, which reads as the integer 0.
        let isNegativeZero: Bool
    }

    /// JSON number syntax at `start`, without leading zeros (`007` is read, but written `7`); nil when
    /// the bytes there are not such a number.
    static func number(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Number? {
        var pos = start
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        let digitsStart = pos
        while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { pos += 1 }
        let digits = digitsStart..<pos
        guard !digits.isEmpty, bytes[digitsStart] != 0x30 || digits.count == 1 else { return nil }
        var integral = true
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            integral = false
            pos += 1
            let f = pos
            while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { pos += 1 }
            guard pos > f else { return nil }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            integral = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            let e = pos
            while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { pos += 1 }
            guard pos > e else { return nil }
        }
        let negativeZero = integral && digitsStart > start && digits.count == 1 && bytes[digitsStart] == 0x30
        return Number(end: pos, digits: digits, integral: integral, isNegativeZero: negativeZero)
    }

    /// The length of the well-formed UTF-8 sequence of two to four bytes at `i` (Unicode's table 3-7),
    /// nil when the bytes there are not one: the parser decodes ill-formed bytes as U+FFFD, which is
    /// then written differently.
    static func utf8SequenceLength(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int? {
        let n: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch bytes[i] {
        case 0xC2...0xDF: n = 2
        case 0xE0:
            n = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: n = 3
        case 0xED:
            n = 3
            high = 0x9F
        case 0xF0:
            n = 4
            low = 0x90
        case 0xF1...0xF3: n = 4
        case 0xF4:
            n = 4
            high = 0x8F
        default: return nil
        }
        guard i + n <= bytes.count, bytes[i + 1] >= low, bytes[i + 1] <= high else { return nil }
        for k in 2..<n where bytes[i + k] < 0x80 || bytes[i + k] > 0xBF { return nil }
        return n
    }
}

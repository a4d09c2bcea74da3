/// Recognises JSON that is already in the exact form Kafka Connect's JsonConverter (schemas off) writes
/// for the value it reads from it, so a sink that writes JSON can copy the consumed bytes instead of
/// parsing them into a `Value` and writing that back (the S3 sink's JsonFormat: most of its CPU per
/// record went there).
///
/// `matches(b)` implies `write(parse(b)) == b`, where `parse` is `JSONParser.parseConnectValue`
/// (leading zeros allowed, as JsonConverter reads) and `write` is JsonConverter's schemaless writer:
/// - no whitespace outside strings, nothing after the value;
/// - strings in valid UTF-8, escaped as `JSONWriter.writeString` escapes: `\"`, `\\`, `\n`, `\r`, `\t`,
///   `\b`, `\f`, other control characters as `\u00XX` in upper case; nothing else escaped (`\/` or
///   `\u0041` are read fine but written differently);
/// - integers of at most 18 digits, without leading zeros or `-0` (longer ones may not fit an int64);
/// - other numbers exactly as Java's `Double.toString` writes the double they read as;
/// - object member names unique (a repeated name collapses into one member when read).
/// Anything else answers false, and the caller takes the parse-and-write path: a false negative costs
/// speed, never bytes.
public enum JsonConverterForm {
    public static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // The member names on the stack: an allocation per record was a tenth of the check's cost. Only
        // room for few stays on the stack (Swift moves a temporary allocation above 1 KiB to the heap on
        // threads whose stack it cannot measure: the sink tasks' threads); records with more names in
        // their open objects are scanned again with room for `maxNames`.
        let onStack = withUnsafeTemporaryAllocation(of: Name.self, capacity: Scanner.namesOnStack) {
            scan(bytes, names: $0)
        }
        guard let onStack else {
            return withUnsafeTemporaryAllocation(of: Name.self, capacity: Scanner.maxNames) {
                scan(bytes, names: $0) ?? false
            }
        }
        return onStack
    }

    /// Whether `bytes` are in the form; nil when their open objects hold more names than `names` has room for.
    private static func scan(_ bytes: UnsafeRawBufferPointer, names: UnsafeMutableBufferPointer<Name>) -> Bool? {
        var scanner = Scanner(bytes, names: names)
        let matched = scanner.value()
        if scanner.outOfNames { return nil }
        return matched && scanner.pos == bytes.count
    }

    /// A member name seen: the FNV-1a hash of its bytes (folded to 32 bits) and where they are (a Kafka
    /// record is below 4 GiB). Twelve bytes: `namesOnStack` of them fit in 1 KiB.
    private struct Name {
        let hash: UInt32
        let start: UInt32
        let end: UInt32
    }

    public static func matches(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { matches($0) }
    }

    private static let jsonNull: [UInt8] = Array("null".utf8)

    /// The bytes a `JSONValueSinkTask` gets as `SinkRecord.valueJSON` for a consumed value: the value's
    /// own when they are in this form and not JSON `null` (which is converted: a null value means a
    /// tombstone to the task, whatever its bytes); nil otherwise, and the value is converted.
    public static func passedAsValueJSON(_ bytes: [UInt8]?) -> [UInt8]? {
        guard let bytes, bytes != jsonNull, matches(bytes) else { return nil }
        return bytes
    }

    private struct Scanner: ~Copyable {
        let bytes: UnsafeRawBufferPointer
        var pos = 0
        var depth = 0
        /// The names of the objects being scanned, innermost last: `names[..<nameCount]`.
        let names: UnsafeMutableBufferPointer<Name>
        var nameCount = 0
        /// The open objects held more names than `names` has room for.
        var outOfNames = false

        /// JSONParser's limit: deeper input does not parse.
        static let maxDepth = 512
        /// More names in the open objects are left to the parser (the duplicate check is quadratic).
        static let maxNames = 256
        /// Names that fit in 1 KiB, the stack allocation Swift makes without measuring the stack.
        static let namesOnStack = 1024 / MemoryLayout<Name>.stride

        init(_ bytes: UnsafeRawBufferPointer, names: UnsafeMutableBufferPointer<Name>) {
            self.bytes = bytes
            self.names = names
        }

        mutating func value() -> Bool {
            guard pos < bytes.count else { return false }
            switch bytes[pos] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string(hashing: false) != nil
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return false
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard pos + n <= bytes.count else { return false }
            for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { return false }
            pos += n
            return true
        }

        mutating func object() -> Bool {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { return false }
            pos += 1
            if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                return true
            }
            let first = nameCount
            defer { nameCount = first }
            while true {
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { return false }
                let start = pos + 1
                guard let fullHash = string(hashing: true) else { return false }
                let hash = UInt32(truncatingIfNeeded: fullHash ^ fullHash >> 32)
                let end = pos - 1
                // Canonical names compare equal exactly when their bytes do (one spelling per string).
                for n in names[first..<nameCount] where n.hash == hash && Int(n.end - n.start) == end - start {
                    if bytes[Int(n.start)..<Int(n.end)].elementsEqual(bytes[start..<end]) { return false }
                }
                guard nameCount < names.count else {
                    outOfNames = true
                    return false
                }
                names[nameCount] = Name(hash: hash, start: UInt32(start), end: UInt32(end))
                nameCount += 1
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return false }
                pos += 1
                guard value(), pos < bytes.count else { return false }
                if bytes[pos] == UInt8(ascii: ",") {
                    pos += 1
                    continue
                }
                guard bytes[pos] == UInt8(ascii: "}") else { return false }
                pos += 1
                return true
            }
        }

        mutating func array() -> Bool {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { return false }
            pos += 1
            if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                return true
            }
            while true {
                guard value(), pos < bytes.count else { return false }
                if bytes[pos] == UInt8(ascii: ",") {
                    pos += 1
                    continue
                }
                guard bytes[pos] == UInt8(ascii: "]") else { return false }
                pos += 1
                return true
            }
        }

        /// A canonical string from its opening quote to past its closing one: an FNV-1a hash of its
        /// bytes when `hashing` (for the duplicate name check), nil when it is not canonical.
        mutating func string(hashing: Bool) -> UInt64? {
            pos += 1
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            // Names are hashed byte by byte; other strings skip the bytes that need no look.
            if !hashing { pos = JSONBytes.plainWordsEnd(bytes, from: pos) }
            while pos < bytes.count {
                let c = bytes[pos]
                if hashing { hash = (hash ^ UInt64(c)) &* 0x100_0000_01b3 }
                if c == UInt8(ascii: "\"") {
                    pos += 1
                    return hash
                }
                if c < 0x20 { return nil }
                if c == UInt8(ascii: "\\") {
                    guard escape() else { return nil }
                    continue
                }
                if c >= 0x80 {
                    guard let n = JSONBytes.utf8SequenceLength(bytes, at: pos) else { return nil }
                    pos += n
                    continue
                }
                pos += 1
            }
            return nil
        }

        /// An escape at `pos`, as `JSONWriter.writeString` writes it, and only then.
        mutating func escape() -> Bool {
            guard pos + 1 < bytes.count else { return false }
            switch bytes[pos + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
                UInt8(ascii: "b"), UInt8(ascii: "f"):
                pos += 2
                return true
            case UInt8(ascii: "u"):
                // \u00XX for the control characters without a short escape, in upper-case hex.
                guard pos + 6 <= bytes.count, bytes[pos + 2] == 0x30, bytes[pos + 3] == 0x30,
                    let high = Self.upperHex(bytes[pos + 4]), high < 2, let low = Self.upperHex(bytes[pos + 5])
                else { return false }
                let scalar = high << 4 | low
                if scalar == 0x08 || scalar == 0x09 || scalar == 0x0A || scalar == 0x0C || scalar == 0x0D {
                    return false
                }
                pos += 6
                return true
            default:
                return false
            }
        }

        static func upperHex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }

        mutating func number() -> Bool {
            let start = pos
            guard let number = JSONBytes.number(bytes, at: pos) else { return false }
            pos = number.end
            let text = UnsafeRawBufferPointer(rebasing: bytes[start..<pos])
            if number.integral { return number.digits.count <= 18 && !number.isNegativeZero }
            if let plain = JsonConverterForm.plainDecimalIsJavas(text) { return plain }
            // Read as JSONParser reads it, written as JsonConverter writes it.
            guard case .float64(let d) = Value.parsed(numberBytes: text, integral: false) else { return false }
            return JavaNumberFormat.double(d).utf8.elementsEqual(text)
        }
    }

    /// Whether a number of this form (`matches` accepted it) reads as a Connect value whose Swift text
    /// (`String(Int64)`, `Double.description`) is these bytes: integers, and decimals that Java writes
    /// plainly, which Swift writes with the same shortest digits, plainly too (it switches to an exponent
    /// only below 1e-4 and from 2^53). A sink writing text (the JDBC sink's COPY) then copies the bytes.
    public static func numberIsSwiftText(_ text: UnsafeRawBufferPointer) -> Bool {
        guard let first = text.first, first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else {
            return false
        }
        if !text.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            // Integers of this form have at most 18 digits and are not `-0`: Int64's text.
            return true
        }
        return plainDecimalIsJavas(text) == true
    }

    /// Decides a decimal without an exponent (`int.frac`) by its digits alone, which is most doubles
    /// in records: parsing it and formatting the double was a third of the check's cost. Nil when
    /// the rule does not decide (an exponent, more than 15 significant digits), and the caller
    /// formats. The rule: a decimal of at most 15 significant digits is the double's shortest
    /// round-trip form (distinct 15-digit decimals read as distinct doubles, so no other decimal
    /// of that length or shorter reads as the same one), so Java writes these digits; it writes
    /// them plainly for 1e-3 ≤ |x| < 1e7, with no trailing zero but in `x.0`, and zero as `0.0`.
    static func plainDecimalIsJavas(_ text: UnsafeRawBufferPointer) -> Bool? {
        guard !text.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
            let dot = text.firstIndex(of: UInt8(ascii: "."))
        else { return nil }
        let intStart = text[text.startIndex] == UInt8(ascii: "-") ? text.startIndex + 1 : text.startIndex
        let intDigits = dot - intStart
        let fracStart = dot + 1
        let end = text.endIndex
        let fracDigits = end - fracStart
        let intIsZero = intDigits == 1 && text[intStart] == UInt8(ascii: "0")
        // |x| ≥ 1e7 is written with an exponent; at most 7 integer digits is below (JSONBytes.number
        // refused leading zeros).
        if intDigits > 7 { return false }
        // A trailing zero is Java's only in `x.0` (`0.0` included).
        if text[end - 1] == UInt8(ascii: "0") { return fracDigits == 1 }
        if !intIsZero { return intDigits + fracDigits <= 15 ? true : nil }
        // 0 < |x| < 1: at least 1e-3 means a non-zero digit among the first three after the point.
        var firstNonZero = fracStart
        while firstNonZero < end, text[firstNonZero] == UInt8(ascii: "0") { firstNonZero += 1 }
        if firstNonZero - fracStart >= 3 { return false }
        return end - firstNonZero <= 15 ? true : nil
    }
}

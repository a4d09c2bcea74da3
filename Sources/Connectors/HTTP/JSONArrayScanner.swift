/// Finds the elements of a top-level JSON array one at a time, without parsing them: a page of 50 000
/// rows is then turned into records a slice at a time instead of as one tree of 50 000 objects.
struct JSONArrayScanner {
    let bytes: [UInt8]
    private(set) var position: Int
    private(set) var failed = false

    /// nil when `bytes` does not start (after whitespace) with `[`.
    init?(_ bytes: [UInt8]) {
        self.bytes = bytes
        var i = 0
        while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return nil }
        position = i + 1
    }

    /// The byte range of the next element, nil at the closing `]` (or when the text is malformed:
    /// `failed` then says so).
    mutating func next() -> Range<Int>? {
        var i = position
        while i < bytes.count, Self.isSpace(bytes[i]) || bytes[i] == UInt8(ascii: ",") { i += 1 }
        guard i < bytes.count else {
            failed = true
            return nil
        }
        if bytes[i] == UInt8(ascii: "]") {
            position = i + 1
            return nil
        }
        let start = i
        var depth = 0
        var inString = false
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                if b == UInt8(ascii: "\\") {
                    i += 1
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 {  // the array's own end right after a scalar
                        position = i
                        return start..<trimmedEnd(start, i)
                    }
                    depth -= 1
                    if depth == 0 {
                        position = i + 1
                        return start..<(i + 1)
                    }
                case UInt8(ascii: ","):
                    if depth == 0 {
                        position = i
                        return start..<trimmedEnd(start, i)
                    }
                default: break
                }
            }
            i += 1
        }
        failed = true
        return nil
    }

    private func trimmedEnd(_ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start, Self.isSpace(bytes[e - 1]) { e -= 1 }
        return e
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}

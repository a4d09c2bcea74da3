/// Compact JSON output, byte-compatible with Jackson's default writer: no spaces, `/` not escaped,
/// non-ASCII written as UTF-8, control characters as `\n`-style or `\u00XX` escapes.
public enum JSONWriter {
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(value, to: &out)
        return out
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    public static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): writeBool(b, to: &out)
        case .int(let i): writeInt(i, to: &out)
        case .number(let t): out.append(contentsOf: t.utf8)
        case .string(let s): writeString(s, to: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(v, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for m in o.members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(m.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(m.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    public static func writeInt(_ i: Int64, to out: inout [UInt8]) {
        if i >= 0 && i < 10 {
            out.append(UInt8(ascii: "0") &+ UInt8(i))
            return
        }
        var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for Int64.min
        let neg = i < 0
        var mag = i.magnitude
        withUnsafeMutableBytes(of: &buf) { raw in
            var pos = raw.count
            while mag > 0 {
                pos -= 1
                raw[pos] = UInt8(ascii: "0") &+ UInt8(mag % 10)
                mag /= 10
            }
            if neg {
                pos -= 1
                raw[pos] = UInt8(ascii: "-")
            }
            // As a typed buffer: a slice of the raw buffer was appended byte by byte through an iterator.
            out.append(
                contentsOf: UnsafeBufferPointer(
                    start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + pos, count: raw.count - pos))
        }
    }

    /// Upper case, as Jackson writes `\u00XX` escapes (its `CharTypes` hex digits; since 2.17 the default
    /// of `JsonWriteFeature.WRITE_HEX_UPPER_CASE`): Kafka's JsonConverter writes `"\u001F"`.
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    @inline(__always)
    public static func writeBool(_ b: Bool, to out: inout [UInt8]) {
        if b {
            out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])  // true
        } else {
            out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])  // false
        }
    }

    public static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Read in place: `withUTF8` needs a mutable copy of the string, a retain and a release for every
        // string written. Only a string not stored as UTF-8 (bridged) takes that way.
        if s.utf8.withContiguousStorageIfAvailable({ writeEscaped($0, to: &out) }) == nil {
            var s = s
            s.withUTF8 { writeEscaped($0, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        // Most strings have nothing to escape: their clean prefix is found 8 bytes at a time (a word has
        // a byte below 0x20, or a `"` or `\\` one, exactly when the usual has-zero-byte tests say so), and
        // the byte loop below starts after it; the prefix is appended with the rest of its clean run.
        // (Swift's SIMD16 compares compiled to byte-wise code here, slower than the plain loop.)
        var clean = 0
        if let base = utf8.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while clean + 8 <= utf8.count {
                let w = raw.loadUnaligned(fromByteOffset: clean, as: UInt64.self)
                let quote = w ^ (ones &* 0x22)
                let backslash = w ^ (ones &* 0x5C)
                let special =
                    ((w &- ones &* 0x20) & ~w) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                if special & highs != 0 { break }
                clean += 8
            }
        }
        var start = 0
        for i in clean..<utf8.count {
            let c = utf8[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { continue }
            if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i])) }
            start = i + 1
            out.append(UInt8(ascii: "\\"))
            switch c {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            default:
                out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]])
            }
        }
        if start < utf8.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
    }
}

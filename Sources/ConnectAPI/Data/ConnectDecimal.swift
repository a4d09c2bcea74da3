/// An arbitrary-precision decimal as Connect stores it: a big-endian two's-complement unscaled integer
/// and a scale (value = unscaled × 10^-scale).
public struct ConnectDecimal: Sendable, Hashable, CustomStringConvertible {
    public let unscaled: [UInt8]
    public let scale: Int32

    public init(unscaled: [UInt8], scale: Int32) {
        self.unscaled = unscaled.isEmpty ? [0] : unscaled
        self.scale = scale
    }

    /// Parses plain decimal text (`-12.340`, `7`, `1.5E+3`); the scale is the number of fraction digits.
    public init?(_ text: String) {
        var s = Substring(text)
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(s[s.index(after: e)...]) else { return nil }
            exponent = x
            s = s[..<e]
        }
        var negative = false
        if s.first == "-" || s.first == "+" {
            negative = s.first == "-"
            s = s.dropFirst()
        }
        var digits: [UInt8] = []
        var scale = 0
        var seenPoint = false
        for c in s.utf8 {
            if c == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
            } else if c >= 0x30 && c <= 0x39 {
                digits.append(c - 0x30)
                if seenPoint { scale += 1 }
            } else {
                return nil
            }
        }
        if digits.isEmpty { return nil }
        scale -= exponent
        if scale < 0 {
            digits.append(contentsOf: repeatElement(0, count: -scale))
            scale = 0
        }
        self.init(unscaled: Self.twosComplement(decimalDigits: digits, negative: negative), scale: Int32(scale))
    }

    /// Big-endian magnitude from base-10 digits, then two's complement with a sign bit.
    static func twosComplement(decimalDigits: [UInt8], negative: Bool) -> [UInt8] {
        var mag: [UInt8] = [0]  // little-endian base 256
        for d in decimalDigits {
            var carry = UInt16(d)
            for i in 0..<mag.count {
                let v = UInt16(mag[i]) * 10 + carry
                mag[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
            if carry > 0 { mag.append(UInt8(carry)) }
        }
        while mag.count > 1 && mag.last == 0 { mag.removeLast() }
        if mag.last! & 0x80 != 0 { mag.append(0) }  // room for the sign bit
        if negative && !(mag.count == 1 && mag[0] == 0) {
            var carry: UInt16 = 1
            for i in 0..<mag.count {
                let v = UInt16(~mag[i]) + carry
                mag[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
            // Minimal form: drop redundant 0xFF bytes whose next byte keeps the sign.
            while mag.count > 1 && mag[mag.count - 1] == 0xFF && mag[mag.count - 2] & 0x80 != 0 { mag.removeLast() }
        }
        return mag.reversed()
    }

    /// The value as Java's `BigDecimal.toString` writes it: plain text (`-12.340`) unless the scale is
    /// negative or the number is below 10^-6, then scientific (`1E-10`, `1.23E+3`, `0E-10`).
    public var javaString: String {
        let plain = description
        let negative = plain.hasPrefix("-")
        // The unscaled digits, without sign, point or the zeros a negative scale appends.
        var digits = plain.filter { $0 != "-" && $0 != "." }
        if scale < 0 { digits = String(digits.dropLast(Int(-scale))) }
        if scale > 0 {
            // Leading zeros toPlainString adds before the unscaled digits (0.00123 has digits 123).
            let trimmed = digits.drop { $0 == "0" }
            digits = trimmed.isEmpty ? "0" : String(trimmed)
        }
        let adjusted = -Int(scale) + (digits.count - 1)
        if scale >= 0 && adjusted >= -6 { return plain }
        var out = negative ? "-" : ""
        out += String(digits.prefix(1))
        if digits.count > 1 { out += "." + digits.dropFirst() }
        out += "E" + (adjusted >= 0 ? "+" : "") + String(adjusted)
        return out
    }

    /// The value as plain text, e.g. `-12.340` (Java's `BigDecimal.toPlainString`).
    public var description: String {
        var bytes = unscaled
        let negative = bytes[0] & 0x80 != 0
        if negative {
            // Negate two's complement to get the magnitude.
            var carry: UInt16 = 1
            for i in stride(from: bytes.count - 1, through: 0, by: -1) {
                let v = UInt16(~bytes[i]) + carry
                bytes[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
        }
        var digits: [UInt8] = []
        var mag = bytes
        while !(mag.allSatisfy { $0 == 0 }) {
            var rem: UInt16 = 0
            for i in 0..<mag.count {
                let v = rem << 8 | UInt16(mag[i])
                mag[i] = UInt8(v / 10)
                rem = v % 10
            }
            digits.append(UInt8(rem))
        }
        if digits.isEmpty { digits = [0] }
        var text = String(digits.reversed().map { Character(Unicode.Scalar($0 + 0x30)) })
        if scale > 0 {
            let s = Int(scale)
            if text.count <= s { text = String(repeating: "0", count: s - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -s))
        } else if scale < 0 {
            text += String(repeating: "0", count: Int(-scale))
        }
        return (negative ? "-" : "") + text
    }
}

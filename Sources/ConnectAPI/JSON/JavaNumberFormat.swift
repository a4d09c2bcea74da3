/// Formats floating-point numbers exactly as Java's `Double.toString` / `Float.toString` do, because
/// Jackson (and so every JSON record Kafka Connect writes) uses them: `1.0`, `0.001`, `1.0E7`, `1.0E-4`.
public enum JavaNumberFormat {
    public static func double(_ d: Double) -> String {
        // Fast path (most values records carry): in Java's plain range Swift's layout is already Java's.
        let m = d.magnitude
        if m >= 1e-3 && m < 1e7 { return d.description }
        return format(d.isNaN, d.isInfinite, d.sign == .minus, d.description, d == 0)
    }
    public static func float(_ f: Float) -> String {
        let m = f.magnitude
        if m >= 1e-3 && m < 1e7 { return f.description }
        return format(f.isNaN, f.isInfinite, f.sign == .minus, f.description, f == 0)
    }

    /// Swift's `description` gives the shortest round-trip digits; Java uses the same digits in a
    /// different layout: plain notation for 1e-3 ≤ |x| < 1e7, else `d.dddE±n`, always with a fraction digit.
    private static func format(_ nan: Bool, _ inf: Bool, _ neg: Bool, _ swift: String, _ zero: Bool) -> String {
        if nan { return "NaN" }
        if inf { return neg ? "-Infinity" : "Infinity" }
        if zero { return neg ? "-0.0" : "0.0" }
        var s = Substring(swift)
        if s.hasPrefix("-") { s = s.dropFirst() }
        // Split into digits and decimal exponent: value = 0.d1d2d3... × 10^exp10
        var mantissa = s
        var exp = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]
            exp = Int(s[s.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = parts[0]
        let fracPart = parts.count > 1 ? parts[1] : ""
        var digits = Array(intPart + fracPart)
        var pointPos = intPart.count + exp  // digits before the decimal point
        while digits.first == "0" && digits.count > 1 {
            digits.removeFirst()
            pointPos -= 1
        }
        while digits.last == "0" && digits.count > 1 { digits.removeLast() }
        let sci = pointPos - 1  // exponent in d.ddd form
        var out = neg ? "-" : ""
        if sci >= -3 && sci < 7 {
            if pointPos <= 0 {
                out += "0." + String(repeating: "0", count: -pointPos) + String(digits)
            } else if pointPos >= digits.count {
                out += String(digits) + String(repeating: "0", count: pointPos - digits.count) + ".0"
            } else {
                out += String(digits[..<pointPos]) + "." + String(digits[pointPos...])
            }
        } else {
            out += String(digits[0]) + "." + (digits.count > 1 ? String(digits[1...]) : "0") + "E" + String(sci)
        }
        return out
    }
}

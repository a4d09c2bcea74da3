extension Double {
    /// `-?digits[.digits]` with at most 15 digits in all, read without a String or strtod: the digits
    /// are an integer below 2^53 and the power of ten is exact, so one IEEE division is the correctly
    /// rounded value (Clinger's fast path), the same Double that parsing the text gives. Nil for
    /// anything else (exponents, longer numbers, NaN): callers fall back to the full parser.
    /// (JSON numbers, and PostgreSQL's numeric and float text, are mostly this short.)
    public init?(exactDecimal b: UnsafeRawBufferPointer) {
        var i = 0
        let negative = b.first == UInt8(ascii: "-")
        if negative { i = 1 }
        var mantissa: Int64 = 0
        var digits = 0
        var fraction = -1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                mantissa = mantissa * 10 + Int64(c - UInt8(ascii: "0"))
                digits += 1
                if fraction >= 0 { fraction += 1 }
                if digits > 15 { return nil }
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        let d = Double(mantissa) / Double.exactPowersOfTen[max(fraction, 0)]
        self = negative ? -d : d
    }

    private static let exactPowersOfTen: [Double] = (0...15).map { p in (0..<p).reduce(1.0) { r, _ in r * 10 } }
}

import Testing

@testable import ConnectAPI

@Suite struct JSONTests {
    @Test func keepsMemberOrderAndWritesCompactJacksonStyle() throws {
        let text = #"{"b":1,"a":[true,null,"x\"y/z\n"],"c":{"z":-5,"y":12.50}}"#
        let v = try JSONParser.parse(text)
        #expect(v.objectValue?.keys == ["b", "a", "c"])
        #expect(JSONWriter.string(v) == #"{"b":1,"a":[true,null,"x\"y/z\n"],"c":{"z":-5,"y":12.50}}"#)
    }

    @Test func aRepeatedNameKeepsItsPlaceAndTheLastValueInSmallAndWideObjects() throws {
        let small = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(JSONWriter.string(small) == #"{"a":3,"b":2}"#)
        // Wide enough for the parser's name index, with repeats before and after it is built.
        let names = (0..<20).map { "f\($0)" }
        let text =
            "{" + names.map { "\"\($0)\":0" }.joined(separator: ",") + #","f2":"x","f15":"y","new":1,"f0":null}"#
        let wide = try JSONParser.parse(text)
        #expect(wide.objectValue?.keys == names + ["new"])
        #expect(wide["f2"] == .string("x") && wide["f15"] == .string("y") && wide["f0"] == .null)
        #expect(wide["f3"] == .int(0) && wide["new"] == .int(1))
    }

    /// The one-pass parse the sinks use must give exactly what inferring from the parsed tree gives.
    @Test(arguments: [
        #"{"id":7,"name":"a\"b\u00e9\ud83d\ude00","amount":12.50,"big":123456789012345678901,"max":9223372036854775807}"#,
        #"{"neg":-0,"exp":1E+3,"frac":-0.125,"t":true,"f":false,"n":null,"a":[1,[2.5,{"x":"y"}],[]],"o":{}}"#,
        #"{"a":1,"b":2,"a":3}"#, #"[{"k":1},"s",null]"#, "42", #""plain""#, "-1.5e-7",
        "{" + (0..<20).map { "\"f\($0)\":\($0)" }.joined(separator: ",") + #","f3":"again"}"#,
    ])
    func parsesConnectValuesInOnePassAsInferringFromTheTreeDoes(_ text: String) throws {
        let direct = try JSONParser.parseConnectValue(Array(text.utf8))
        #expect(direct == Value.inferred(from: try JSONParser.parse(text)))
    }

    /// Decimals read without their text (the exact fast path) are the Doubles the text parses to.
    @Test func decimalsReadFromBytesAreTheDoublesOfTheirText() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = [
            "0.1", "-0.0", "0.30000000000000004", "999999999999999.9", "12.50", "-7.000", "1.5e3", "123456789.123456",
        ]
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...17, using: &generator)
            var t = String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            t.insert(".", at: t.index(t.startIndex, offsetBy: Int.random(in: 0..<digits, using: &generator)))
            if t.hasPrefix(".") { t = "0" + t }
            while t.count > 1 && t.hasPrefix("0") && !t.hasPrefix("0.") { t.removeFirst() }
            texts.append(Bool.random(using: &generator) ? "-" + t : t)
        }
        // The fast path is taken where it applies, and not for exponents or more than 15 digits.
        func exact(_ t: String) -> Double? { Array(t.utf8).withUnsafeBytes { Double(exactDecimal: $0) } }
        #expect(exact("12.50") == 12.5)
        #expect(exact("-42") == -42)
        #expect(exact("1.5e3") == nil)
        #expect(exact("0.30000000000000004") == nil)
        #expect(exact("1.2.3") == nil && exact("-") == nil && exact(".") == nil && exact("NaN") == nil)
        // Far past Int64's digits: refused (the fast path stopped at 15 digits only after reading them
        // all, and 19 digits overflowed the mantissa: a trap on a long JSON decimal).
        #expect(exact("0.12345678901234567890123") == nil)
        #expect(
            try JSONParser.parseConnectValue(Array("0.12345678901234567890123".utf8)) == .float64(0.12345678901234568))
        for t in texts {
            let v = try JSONParser.parseConnectValue(Array(t.utf8))
            guard case .float64(let d) = v, let expected = Double(t) else {
                Issue.record("\(t) parsed to \(v)")
                continue
            }
            #expect(d.bitPattern == expected.bitPattern, "\(t)")
        }
    }

    /// Strings are scanned eight bytes at a time: a quote, backslash or control character at any offset.
    @Test func stringsEndAndEscapeAtEveryOffset() throws {
        for n in 0..<20 {
            let plain = String(repeating: "a", count: n)
            #expect(try JSONParser.parse("\"\(plain)\"") == .string(plain))
            #expect(try JSONParser.parse("\"\(plain)\\n\(plain)é\"") == .string(plain + "\n" + plain + "é"))
            #expect(throws: JSONParseError.self) { try JSONParser.parse("\"\(plain)\u{01}\(plain)\"") }
        }
    }

    @Test func inferredConnectValuesFollowJsonConverterWithoutSchemas() throws {
        let v = try JSONParser.parseConnectValue(Array(#"{"i":3,"d":2.0,"s":"x","b":true,"a":[1],"n":null}"#.utf8))
        let expected: Value = .map([
            MapEntry(key: .string("i"), value: .int64(3)), MapEntry(key: .string("d"), value: .float64(2)),
            MapEntry(key: .string("s"), value: .string("x")), MapEntry(key: .string("b"), value: .boolean(true)),
            MapEntry(key: .string("a"), value: .array([.int64(1)])), MapEntry(key: .string("n"), value: .null),
        ])
        #expect(v == expected)
        #expect(throws: JSONParseError.self) { try JSONParser.parseConnectValue(Array(#"{"a":1"#.utf8)) }
    }

    @Test func offsetKeyIsByteExact() {
        let key: JSONValue = .array([.string("files"), .object([("filename", .string("/tmp/in.txt"))])])
        #expect(JSONWriter.string(key) == #"["files",{"filename":"/tmp/in.txt"}]"#)
    }

    @Test func escapesControlCharactersAsJacksonDoes() {
        #expect(JSONWriter.string(.string("a\u{01}b\tc")) == #""a\u0001b\tc""#)
        // Jackson's hex digits are upper case (CharTypes; WRITE_HEX_UPPER_CASE by default since 2.17).
        #expect(JSONWriter.string(.string("\u{0B}\u{1B}\u{1F}")) == #""\u000B\u001B\u001F""#)
    }

    @Test func stringsAreEscapedWhereverTheSpecialByteFalls() {
        // Clean runs are skipped 16 bytes at a time: a byte to escape first, last, on either side of a
        // 16-byte boundary, or past the last whole 16 bytes must be escaped all the same; and integers
        // of every length come out whole.
        func reference(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case let c where c.value < 0x20:
                    out += "\\u00" + (c.value < 0x10 ? "0" : "") + String(c.value, radix: 16, uppercase: true)
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        }
        let specials: [Character] = ["\"", "\\", "\n", "\u{01}", "\u{1F}"]
        for length in [0, 1, 15, 16, 17, 31, 32, 33, 47, 100] {
            // ASCII, so that positions are byte offsets.
            let clean = String(repeating: "ab", count: length / 2) + (length % 2 == 1 ? "z" : "")
            #expect(JSONWriter.string(.string(clean)) == reference(clean))
            for at in Set([0, 15, 16, 17, 31, 32, length - 1, length]) where at >= 0 && at <= clean.count {
                for c in specials {
                    var s = clean
                    s.insert(c, at: s.index(s.startIndex, offsetBy: at))
                    #expect(JSONWriter.string(.string(s)) == reference(s), "\(length) \(at)")
                }
            }
        }
        let wide = String(repeating: "Zürich 東京 😀 ", count: 3)
        #expect(JSONWriter.string(.string(wide + "\"" + wide)) == reference(wide + "\"" + wide))
        for i: Int64 in [0, 9, 10, -1, -10, 99, 12345, Int64.max, Int64.min, -9_999_999_999] {
            #expect(JSONWriter.string(.int(i)) == String(i))
        }
    }

    @Test(arguments: [
        #"{"a":}"#, #"[1,]"#, #"{"a" 1}"#, "01", #""unterminated"#, "", "tru", #"{"a":1} x"#,
    ])
    func rejectsMalformedInput(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func largeIntegersAndFractionsKeepTheirText() throws {
        #expect(try JSONParser.parse("123456789012345678901234") == .number("123456789012345678901234"))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int64.min))
        #expect(try JSONParser.parse("1E+3") == .number("1E+3"))
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: [
        (1.0, "1.0"), (0.001, "0.001"), (1e7, "1.0E7"), (1.0e-4, "1.0E-4"), (123.456, "123.456"),
        (-2.5e10, "-2.5E10"), (9999999.0, "9999999.0"), (0.0, "0.0"), (9999999.999, "9999999.999"),
        (0.00123, "0.00123"), (-42.5, "-42.5"), (1234567.0, "1234567.0"), (0.1 + 0.2, "0.30000000000000004"),
        (9.99e-4, "9.99E-4"), (-0.0, "-0.0"),
    ])
    func doublesFormatLikeJava(_ d: Double, _ expected: String) {
        #expect(JavaNumberFormat.double(d) == expected)
    }

    @Test(arguments: [(Float(0.1), "0.1"), (Float(1e7), "1.0E7"), (Float(3.25), "3.25"), (Float(1e-4), "1.0E-4")])
    func floatsFormatLikeJava(_ f: Float, _ expected: String) {
        #expect(JavaNumberFormat.float(f) == expected)
    }
}

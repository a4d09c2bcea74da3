import ConnectAPI
import ConnectJSON
import Testing

/// `JsonConverterForm.matches(b)` must imply that JsonConverter (schemas off) reads `b` and writes back
/// exactly `b`: the S3 sink copies such values instead of converting them.
struct JsonConverterFormTests {
    let converter = try! JsonConverter(config: ["schemas.enable": "false"])

    func roundTrip(_ bytes: [UInt8]) throws -> [UInt8] {
        let v = try converter.toConnectData(topic: "t", bytes: bytes)
        var out: [UInt8] = []
        _ = try converter.fromConnectData(topic: "t", schema: v.schema, value: v.value, into: &out)
        return out
    }

    @Test(arguments: [
        #"{"id":1,"name":"a","amount":12.5,"ok":true,"n":null}"#,
        #"{"a":[1,-2,3.0E-4,1.0E7,"x",[],{}],"b":{"c":{"d":false}}}"#,
        #"[]"#, #"{}"#, #"0"#, #"-1"#, #"123456789012345678"#, #"0.1"#, #"-0.0"#, #"1.0"#, #"100.0"#,
        #""tab\there \"q\" back\\ nl\n cr\r \b \f \u0001 \u001F \u000B""#,
        #""Zürich, 東京, 😀""#, #"true"#, #"{"k":"v","K":"v"}"#,
    ])
    func canonicalInputIsWrittenBackByteForByte(_ text: String) throws {
        let bytes = Array(text.utf8)
        #expect(JsonConverterForm.matches(bytes))
        #expect(try roundTrip(bytes) == bytes)
    }

    @Test(arguments: [
        #"{"id": 1}"#, #" {"id":1}"#, #"{"id":1} "#, #"{"a":1,"a":2}"#, #"007"#, #"-0"#,
        #"1234567890123456789"#, #"1e2"#, #"1.50"#, #"12345678.9"#, #"1E400"#, #"0.0001"#,
        #""\/""#, #""\u0041""#, #""\u000a""#, #""\u001f""#, #""\u000b""#, #""\n"#, #"{"a":1"#, #"[1,]"#, #"tru"#,
        #""#, #"  "#, #"{"a":1}x"#,
    ])
    func nonCanonicalInputIsRefused(_ text: String) {
        #expect(!JsonConverterForm.matches(Array(text.utf8)))
    }

    @Test func illFormedUTF8IsRefused() {
        for bad: [UInt8] in [
            [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xFF, 0x22],
        ] {
            #expect(!JsonConverterForm.matches(bad))
        }
    }

    @Test func deepNestingIsLeftToTheParser() {
        let deep = Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8)
        #expect(!JsonConverterForm.matches(deep))
    }

    /// Names beyond what fits on the stack (85) are checked again with room for 256: wide records keep
    /// the copy path, and their duplicates are still found; more names than that are left to the parser.
    @Test(arguments: [10, 84, 85, 86, 200, 256])
    func wideObjectsAreCheckedWholeUpToTheNameLimit(_ width: Int) throws {
        let members = (0..<width).map { #""column_\#($0)":\#($0)"# }
        let bytes = Array(("{" + members.joined(separator: ",") + "}").utf8)
        #expect(JsonConverterForm.matches(bytes))
        #expect(try roundTrip(bytes) == bytes)
        let repeated = Array(("{" + (members + [#""column_0":1"#]).joined(separator: ",") + "}").utf8)
        #expect(!JsonConverterForm.matches(repeated))
        // Names of the open objects add up: the outer object's names and the inner one's.
        let nested = Array(
            (#"{"outer_a":1,"inner":{"# + members.joined(separator: ",") + #"},"outer_b":2}"#).utf8)
        #expect(JsonConverterForm.matches(nested) == (width + 2 <= 256))
    }

    @Test func moreNamesThanTheLimitAreLeftToTheParser() {
        let members = (0..<257).map { #""c\#($0)":0"# }
        #expect(!JsonConverterForm.matches(Array(("{" + members.joined(separator: ",") + "}").utf8)))
    }

    /// Random documents, written with random spacing and spellings: whenever the check accepts one,
    /// converting it reproduces it exactly, and whatever JsonConverter writes is accepted.
    @Test func acceptedMeansReproducedOverRandomDocuments() throws {
        var accepted = 0
        for text in Self.documents(seed: 23, count: 3000) {
            let bytes = Array(text.utf8)
            // A value that is JSON null is written as no value at all (the runtime never passes it through).
            guard let written = try? roundTrip(bytes), !written.isEmpty else { continue }
            if JsonConverterForm.matches(bytes) {
                accepted += 1
                #expect(written == bytes, "\(text)")
            }
            #expect(JsonConverterForm.matches(written), "\(String(decoding: written, as: UTF8.self))")
        }
        #expect(accepted > 300)
    }

    /// Decimals without an exponent are decided by their digits (no parse, no formatting): over random
    /// ones (up to 9 integer and 18 fraction digits, runs of zeros, both signs) the check accepts exactly
    /// those JsonConverter writes back unchanged.
    @Test func plainDecimalsAreAcceptedExactlyWhenWrittenBack() throws {
        var rng = SplitMix(seed: 7)
        let digits = Array("0123456789")
        func digitRun(_ n: Int, _ rng: inout SplitMix) -> String {
            // Zeros half the time: trailing zeros, `0.00x` and zero itself must all come up.
            String((0..<n).map { _ in Bool.random(using: &rng) ? "0" : digits.randomElement(using: &rng)! })
        }
        var accepted = 0
        for _ in 0..<20_000 {
            let intLength = Int.random(in: 0...9, using: &rng)
            var int = intLength == 0 ? "0" : digitRun(intLength, &rng)
            while int.count > 1 && int.hasPrefix("0") { int.removeFirst() }
            if int.isEmpty { int = "0" }
            let text =
                (Bool.random(using: &rng) ? "-" : "") + int + "." + digitRun(Int.random(in: 1...18, using: &rng), &rng)
            let bytes = Array(text.utf8)
            let reproduced = try roundTrip(bytes) == bytes
            if reproduced { accepted += 1 }
            #expect(JsonConverterForm.matches(bytes) == reproduced, "\(text)")
        }
        #expect(accepted > 1000)
    }

    /// `numberIsSwiftText` lets the JDBC sink copy a number's bytes into COPY text: whenever it says so,
    /// the bytes are the text of the value they read as (`String(Int64)`, `Double.description`), over
    /// the random plain decimals above and the numbers of the random documents.
    @Test func numbersSaidToBeSwiftTextAreTheirValuesText() throws {
        var rng = SplitMix(seed: 11)
        var texts = Self.numbers + ["9999999.5", "0.001", "-123.456", "1.0E-4", "1.0E7", "5.0E-324"]
        for _ in 0..<20_000 {
            let int = String(Int.random(in: 0...99_999_999, using: &rng))
            let frac = String(
                (0..<Int.random(in: 1...17, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            texts.append((Bool.random(using: &rng) ? "-" : "") + (Bool.random(using: &rng) ? "0" : int) + "." + frac)
        }
        var copied = 0
        for text in texts {
            let bytes = Array(text.utf8)
            guard JsonConverterForm.matches(bytes) else { continue }
            guard bytes.withUnsafeBytes({ JsonConverterForm.numberIsSwiftText($0) }) else { continue }
            copied += 1
            switch try JSONParser.parseConnectValue(bytes) {
            case .int64(let i): #expect(String(i) == text)
            case .float64(let d): #expect("\(d)" == text)
            case let v: Issue.record("\(text) read as \(v)")
            }
        }
        #expect(copied > 1000)
        for exponent in ["1.0E7", "1.0E-4"] {
            #expect(!Array(exponent.utf8).withUnsafeBytes { JsonConverterForm.numberIsSwiftText($0) })
        }
    }

    /// `JSONMembers` finds each top-level member of a document in the form where the parser does: over
    /// random objects, the names decoded and the values parsed from their ranges are the parsed map's.
    @Test func membersOfObjectsInTheFormAreTheParsedOnes() throws {
        var objects = 0
        for text in Self.documents(seed: 5, count: 5000) {
            let bytes = Array(text.utf8)
            guard JsonConverterForm.matches(bytes), case .map(let entries) = try JSONParser.parseConnectValue(bytes)
            else { continue }
            objects += 1
            var members = JSONMembers()
            let found = try bytes.withUnsafeBytes { b in
                let scanned = members.scan(b)
                #expect(scanned)
                return try (0..<members.count).map { i in
                    MapEntry(
                        key: .string(JSONMembers.decodedString(members[i].name, in: b)),
                        value: try JSONParser.parseConnectValue(UnsafeRawBufferPointer(rebasing: b[members[i].value])))
                }
            }
            #expect(found == entries, "\(text)")
            for (i, e) in entries.enumerated() {
                let name = try #require(e.key.stringValue)
                let member = members[i]
                #expect(bytes.withUnsafeBytes { b in JSONMembers.name(member.name, in: b, is: name) })
            }
        }
        #expect(objects > 200)
        var members = JSONMembers()
        let array = Array("[1]".utf8).withUnsafeBytes { members.scan($0) }
        #expect(!array)
    }

    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func space(_ rng: inout SplitMix, _ text: inout String) {
        if Int.random(in: 0..<12, using: &rng) == 0 { text += " " }
    }

    static let strings = [
        "a", "id", "name", "Zürich", "q\"uote", "back\\slash", "new\nline", "\u{1}", "x/y", "😀", "", "id",
    ]
    static let numbers = [
        "0", "1", "-7", "42", "007", "-0", "12.5", "12.50", "1e2", "1.0E7", "0.001", "1.0E-4", "3.14159",
        "123456789012345678", "99999999999999999999", "0.1", "2.5E-3", "-0.0", "1E2",
    ]

    static func string(_ rng: inout SplitMix, _ text: inout String) {
        var s = "\""
        for ch in strings.randomElement(using: &rng)!.unicodeScalars {
            switch ch {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += ["\\n", "\\u000a"].randomElement(using: &rng)!
            case "\u{1}": s += ["\\u0001", "\\u0001", "\\u0001"].randomElement(using: &rng)!
            case "/": s += ["/", "\\/"].randomElement(using: &rng)!
            default: s.unicodeScalars.append(ch)
            }
        }
        text += s + "\""
    }

    /// `count` random documents from `seed`.
    static func documents(seed: UInt64, count: Int) -> [String] {
        var rng = SplitMix(seed: seed)
        return (0..<count).map { _ in
            var text = ""
            document(&rng, depth: 0, into: &text)
            return text
        }
    }

    static func document(_ rng: inout SplitMix, depth: Int, into text: inout String) {
        space(&rng, &text)
        switch Int.random(in: 0..<(depth > 3 ? 4 : 7), using: &rng) {
        case 0: text += numbers.randomElement(using: &rng)!
        case 1: string(&rng, &text)
        case 2: text += ["true", "false", "null"].randomElement(using: &rng)!
        case 3: text += numbers.randomElement(using: &rng)!
        case 4:
            text += "["
            for i in 0..<Int.random(in: 0..<4, using: &rng) {
                if i > 0 { text += "," }
                document(&rng, depth: depth + 1, into: &text)
            }
            text += "]"
        default:
            text += "{"
            for i in 0..<Int.random(in: 0..<5, using: &rng) {
                if i > 0 { text += "," }
                space(&rng, &text)
                string(&rng, &text)
                text += ":"
                document(&rng, depth: depth + 1, into: &text)
            }
            text += "}"
        }
        space(&rng, &text)
    }
}

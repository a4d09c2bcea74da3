import Testing

@testable import ConnectAPI

@Suite struct JSONCompactTests {
    func compact(_ text: String) -> String? {
        Array(text.utf8).withUnsafeBytes { JSONCompact.compact($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    func roundTrip(_ text: String) throws -> String { JSONWriter.string(try JSONParser.parse(text)) }

    @Test func writesWhatParsingAndWritingWrite() throws {
        for text in [
            #"{"b" : 1, "a":[ true,null , "x/y", "é ü 漢 😀" ],"c":{"z":-5,"y":12.50, "w": 1e5, "v": -0.5}}"#,
            "  [ ]  ", "{ }", "0", "-7", "123456789012345678901234567890", "-9223372036854775808", "1.5E+3",
            #""plain""#, "\t[\n{\"a\" :\r\nfalse}\n]\n", "[[[[1]]],{\"x\":{\"y\":[]}}]",
        ] {
            #expect(compact(text) == (try roundTrip(text)), "\(text)")
        }
    }

    @Test func leavesToTheParserWhatTheRoundTripChangesOrRefuses() {
        for text in [
            #""a\"b""#, #""\u0041""#, #"{"a":1,"a":2}"#, "-0", "[-0]", "01", "1.", "1e", "[1,]", "{\"a\"}", "tru",
            "[1] x", "\"a\u{1}b\"", "",
            String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
        ] {
            #expect(compact(text) == nil, "\(text)")
        }
        // Invalid UTF-8 (the parser replaces it) and a lone continuation byte.
        for bytes: [UInt8] in [[0x22, 0xC3, 0x22], [0x22, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(bytes.withUnsafeBytes { JSONCompact.compact($0) } == nil)
        }
    }

    @Test func nestingUpToTheParsersLimitIsCompacted() throws {
        let text = String(repeating: "[ ", count: 512) + String(repeating: "]", count: 512)
        #expect(compact(text) == (try roundTrip(text)))
    }
}

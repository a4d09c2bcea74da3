import ConnectAPI
import Testing

@Suite struct ConnectDecimalTests {
    @Test(arguments: [
        ("123.45", [0x30, 0x39] as [UInt8], Int32(2)), ("-1", [0xFF], 0), ("0", [0x00], 0), ("128", [0x00, 0x80], 0),
        ("-128", [0x80], 0), ("-129", [0xFF, 0x7F], 0), ("1.5E+2", [0x00, 0x96], 0),
    ])
    func encodesTwosComplementBigEndian(_ text: String, _ bytes: [UInt8], _ scale: Int32) throws {
        let d = try #require(ConnectDecimal(text))
        #expect(d.unscaled == bytes)
        #expect(d.scale == scale)
    }

    @Test(arguments: ["123.45", "-0.01", "0", "-98765432109876543210.123", "7.000"])
    func roundTripsThroughText(_ text: String) throws {
        #expect(try #require(ConnectDecimal(text)).description == text)
    }

    @Test func rejectsGarbage() {
        #expect(ConnectDecimal("12a") == nil)
        #expect(ConnectDecimal("") == nil)
    }
}

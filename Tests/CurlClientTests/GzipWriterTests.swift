import Testing
import Zlib

@Suite struct GzipWriterTests {
    @Test func writesAGzipMember() {
        let g = GzipWriter()
        for i in 0..<1000 { g.write(Array("{\"id\":\(i)}\n".utf8)) }
        g.finish()
        let out = g.output
        #expect(out.prefix(3) == [0x1f, 0x8b, 8])  // gzip magic, deflate
        // The trailer's last four bytes are the uncompressed length (mod 2^32), little-endian.
        let n = out.suffix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(n == g.inputBytes)
        #expect(out.count < g.inputBytes / 3)
    }
}

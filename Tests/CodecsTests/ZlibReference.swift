import CZlib

/// zlib as the reference decoder: every gzip member of `input` in turn (windowBits 15 + 16), or one raw
/// DEFLATE stream (-15).
enum ZlibReference {
    struct Failed: Error { let code: Int32 }

    static func gunzip(_ input: [UInt8]) throws -> [UInt8] { try inflate(input, windowBits: 15 + 16) }
    static func inflateRaw(_ input: [UInt8]) throws -> [UInt8] { try inflate(input, windowBits: -15) }

    /// Counts the members: a multi-member file is read member after member, as gzip(1) does.
    static func members(_ input: [UInt8]) throws -> Int {
        var n = 0
        _ = try inflate(input, windowBits: 15 + 16) { n += 1 }
        return n
    }

    private static func inflate(_ input: [UInt8], windowBits: Int32, memberEnded: () -> Void = {}) throws -> [UInt8] {
        var out: [UInt8] = []
        var s = z_stream()
        guard tz_inflate_init2(&s, windowBits) == Z_OK else { throw Failed(code: -1) }
        defer { inflateEnd(&s) }
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        try input.withUnsafeBufferPointer { src in
            s.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
            s.avail_in = uInt(src.count)
            while true {
                let rc = scratch.withUnsafeMutableBufferPointer { dst in
                    s.next_out = dst.baseAddress
                    s.avail_out = uInt(dst.count)
                    return CZlib.inflate(&s, Z_NO_FLUSH)
                }
                out += scratch[0..<(scratch.count - Int(s.avail_out))]
                if rc == Z_STREAM_END {
                    memberEnded()
                    if s.avail_in == 0 || windowBits < 0 { return }
                    guard inflateReset(&s) == Z_OK else { throw Failed(code: -2) }
                } else if rc != Z_OK {
                    throw Failed(code: rc)
                }
            }
        }
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}

import CZlib

/// Compresses a stream of bytes into one gzip member (RFC 1952), appending to an output buffer as it
/// goes, so a file being built never holds its uncompressed form.
///
/// Ownership: the z_stream is heap-allocated (zlib keeps a pointer back to it) and freed, with zlib's
/// state, in `deinit`.
public final class GzipWriter {
    private let stream: UnsafeMutablePointer<z_stream>
    private let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 65_536)
    private var finished = false
    /// The compressed bytes so far; the caller may take and clear them between writes.
    public var output: [UInt8] = []
    /// Uncompressed bytes written.
    public private(set) var inputBytes = 0

    /// `level` -1 (zlib's default, 6) or 0…9, as `s3.compression.level`.
    public init(level: Int = -1, raw: Bool = false) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16 = gzip wrapper; -15 = raw deflate (Avro's deflate codec).
        let rc = tz_deflate_init2(stream, Int32(level), raw ? -15 : 15 + 16)
        precondition(rc == Z_OK, "deflateInit2 failed: \(rc)")
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        scratch.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "write after finish")
        guard !bytes.isEmpty else { return }
        inputBytes += bytes.count
        run(bytes, flush: Z_NO_FLUSH)
    }

    public func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }

    /// Ends the gzip member (trailer with CRC-32 and length). No writes after this.
    public func finish() {
        guard !finished else { return }
        finished = true
        run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        while true {
            stream.pointee.next_out = scratch.baseAddress
            stream.pointee.avail_out = uInt(scratch.count)
            let rc = deflate(stream, flush)
            precondition(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR, "deflate failed: \(rc)")
            let produced = scratch.count - Int(stream.pointee.avail_out)
            if produced > 0 { output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<produced])) }
            // Done when zlib had room to spare: all input taken (or, finishing, the trailer written).
            if produced < scratch.count && (flush == Z_FINISH ? rc == Z_STREAM_END : stream.pointee.avail_in == 0) {
                break
            }
        }
        stream.pointee.next_in = nil
    }
}

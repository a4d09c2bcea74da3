import CCompress

/// LZ4 through liblz4: raw blocks (Parquet's `LZ4_RAW`) and the Hadoop framing parquet-mr writes for
/// Parquet's `LZ4` codec (it compresses pages with Hadoop's `Lz4Codec`).
public enum LZ4 {
    /// One LZ4 block, without a frame or length.
    public static func compressBlock(_ input: [UInt8], appendingTo out: inout [UInt8]) throws(CodecUnavailable) {
        try CompressionLibrary.lz4.load()
        input.withUnsafeBytes { src in compressBlock(src, appendingTo: &out) }
    }

    private static func compressBlock(_ src: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) {
        append(to: &out, capacity: Int(tcomp_lz4_bound(Int32(src.count)))) { dst in
            let n = tcomp_lz4_compress(src.baseAddress, dst.baseAddress, Int32(src.count), Int32(dst.count))
            precondition(n > 0 || src.isEmpty, "LZ4_compress_default failed")
            return Int(n)
        }
    }

    /// Hadoop's block framing (`BlockCompressorStream`): per chunk of at most `chunkSize` bytes, its
    /// length and its compressed length (4 bytes each, big-endian), then the LZ4 block. Chunks are kept
    /// below Hadoop's default `io.compression.codec.lz4.buffersize` (256 KiB), so its decompressor, which
    /// reads a chunk into a buffer of that size, accepts them.
    public static func compressHadoop(_ input: [UInt8], chunkSize: Int = 128 << 10) throws(CodecUnavailable) -> [UInt8]
    {
        try CompressionLibrary.lz4.load()
        var out: [UInt8] = []
        input.withUnsafeBytes { src in
            var start = 0
            repeat {
                let end = min(src.count, start + chunkSize)
                let chunk = UnsafeRawBufferPointer(rebasing: src[start..<end])
                withUnsafeBytes(of: UInt32(chunk.count).bigEndian) { out.append(contentsOf: $0) }
                let lengthAt = out.count
                out.append(contentsOf: [0, 0, 0, 0])
                compressBlock(chunk, appendingTo: &out)
                let compressed = UInt32(out.count - lengthAt - 4)
                withUnsafeBytes(of: compressed.bigEndian) { b in
                    for i in 0..<4 { out[lengthAt + i] = b[i] }
                }
                start = end
            } while start < src.count
        }
        return out
    }

    /// One LZ4 block of a known uncompressed size.
    public static func decompressBlock(_ input: [UInt8], size: Int) throws -> [UInt8] {
        try CompressionLibrary.lz4.load()
        var out = [UInt8](repeating: 0, count: size)
        let n = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                tcomp_lz4_decompress(src.baseAddress, dst.baseAddress, Int32(src.count), Int32(dst.count))
            }
        }
        guard n == size else { throw CodecError(description: "corrupt LZ4 block") }
        return out
    }

    /// Hadoop-framed LZ4, as `compressHadoop` writes it.
    public static func decompressHadoop(_ input: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        func u32(_ at: Int) throws -> Int {
            guard at + 4 <= input.count else { throw CodecError(description: "truncated Hadoop LZ4 frame") }
            return input[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        while i < input.count {
            let raw = try u32(i)
            let compressed = try u32(i + 4)
            guard i + 8 + compressed <= input.count else { throw CodecError(description: "truncated Hadoop LZ4 frame") }
            out += try decompressBlock(Array(input[(i + 8)..<(i + 8 + compressed)]), size: raw)
            i += 8 + compressed
        }
        return out
    }
}

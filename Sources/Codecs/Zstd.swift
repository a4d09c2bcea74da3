import CCompress

/// Zstandard frames through libzstd (Avro's `zstandard` codec, Parquet's `ZSTD`).
public enum Zstd {
    /// The level parquet-mr and Avro's `zstandard` codec use by default.
    public static let defaultLevel = 3

    /// One frame holding `input`, with its size in the frame header.
    public static func compress(_ input: [UInt8], level: Int = defaultLevel) throws(CodecUnavailable) -> [UInt8] {
        try CompressionLibrary.zstd.load()
        var out: [UInt8] = []
        input.withUnsafeBytes { src in
            append(to: &out, capacity: tcomp_zstd_bound(src.count)) { dst in
                let n = tcomp_zstd_compress(dst.baseAddress, dst.count, src.baseAddress, src.count, Int32(level))
                precondition(
                    tcomp_zstd_is_error(n) == 0, "ZSTD_compress failed: \(String(cString: tcomp_zstd_error_name(n)))")
                return n
            }
        }
        return out
    }

    /// A frame that records its content size (as `compress` writes them).
    public static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        try CompressionLibrary.zstd.load()
        return try input.withUnsafeBytes { src throws(CodecError) in
            let size = tcomp_zstd_frame_content_size(src.baseAddress, src.count)
            guard size < UInt64(Int32.max) else { throw CodecError(description: "zstd frame without a known size") }
            var out = [UInt8](repeating: 0, count: Int(size))
            let n = out.withUnsafeMutableBytes { dst in
                tcomp_zstd_decompress(dst.baseAddress, dst.count, src.baseAddress, src.count)
            }
            guard tcomp_zstd_is_error(n) == 0, n == Int(size) else {
                throw CodecError(description: "corrupt zstd frame")
            }
            return out
        }
    }
}

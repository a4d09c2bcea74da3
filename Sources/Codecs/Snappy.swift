import CCompress
import CZlib

/// Snappy's block format through libsnappy (the `snappy` codec of Parquet pages and, with a CRC, of
/// Avro blocks).
public enum Snappy {
    public static func compress(_ input: [UInt8]) throws(CodecUnavailable) -> [UInt8] {
        var out: [UInt8] = []
        try compress(input, appendingTo: &out)
        return out
    }

    public static func compress(_ input: [UInt8], appendingTo out: inout [UInt8]) throws(CodecUnavailable) {
        try CompressionLibrary.snappy.load()
        input.withUnsafeBytes { src in
            append(to: &out, capacity: tcomp_snappy_bound(src.count)) { dst in
                var n = dst.count
                let status = tcomp_snappy_compress(src.baseAddress, src.count, dst.baseAddress, &n)
                precondition(status == 0, "snappy_compress failed: \(status)")
                return n
            }
        }
    }

    /// The Avro `snappy` codec's block: the snappy block, then the CRC-32 of the uncompressed bytes,
    /// big-endian (Avro specification, "Object Container Files").
    public static func avroBlock(_ input: [UInt8]) throws(CodecUnavailable) -> [UInt8] {
        var out = try compress(input)
        let crc = input.withUnsafeBytes {
            UInt32(crc32(0, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt($0.count)))
        }
        withUnsafeBytes(of: crc.bigEndian) { out.append(contentsOf: $0) }
        return out
    }

    public static func uncompress(_ input: [UInt8]) throws -> [UInt8] {
        try CompressionLibrary.snappy.load()
        return try input.withUnsafeBytes { src throws(CodecError) in
            var length = 0
            guard tcomp_snappy_uncompressed_length(src.baseAddress, src.count, &length) == 0 else {
                throw CodecError(description: "not a snappy block")
            }
            var out = [UInt8](repeating: 0, count: length)
            let ok = out.withUnsafeMutableBytes { dst in
                var n = dst.count
                return tcomp_snappy_uncompress(src.baseAddress, src.count, dst.baseAddress, &n) == 0 && n == length
            }
            guard ok else { throw CodecError(description: "corrupt snappy block") }
            return out
        }
    }
}

/// Bytes a decoder could not read.
public struct CodecError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

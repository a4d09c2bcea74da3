import CCompress

/// A system compression library, loaded (dlopen) the first time a codec needs it, so that a worker that
/// writes no compressed file never maps it.
public enum CompressionLibrary: Int32, Sendable, CaseIterable {
    /// libdeflate.so.0 (Debian libdeflate0): gzip and raw DEFLATE.
    case deflate = 0
    /// libsnappy.so.1 (libsnappy1v5).
    case snappy = 1
    /// libzstd.so.1 (libzstd1).
    case zstd = 2
    /// liblz4.so.1 (liblz4-1).
    case lz4 = 3

    /// Loads the library once; later calls return at once. The error names the library and the Debian
    /// package that provides it.
    public func load() throws(CodecUnavailable) {
        var err = [CChar](repeating: 0, count: 600)
        if tcomp_load(rawValue, &err, err.count) != 0 {
            throw CodecUnavailable(description: String(decoding: err.prefix { $0 != 0 }.map(UInt8.init), as: UTF8.self))
        }
    }
}

/// A codec whose library could not be loaded.
public struct CodecUnavailable: Error, CustomStringConvertible, Sendable {
    public let description: String
}

import Codecs

/// An Avro object container file (reference rest-proxy.md §4.8), produced as bytes: the header, then a
/// block whenever about `syncInterval` bytes of records have gathered, then the last block at `finish`.
/// Codecs as the Avro specification defines them: `null`; `deflate` (raw RFC 1951, as Java's
/// `Deflater(level, nowrap=true)`, through libdeflate); `snappy` (a snappy block, then the CRC-32 of
/// the uncompressed data, big-endian); `zstandard` (one Zstandard frame per block).
public struct AvroContainerWriter {
    /// The raw value is the name written in the header's `avro.codec` (Avro's `CodecFactory` names).
    public enum Codec: String, Sendable, CaseIterable {
        case null
        case deflate
        case snappy
        case zstandard

        /// The library the codec loads at its first block, if any.
        public var library: CompressionLibrary? {
            switch self {
            case .null: return nil
            case .deflate: return .deflate
            case .snappy: return .snappy
            case .zstandard: return .zstd
            }
        }
    }

    public let schema: AvroSchema
    private let codec: Codec
    /// -1: the codec's default (deflate 6, as `CodecFactory.DEFAULT_DEFLATE_LEVEL`; zstandard 3).
    private let level: Int
    /// The file's deflate compressor, made at its first block and kept for the next ones.
    private var deflater: DeflateCompressor?
    private let sync: [UInt8]
    private let syncInterval: Int
    /// Records of the block being built.
    private var block = AvroEncoder()
    private var blockCount = 0

    /// `sync` is the file's 16-byte marker (random per file in Java; deterministic names want it fixed
    /// per file too, so the caller picks it).
    public init(schema: AvroSchema, codec: Codec, level: Int = -1, sync: [UInt8], syncInterval: Int = 64_000) {
        precondition(sync.count == 16, "an Avro sync marker has 16 bytes")
        self.schema = schema
        self.codec = codec
        self.level = level
        self.sync = sync
        self.syncInterval = syncInterval
    }

    /// The file header: magic, metadata (`avro.schema`, `avro.codec`), sync marker.
    public func header() -> [UInt8] {
        var e = AvroEncoder()
        e.bytes.append(contentsOf: [0x4F, 0x62, 0x6A, 0x01])  // "Obj" 1
        e.writeLong(2)
        e.writeString("avro.schema")
        e.writeBytes(Array(schema.json.utf8))
        e.writeString("avro.codec")
        e.writeBytes(Array(codec.rawValue.utf8))
        e.writeLong(0)
        e.bytes.append(contentsOf: sync)
        return e.bytes
    }

    /// Adds one record, encoded by `encode`; returns a finished block when the block is full. Throws what
    /// `encode` throws, or `CodecUnavailable` when the codec's library cannot be loaded.
    public mutating func append(_ encode: (inout AvroEncoder) throws -> Void) throws -> [UInt8]? {
        let mark = block.bytes.count
        do { try encode(&block) } catch {
            block.bytes.removeSubrange(mark...)  // a record that failed half-way leaves nothing behind
            throw error
        }
        blockCount += 1
        return block.bytes.count >= syncInterval ? try flushBlock() : nil
    }

    /// The last block (empty when no record is pending).
    public mutating func finish() throws(CodecUnavailable) -> [UInt8] { blockCount > 0 ? try flushBlock() : [] }

    private mutating func flushBlock() throws(CodecUnavailable) -> [UInt8] {
        let data: [UInt8]
        switch codec {
        case .null: data = block.bytes
        case .deflate:
            if deflater == nil { deflater = try DeflateCompressor(level: level) }
            data = deflater!.deflate(block.bytes)
        case .snappy: data = try Snappy.avroBlock(block.bytes)
        case .zstandard: data = try Zstd.compress(block.bytes, level: level < 0 ? Zstd.defaultLevel : level)
        }
        var e = AvroEncoder()
        e.writeLong(Int64(blockCount))
        e.writeLong(Int64(data.count))
        e.bytes.append(contentsOf: data)
        e.bytes.append(contentsOf: sync)
        block.bytes.removeAll(keepingCapacity: true)
        blockCount = 0
        return e.bytes
    }
}

import Zlib

/// An Avro object container file (reference rest-proxy.md §4.8), produced as bytes: the header, then a
/// block whenever about `syncInterval` bytes of records have gathered, then the last block at `finish`.
/// Codecs `null` and `deflate` (raw RFC 1951, as Java's `Deflater(level, nowrap=true)`).
public struct AvroContainerWriter {
    public enum Codec: String, Sendable {
        case null
        case deflate
    }

    public let schema: AvroSchema
    private let codec: Codec
    private let level: Int
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

    /// Adds one record, encoded by `encode`; returns a finished block when the block is full.
    public mutating func append(_ encode: (inout AvroEncoder) throws -> Void) rethrows -> [UInt8]? {
        let mark = block.bytes.count
        do { try encode(&block) } catch {
            block.bytes.removeSubrange(mark...)  // a record that failed half-way leaves nothing behind
            throw error
        }
        blockCount += 1
        return block.bytes.count >= syncInterval ? flushBlock() : nil
    }

    /// The last block (empty when no record is pending).
    public mutating func finish() -> [UInt8] { blockCount > 0 ? flushBlock() : [] }

    private mutating func flushBlock() -> [UInt8] {
        var data = block.bytes
        if codec == .deflate {
            let z = GzipWriter(level: level, raw: true)
            z.write(data)
            z.finish()
            data = z.output
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

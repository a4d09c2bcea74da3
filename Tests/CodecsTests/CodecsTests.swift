import Testing

@testable import Codecs

/// Each codec's output read back by a reference decoder (zlib for gzip and DEFLATE) or by its own library.
@Suite struct CodecsTests {
    /// JSON lines like the S3 sink's, and bytes that do not compress.
    static let lines: [UInt8] = (0..<20_000).flatMap {
        Array("{\"id\":\($0),\"name\":\"station \($0 % 97)\",\"amount\":\(Double($0) / 100)}\n".utf8)
    }
    static let noise: [UInt8] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<100_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }()
    static let inputs: [[UInt8]] = [lines, noise, [], [7], Array(repeating: 7, count: 1000)]

    @Test func everyLibraryLoads() throws {
        for library in CompressionLibrary.allCases { try library.load() }
    }

    @Test func gzipMembersAreReadByZlib() throws {
        let d = try DeflateCompressor()
        #expect(d.level == 6)
        for input in Self.inputs {
            let out = d.gzip(input)
            #expect(out.prefix(3) == [0x1f, 0x8b, 8])  // gzip magic, deflate
            #expect(try ZlibReference.gunzip(out) == input)
        }
        #expect(d.gzip(Self.lines).count < Self.lines.count / 3)
    }

    // Chunks compressed one by one make a multi-member file that reads as their concatenation.
    @Test func gzipMembersConcatenateIntoOneStream() throws {
        let d = try DeflateCompressor(level: 1)
        var file: [UInt8] = []
        let chunks = stride(from: 0, to: Self.lines.count, by: 100_000).map {
            Array(Self.lines[$0..<min($0 + 100_000, Self.lines.count)])
        }
        for c in chunks { c.withUnsafeBytes { d.gzip($0, appendingTo: &file) } }
        #expect(try ZlibReference.members(file) == chunks.count)
        #expect(try ZlibReference.gunzip(file) == Self.lines)
    }

    @Test func levelsFromStoredToBest() throws {
        let stored = try DeflateCompressor(level: 0).gzip(Self.lines)
        #expect(stored.count > Self.lines.count)
        #expect(try ZlibReference.gunzip(stored) == Self.lines)
        let best = try DeflateCompressor(level: 9).gzip(Self.lines)
        #expect(best.count <= (try DeflateCompressor(level: 1)).gzip(Self.lines).count)
        #expect(try ZlibReference.gunzip(best) == Self.lines)
    }

    @Test func rawDeflateIsReadByZlib() throws {
        let d = try DeflateCompressor()
        for input in Self.inputs { #expect(try ZlibReference.inflateRaw(d.deflate(input)) == input) }
    }

    @Test func snappyRoundTrips() throws {
        for input in Self.inputs { #expect(try Snappy.uncompress(Snappy.compress(input)) == input) }
        #expect(try Snappy.compress(Self.lines).count < Self.lines.count / 3)
    }

    // Avro's snappy codec: the block, then the CRC-32 of the uncompressed bytes, big-endian.
    @Test func avroSnappyBlocksEndWithTheBigEndianCRC() throws {
        let block = try Snappy.avroBlock(Self.lines)
        let crc = block.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(crc == ZlibReference.crc32(Self.lines))
        #expect(try Snappy.uncompress(Array(block.dropLast(4))) == Self.lines)
    }

    @Test func zstdFramesRoundTrip() throws {
        for input in Self.inputs {
            let frame = try Zstd.compress(input)
            #expect(frame.prefix(4) == [0x28, 0xB5, 0x2F, 0xFD])  // the frame magic, little-endian
            #expect(try Zstd.decompress(frame) == input)
        }
        #expect(try Zstd.compress(Self.lines).count < Self.lines.count / 4)
    }

    @Test func lz4BlocksRoundTrip() throws {
        for input in Self.inputs {
            var block: [UInt8] = []
            try LZ4.compressBlock(input, appendingTo: &block)
            #expect(try LZ4.decompressBlock(block, size: input.count) == input)
        }
    }

    // Hadoop's framing: per chunk, its length and compressed length (big-endian), then the block.
    @Test func lz4HadoopFramesSplitIntoChunks() throws {
        let framed = try LZ4.compressHadoop(Self.lines, chunkSize: 128 << 10)
        let chunks = (Self.lines.count + (128 << 10) - 1) / (128 << 10)
        #expect(chunks > 1)
        #expect(Array(framed.prefix(4)) == [0, 2, 0, 0])  // 131 072
        #expect(try LZ4.decompressHadoop(framed) == Self.lines)
        #expect(try LZ4.decompressHadoop(LZ4.compressHadoop([])) == [])
    }
}

import Avro
import CZlib
import ConnectAPI
import ConnectTestKit
import CurlClient
import Parquet
import Testing

@testable import S3SinkConnector

/// The compression keys (`s3.compression.type`, `s3.compression.level`, `avro.codec`, `parquet.codec`)
/// as Confluent's S3 sink accepts them, and a gzip object that reads back as the uncompressed one.
@Suite(.serialized) struct S3SinkCompressionTests {
    let plugin = S3SinkConnector.plugin
    let base = [
        "s3.bucket.name": "b", "format.class": "io.confluent.connect.s3.format.json.JsonFormat", "flush.size": "3",
        "store.url": "http://127.0.0.1:1", "aws.access.key.id": "AKID", "aws.secret.access.key": "secret",
    ]
    let avroFormat = "io.confluent.connect.s3.format.avro.AvroFormat"
    let parquetFormat = "io.confluent.connect.s3.format.parquet.ParquetFormat"

    func errors(_ extra: [String: String]) -> [String: [String]] {
        ConnectorHarness(plugin).validate(base.merging(extra) { $1 })
    }

    func config(_ extra: [String: String]) throws -> S3SinkConfig {
        try S3SinkConfig(base.merging(extra) { $1 }, env: [:])
    }

    // S3SinkConnectorConfig's CompressionLevelValidator: -1 (the default) or 0…9, for JsonFormat and
    // ByteArrayFormat.
    @Test func compressionLevelIsMinusOneToNine() throws {
        for level in ["-1", "0", "9"] {
            #expect(errors(["s3.compression.type": "gzip", "s3.compression.level": level]).isEmpty)
        }
        #expect(try config(["s3.compression.type": "gzip"]).compressionLevel == -1)
        #expect(
            errors(["s3.compression.level": "10"])["s3.compression.level"] == [
                "Invalid value 10 for configuration s3.compression.level: Value must be no more than 9"
            ])
        #expect(
            errors(["s3.compression.level": "-2"])["s3.compression.level"] == [
                "Invalid value -2 for configuration s3.compression.level: Value must be at least -1"
            ])
    }

    // Avro's CodecFactory names: zstandard, not zstd.
    @Test func avroCodecsAreAvrosNames() throws {
        for codec in ["null", "deflate", "snappy", "zstandard"] {
            #expect(errors(["format.class": avroFormat, "avro.codec": codec]).isEmpty)
        }
        #expect(try config(["format.class": avroFormat, "avro.codec": "snappy"]).format == .avro(.snappy))
        #expect(try config(["format.class": avroFormat, "avro.codec": "zstandard"]).format == .avro(.zstandard))
        let bad = errors(["format.class": avroFormat, "avro.codec": "zstd"])["avro.codec"] ?? []
        #expect(bad.count == 1)
        #expect(bad.first?.hasPrefix("Invalid value zstd for configuration avro.codec:") == true)
        #expect(errors(["format.class": avroFormat, "avro.codec": "bzip2"])["avro.codec"] != nil)
    }

    // ParquetFormat's codecs by parquet-mr's CompressionCodecName, and its file-name extensions.
    @Test func parquetCodecsAndExtensions() throws {
        let expected: [(String, ParquetCodec, String)] = [
            ("none", .uncompressed, ".parquet"), ("snappy", .snappy, ".snappy.parquet"), ("gzip", .gzip, ".gz.parquet"),
            ("zstd", .zstd, ".zstd.parquet"), ("lz4", .lz4, ".lz4.parquet"), ("lz4_raw", .lz4Raw, ".lz4raw.parquet"),
        ]
        for (name, codec, ext) in expected {
            #expect(errors(["format.class": parquetFormat, "parquet.codec": name]).isEmpty)
            let c = try config(["format.class": parquetFormat, "parquet.codec": name])
            #expect(c.format == .parquet(codec))
            #expect(try RecordEncoder(c).fileExtension == ext)
        }
        #expect(
            errors(["format.class": parquetFormat, "parquet.codec": "brotli"])["parquet.codec"] == [
                "Invalid value brotli for configuration parquet.codec: String must be one of: none, snappy, gzip, zstd, lz4, lz4_raw (lzo and brotli are not available)"
            ])
    }

    // Records past the 256 KiB chunk make several gzip members; the object decompresses to exactly the
    // bytes of the same records written without compression.
    @Test func gzipObjectDecompressesToTheUncompressedBytes() async throws {
        let bucket = try S3SinkHarnessTests.Bucket()
        try await bucket.create()
        let tp = TopicPartition("test-topic", 0)
        func write(_ extra: [String: String]) async throws {
            let config = try S3SinkConfig(
                try S3SinkHarnessTests().config(bucket, ["flush.size": "1500"].merging(extra) { $1 }), env: [:])
            let w = TopicPartitionWriter(
                partition: tp, config: config, storage: bucket.storage, encoder: try RecordEncoder(config),
                now: { 0 })
            for o in 0..<1500 {
                let name = String(repeating: "station \(o % 97) ", count: 40)
                try await w.write(
                    SinkRecord(
                        topic: tp.topic, kafkaPartition: tp.partition, kafkaOffset: Int64(o), keySchema: nil,
                        key: .null, valueSchema: nil,
                        value: .map([
                            MapEntry(key: .string("id"), value: .int64(Int64(o))),
                            MapEntry(key: .string("name"), value: .string(name)),
                        ]), timestamp: 0))
            }
            #expect(w.offsetToCommit == 1500)
        }
        try await write(["topics.dir": "plain"])
        try await write(["topics.dir": "gz", "s3.compression.type": "gzip", "s3.compression.level": "1"])
        let plain = try await bucket.bytes("plain/test-topic/partition=0/test-topic+0+0000000000.json")
        let gz = try await bucket.bytes("gz/test-topic/partition=0/test-topic+0+0000000000.json.gz")
        #expect(plain.count > 2 * (256 << 10))
        #expect(try Gunzip.members(gz) == (plain.count + (256 << 10) - 1) / (256 << 10))
        #expect(try Gunzip.all(gz) == plain)
    }
}

extension S3SinkHarnessTests.Bucket {
    func bytes(_ key: String) async throws -> [UInt8] {
        try await storage.send(HTTPRequest(method: "GET", url: storage.url(key: key)), what: "GetObject").body
    }
}

/// zlib reads every member of a gzip file in turn, as gzip(1) does.
enum Gunzip {
    struct Failed: Error { let code: Int32 }

    static func all(_ input: [UInt8]) throws -> [UInt8] { try run(input).out }
    static func members(_ input: [UInt8]) throws -> Int { try run(input).members }

    private static func run(_ input: [UInt8]) throws -> (out: [UInt8], members: Int) {
        var out: [UInt8] = []
        var members = 0
        var s = z_stream()
        guard tz_inflate_init2(&s, 15 + 16) == Z_OK else { throw Failed(code: -1) }
        defer { inflateEnd(&s) }
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        try input.withUnsafeBufferPointer { src in
            s.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
            s.avail_in = uInt(src.count)
            while true {
                let rc = scratch.withUnsafeMutableBufferPointer { dst in
                    s.next_out = dst.baseAddress
                    s.avail_out = uInt(dst.count)
                    return inflate(&s, Z_NO_FLUSH)
                }
                out += scratch[0..<(scratch.count - Int(s.avail_out))]
                if rc == Z_STREAM_END {
                    members += 1
                    if s.avail_in == 0 { return }
                    guard inflateReset(&s) == Z_OK else { throw Failed(code: -2) }
                } else if rc != Z_OK {
                    throw Failed(code: rc)
                }
            }
        }
        return (out, members)
    }
}

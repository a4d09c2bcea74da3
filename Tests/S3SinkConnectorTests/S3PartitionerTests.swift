import ConnectAPI
import Testing

@testable import S3SinkConnector

/// Object names and encoded partitions as storage-cloud and storage-common build them (reference
/// connectors.md §3.2), without S3.
@Suite struct S3PartitionerTests {
    let env = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]

    func config(_ extra: [String: String]) throws -> S3SinkConfig {
        var raw = [
            "s3.bucket.name": "b", "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
            "flush.size": "3", "store.url": "http://127.0.0.1:1",
        ]
        raw.merge(extra) { $1 }
        return try S3SinkConfig(raw, env: env)
    }

    func record(_ value: Value, schema: Schema? = nil, partition: Int32 = 3, offset: Int64 = 1200) -> SinkRecord {
        SinkRecord(
            topic: "orders", kafkaPartition: partition, kafkaOffset: offset, keySchema: nil, key: .null,
            valueSchema: schema, value: value, timestamp: 0)
    }

    func key(_ c: S3SinkConfig, encoded: String, offset: Int64) throws -> String {
        let storage = try S3Storage(
            bucket: "b", endpoint: c.endpoint, pathStyle: true, region: "us-east-1", credentials: c.credentials,
            retry: .init(attempts: 1), log: { _ in })
        let w = TopicPartitionWriter(
            partition: TopicPartition("orders", 3), config: c, storage: storage, encoder: try RecordEncoder(c),
            now: { 0 })
        return w.objectKey(encoded: encoded, startOffset: offset)
    }

    @Test func defaultNamesMatchConfluent() throws {
        let c = try config([:])
        #expect(try c.partitioner.encode(record(.null), timestamp: 0, delim: "/") == "partition=3")
        #expect(
            try key(c, encoded: "partition=3", offset: 1200) == "topics/orders/partition=3/orders+3+0000001200.json")
        let gz = try config(["s3.compression.type": "gzip", "topics.dir": "", "filename.offset.zero.pad.width": "4"])
        #expect(try key(gz, encoded: "partition=3", offset: 123_456) == "orders/partition=3/orders+3+123456.json.gz")
        let bin = try config([
            "format.class": "io.confluent.connect.s3.format.bytearray.ByteArrayFormat", "file.delim": "-",
        ])
        #expect(try key(bin, encoded: "partition=3", offset: 7) == "topics/orders/partition=3/orders-3-0000000007.bin")
    }

    @Test func fieldPartitionerTakesNestedStructAndMapFields() throws {
        let c = try config([
            "partitioner.class": "io.confluent.connect.storage.partitioner.FieldPartitioner",
            "partition.field.name": "country,meta.region",
        ])
        let meta = Schema(type: .struct, fields: [Field(name: "region", index: 0, schema: .int32)])
        let schema = Schema(
            type: .struct,
            fields: [Field(name: "country", index: 0, schema: .string), Field(name: "meta", index: 1, schema: meta)])
        let v = Value.struct(
            Struct(schema: schema, values: [.string("NL"), .struct(Struct(schema: meta, values: [.int32(7)]))]))
        #expect(
            try c.partitioner.encode(record(v, schema: schema), timestamp: 0, delim: "/") == "country=NL/meta.region=7")
        let map = Value.map([
            MapEntry(key: .string("country"), value: .string("US")),
            MapEntry(key: .string("meta"), value: .map([MapEntry(key: .string("region"), value: .int64(1))])),
        ])
        #expect(try c.partitioner.encode(record(map), timestamp: 0, delim: "/") == "country=US/meta.region=1")
        #expect(throws: ConnectError.self) { try c.partitioner.encode(record(.string("x")), timestamp: 0, delim: "/") }
    }

    @Test func timeBasedFloorsInTheZone() throws {
        let c = try config([
            "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
            "partition.duration.ms": "900000", "path.format": "'dt'=YYYY-MM-dd/'t'=HHmm/", "locale": "en-US",
            "timezone": "+05:30",
        ])
        // 2024-01-31T18:44:59Z = 2024-02-01 00:14:59 at +05:30, floored to the quarter hour.
        #expect(
            try c.partitioner.encode(record(.null), timestamp: 1_706_726_699_000, delim: "/") == "dt=2024-02-01/t=0000")
        let daily = try config([
            "partitioner.class": "io.confluent.connect.storage.partitioner.DailyPartitioner", "locale": "en-US",
            "timezone": "UTC",
        ])
        #expect(try daily.partitioner.encode(record(.null), timestamp: 0, delim: "/") == "year=1970/month=01/day=01")
    }

    @Test func pathFormatRejectsWhatItCannotFormat() {
        #expect(throws: PathFormat.Invalid.self) { try PathFormat("'w'=ww", delim: "/") }
        #expect(try! PathFormat("'it''s'=YY", delim: "/").format(localMillis: 0) == "it's=70")
    }

    @Test func timeBasedPartitionersNeedTheirKeys() {
        let base = [
            "s3.bucket.name": "b", "format.class": "io.confluent.connect.s3.format.json.JsonFormat", "flush.size": "1",
            "partitioner.class": "io.confluent.connect.storage.partitioner.HourlyPartitioner",
        ]
        let errors = S3SinkConfig.validate(base, env: env)
        #expect(errors["locale"] != nil)
        let noTz = S3SinkConfig.validate(base.merging(["locale": "en-US"]) { $1 }, env: env)
        #expect(noTz["timezone"] != nil)
        #expect(S3SinkConfig.validate(base.merging(["locale": "en-US", "timezone": "UTC"]) { $1 }, env: env).isEmpty)
        // Credentials are found when they are needed (the default chain may end at instance metadata);
        // a provider class that does not exist, or an assumed role without its keys, is refused now.
        let ok = base.merging(["locale": "en-US", "timezone": "UTC"]) { $1 }
        #expect(S3SinkConfig.validate(ok, env: [:]).isEmpty)
        #expect(
            S3SinkConfig.validate(ok.merging(["s3.credentials.provider.class": "com.example.Mine"]) { $1 }, env: [:])[
                "s3.credentials.provider.class"] == [
                    "Invalid value com.example.Mine for configuration s3.credentials.provider.class: Class com.example.Mine could not be found."
                ])
        let assume = ok.merging([
            "s3.credentials.provider.class": "io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider",
            "s3.credentials.provider.sts.role.arn": "arn:aws:iam::123456789012:role/x",
            "s3.credentials.provider.sts.role.session.name": "s",
        ]) { $1 }
        #expect(
            S3SinkConfig.validate(assume, env: [:])["s3.credentials.provider.sts.role.external.id"] == [
                "Missing required configuration \"sts.role.external.id\" which has no default value."
            ])
    }

    @Test func jsonLinesAreKafkasJsonWithoutEnvelope() throws {
        let e = try RecordEncoder(try config([:]))
        var out: [UInt8] = []
        try e.append(record(.map([MapEntry(key: .string("a"), value: .int64(1))])), to: &out)
        try e.append(record(.string("{\"a\":1}")), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "{\"a\":1}\n\"{\\\"a\\\":1}\"\n")
    }
}

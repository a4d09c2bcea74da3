import ConnectAPI
import Testing

@testable import S3SinkConnector

/// Encoded partitions, extracted timestamps and object names against the partitioner tests of
/// confluentinc/kafka-connect-storage-common (partitioner/src/test/java/io/confluent/connect/storage/
/// partitioner/*Test.java) and the object keys of confluentinc/kafka-connect-storage-cloud's
/// TopicPartitionWriter (kafka-connect-s3/src/main/java/io/confluent/connect/s3/TopicPartitionWriter.java
/// fileKeyToCommit). Extends S3PartitionerTests.
@Suite struct S3PartitionerGoldenTests {
    let env = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]

    func config(_ extra: [String: String]) throws -> S3SinkConfig {
        var raw = [
            "s3.bucket.name": "b", "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
            "flush.size": "3", "store.url": "http://127.0.0.1:1",
        ]
        raw.merge(extra) { $1 }
        return try S3SinkConfig(raw, env: env)
    }

    func fieldConfig(_ fields: String, delim: String = "/") throws -> S3SinkConfig {
        try config([
            "partitioner.class": "io.confluent.connect.storage.partitioner.FieldPartitioner",
            "partition.field.name": fields, "directory.delim": delim,
        ])
    }

    // StorageSinkTestBase: TOPIC test-topic, PARTITION 12, createRecord's struct.
    static let recordSchema = Schema(
        type: .struct, name: "record", version: 1,
        fields: [
            Field(name: "boolean", index: 0, schema: .boolean), Field(name: "int", index: 1, schema: .int32),
            Field(name: "long", index: 2, schema: .int64), Field(name: "float", index: 3, schema: .float32),
            Field(name: "double", index: 4, schema: .float64),
            Field(name: "string", index: 5, schema: Schema(type: .string, defaultValue: .string("abc"))),
        ])

    static func base(_ extra: [(String, Schema, Value)] = []) -> (Schema, Value) {
        var fields = recordSchema.fields
        var values: [Value] = [.boolean(true), .int32(12), .int64(12), .float32(12.2), .float64(12.2), .string("def")]
        for (name, schema, value) in extra {
            fields.append(Field(name: name, index: fields.count, schema: schema))
            values.append(value)
        }
        let schema = Schema(type: .struct, name: "record", version: 1, fields: fields)
        return (schema, .struct(Struct(schema: schema, values: values)))
    }

    func record(_ schema: Schema?, _ value: Value, timestamp: Int64? = 12) -> SinkRecord {
        SinkRecord(
            topic: "test-topic", kafkaPartition: 12, kafkaOffset: 0, keySchema: nil, key: .null, valueSchema: schema,
            value: value, timestamp: timestamp)
    }

    func baseRecord() -> SinkRecord {
        let (s, v) = Self.base()
        return record(s, v)
    }

    func one(_ name: String, _ schema: Schema, _ value: Value) -> SinkRecord {
        let s = Schema(type: .struct, name: "record", fields: [Field(name: name, index: 0, schema: schema)])
        return record(s, .struct(Struct(schema: s, values: [value])))
    }

    // DefaultPartitionerTest testDefaultPartitioner
    @Test func defaultPartitioner() throws {
        #expect(try config([:]).partitioner.encode(baseRecord(), timestamp: 0, delim: "/") == "partition=12")
    }

    // FieldPartitionerTest testBooleanPartition
    @Test func booleanField() throws {
        let p = try fieldConfig("boolean").partitioner
        #expect(try p.encode(baseRecord(), timestamp: 0, delim: "/") == "boolean=true")
        #expect(try p.encode(one("boolean", .boolean, .boolean(false)), timestamp: 0, delim: "/") == "boolean=false")
    }

    // FieldPartitionerTest testNumberPartition
    @Test func numberFields() throws {
        #expect(try fieldConfig("int").partitioner.encode(baseRecord(), timestamp: 0, delim: "/") == "int=12")
        #expect(try fieldConfig("long").partitioner.encode(baseRecord(), timestamp: 0, delim: "/") == "long=12")
        #expect(
            try fieldConfig("byte").partitioner.encode(one("byte", .int8, .int8(42)), timestamp: 0, delim: "/")
                == "byte=42")
        #expect(
            try fieldConfig("short").partitioner.encode(one("short", .int16, .int16(1234)), timestamp: 0, delim: "/")
                == "short=1234")
    }

    // FieldPartitionerTest testUnsupportedTypePartition, testNotStructPartition, testMissingFieldInSchemaThrows
    @Test func unsupportedFieldsAreRefused() throws {
        #expect(throws: ConnectError.self) {
            try fieldConfig("float").partitioner.encode(baseRecord(), timestamp: 0, delim: "/")
        }
        #expect(throws: ConnectError.self) {
            try fieldConfig("double").partitioner.encode(baseRecord(), timestamp: 0, delim: "/")
        }
        #expect(throws: ConnectError.self) {
            try fieldConfig("array").partitioner.encode(
                one("array", .array(.string), .array([.string("item1"), .string("item2")])), timestamp: 0, delim: "/")
        }
        #expect(throws: ConnectError.self) {
            try fieldConfig("foo").partitioner.encode(record(.string, .string("foo")), timestamp: 0, delim: "/")
        }
        #expect(throws: ConnectError.self) {
            try fieldConfig("missing").partitioner.encode(
                one("present", .string, .string("value")), timestamp: 0, delim: "/")
        }
    }

    // FieldPartitionerTest testStringPartition
    @Test func stringFieldsAreWrittenAsTheyAre() throws {
        let p = try fieldConfig("string").partitioner
        #expect(try p.encode(baseRecord(), timestamp: 0, delim: "/") == "string=def")
        let special = "test/with\\special:chars=and+spaces"
        #expect(try p.encode(one("string", .string, .string(special)), timestamp: 0, delim: "/") == "string=\(special)")
        #expect(try p.encode(one("string", .string, .string("")), timestamp: 0, delim: "/") == "string=")
    }

    // FieldPartitionerTest testMultiPartition, testCustomDelimiterPartition
    @Test func severalFieldsInTheirOrderJoinedByTheDirectoryDelimiter() throws {
        #expect(
            try fieldConfig("string,int").partitioner.encode(baseRecord(), timestamp: 0, delim: "/")
                == "string=def/int=12")
        #expect(
            try fieldConfig("int,string").partitioner.encode(baseRecord(), timestamp: 0, delim: "/")
                == "int=12/string=def")
        let c = try fieldConfig("string,int", delim: "|")
        #expect(try c.partitioner.encode(baseRecord(), timestamp: 0, delim: c.directoryDelim) == "string=def|int=12")
    }

    // FieldPartitionerTest testNullPartition, testMultiPartitionWithNulls
    @Test func nullFieldsAreWrittenAsNull() throws {
        #expect(
            try fieldConfig("string").partitioner.encode(
                one("string", .optionalString, .null), timestamp: 0, delim: "/")
                == "string=null")
        let s = Schema(
            type: .struct, name: "record",
            fields: [
                Field(name: "string", index: 0, schema: .optionalString),
                Field(name: "int", index: 1, schema: .optionalInt32),
                Field(name: "boolean", index: 2, schema: .optionalBoolean),
            ])
        let r = record(s, .struct(Struct(schema: s, values: [.string("def"), .null, .null])))
        #expect(
            try fieldConfig("string,int,boolean").partitioner.encode(r, timestamp: 0, delim: "/")
                == "string=def/int=null/boolean=null")
    }

    func nested(city: Value, address present: Bool = true) -> SinkRecord {
        let address = Schema(
            type: .struct, optional: true, name: "address",
            fields: [Field(name: "city", index: 0, schema: .optionalString)])
        let user = Schema(type: .struct, name: "user", fields: [Field(name: "address", index: 0, schema: address)])
        let s = Schema(type: .struct, name: "record", fields: [Field(name: "user", index: 0, schema: user)])
        let a: Value = present ? .struct(Struct(schema: address, values: [city])) : .null
        return record(s, .struct(Struct(schema: s, values: [.struct(Struct(schema: user, values: [a]))])))
    }

    // FieldPartitionerTest testNestedStringPartition, testNestedNullPartition, testNestedMissingPartition
    @Test func nestedFields() throws {
        let p = try fieldConfig("user.address.city").partitioner
        #expect(try p.encode(nested(city: .string("NYC")), timestamp: 0, delim: "/") == "user.address.city=NYC")
        #expect(try p.encode(nested(city: .null), timestamp: 0, delim: "/") == "user.address.city=null")
        // A null struct on the way: the field is null (this threw before).
        #expect(try p.encode(nested(city: .null, address: false), timestamp: 0, delim: "/") == "user.address.city=null")
        // …but a path the schema does not have is still refused.
        #expect(throws: ConnectError.self) {
            try fieldConfig("user.address.zip").partitioner.encode(
                nested(city: .null, address: false), timestamp: 0, delim: "/")
        }
    }

    // MARK: Time-based

    // TimeBasedPartitionerTest.createConfig: hourly, 'year'=YYYY/'month'=M/'day'=d/'hour'=H/ in Los Angeles.
    func timeConfig(_ extra: [String: String] = [:]) throws -> S3SinkConfig {
        try config(
            [
                "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
                "partition.duration.ms": "3600000", "path.format": "'year'=YYYY/'month'=M/'day'=d/'hour'=H/",
                "locale": "en-US", "timezone": "America/Los_Angeles", "timestamp.extractor": "Record",
            ].merging(extra) { $1 })
    }

    // 2015-04-02T01:00:00-07:00 (TimeBasedPartitionerTest.DATE_TIME)
    static let dateTime: Int64 = 1_427_961_600_000

    // TimeBasedPartitionerTest testGeneratePartitionedPath (BiHourlyPartitioner: two hours), and the
    // object key storage-cloud builds from it (fileKeyToCommit).
    @Test func biHourlyPartitionFloorsInTheZone() throws {
        let c = try timeConfig(["partition.duration.ms": "7200000"])
        let encoded = try c.partitioner.encode(baseRecord(), timestamp: Self.dateTime, delim: "/")
        #expect(encoded == "year=2015/month=4/day=2/hour=0")
        #expect(
            try S3PartitionerTests().key(c, encoded: encoded, offset: 0)
                == "topics/orders/year=2015/month=4/day=2/hour=0/orders+3+0000000000.json")
    }

    // TimeBasedPartitionerTest testIntTimeExtract, testLongTimeExtract: 12 ms after the epoch, hourly in
    // Los Angeles.
    @Test func epochMillisecondsFromIntAndLongFields() throws {
        for field in ["int", "long"] {
            let c = try timeConfig(["timestamp.extractor": "RecordField", "timestamp.field": field])
            let t = try S3PartitionerGoldenTests.extract(c, baseRecord())
            #expect(t == 12)
            #expect(
                try c.partitioner.encode(baseRecord(), timestamp: t, delim: "/") == "year=1969/month=12/day=31/hour=16")
        }
    }

    static func extract(_ c: S3SinkConfig, _ r: SinkRecord) throws -> Int64 {
        guard case .recordField(let field) = c.timestamps else { return -1 }
        return try S3Partitioner.recordFieldTimestamp(r, field: field)
    }

    // TimeBasedPartitionerTest testFloatTimeExtract, testDoubleTimeExtract, testStructRecordFieldArrayExtraction
    @Test func floatsAndArraysAreNoTimestamps() throws {
        for field in ["float", "double"] {
            #expect {
                try S3Partitioner.recordFieldTimestamp(baseRecord(), field: field)
            } throws: {
                ($0 as? ConnectError)?.message.hasPrefix("Error extracting timestamp from record field: \(field)")
                    == true
            }
        }
        #expect(throws: ConnectError.self) {
            try S3Partitioner.recordFieldTimestamp(
                one("array", .array(.int64), .array([.int64(Self.dateTime)])), field: "array")
        }
    }

    // TimeBasedPartitionerTest testInvalidStringTimeStructExtract, testRecordFieldNotStructOrMap
    @Test func stringsThatAreNoDateTimesAreRefused() throws {
        #expect {
            try S3Partitioner.recordFieldTimestamp(baseRecord(), field: "string")
        } throws: { ($0 as? ConnectError)?.message.hasPrefix("Invalid format: \"def\"") == true }
        #expect(throws: ConnectError.self) {
            try S3Partitioner.recordFieldTimestamp(record(.string, .string("foo")), field: "bar")
        }
    }

    // TimeBasedPartitionerTest testStringTimeExtract, testRecordFieldTimeDateExtractor: ISO-8601 strings
    // (with and without milliseconds), Timestamps, INT32 and INT64 fields.
    @Test func recordFieldTimestampsOfEveryKind() throws {
        let c = try timeConfig(["timestamp.extractor": "RecordField", "timestamp.field": "timestamp"])
        func encoded(_ schema: Schema, _ v: Value) throws -> String {
            let r = one("timestamp", schema, v)
            return try c.partitioner.encode(r, timestamp: try Self.extract(c, r), delim: "/")
        }
        let expected = "year=2015/month=4/day=2/hour=1"
        #expect(try encoded(.int64, .int64(Self.dateTime)) == expected)
        #expect(try encoded(.string, .string("2015-04-02T01:00:00-07:00")) == expected)
        #expect(try encoded(.string, .string("2015-04-02T01:00:00.000-07:00")) == expected)
        #expect(try encoded(LogicalType.timestamp(), .int64(Self.dateTime)) == expected)
        // 1970-01-01T00:00 in Los Angeles as an INT32.
        #expect(try encoded(.int32, .int32(28_800_000)) == "year=1970/month=1/day=1/hour=0")
        // Digits are epoch milliseconds.
        #expect(try encoded(.string, .string(String(Self.dateTime))) == expected)
    }

    // TimeBasedPartitionerTest testNumericRecordFieldTimeMap, testNestedRecordFieldTimeExtractor: schemaless
    // maps and nested fields.
    @Test func mapsAndNestedFields() throws {
        let map = Value.map([MapEntry(key: .string("timestamp"), value: .int64(Self.dateTime))])
        #expect(try S3Partitioner.recordFieldTimestamp(record(nil, map), field: "timestamp") == Self.dateTime)
        let intMax = Value.map([MapEntry(key: .string("timestamp"), value: .int32(Int32.max))])
        #expect(try S3Partitioner.recordFieldTimestamp(record(nil, intMax), field: "timestamp") == Int64(Int32.max))
        // A JSON number with a fraction: Number.longValue() cuts it off.
        let double = Value.map([MapEntry(key: .string("timestamp"), value: .float64(1_427_961_600_000.75))])
        #expect(try S3Partitioner.recordFieldTimestamp(record(nil, double), field: "timestamp") == Self.dateTime)
        let (inner, innerValue) = Self.base([("timestamp", .int64, .int64(Self.dateTime))])
        let outer = Schema(type: .struct, fields: [Field(name: "nested", index: 0, schema: inner)])
        let r = record(outer, .struct(Struct(schema: outer, values: [innerValue])))
        #expect(try S3Partitioner.recordFieldTimestamp(r, field: "nested.timestamp") == Self.dateTime)
    }

    // ISODateTimeFormat.dateTimeParser: the forms the RecordField extractor reads.
    @Test func isoDateTimes() {
        #expect(IsoDateTime.parseMillis("2015-04-02T08:00:00Z") == Self.dateTime)
        #expect(IsoDateTime.parseMillis("2015-04-02T08:00:00.000Z") == Self.dateTime)
        #expect(IsoDateTime.parseMillis("2015-04-02T01:00-0700") == Self.dateTime)
        #expect(IsoDateTime.parseMillis("2015-04-02T10:00+02") == Self.dateTime)
        #expect(IsoDateTime.parseMillis("2015-04-02T08") == Self.dateTime)
        #expect(IsoDateTime.parseMillis("2015-04-02") == Self.dateTime - 8 * 3_600_000)
        #expect(IsoDateTime.parseMillis("2015-04-02T08:00:00.123456Z") == Self.dateTime + 123)
        #expect(IsoDateTime.parseMillis("2015-02-30") == nil)
        #expect(IsoDateTime.parseMillis("def") == nil)
        #expect(IsoDateTime.parseMillis("2015-04-02T08:00:00Zjunk") == nil)
    }

    // DailyPartitionerTest testDailyPartitioner, HourlyPartitionerTest testHourlyPartitioner:
    // 2014-02-01T03:00 in Los Angeles.
    @Test func dailyAndHourlyPartitioners() throws {
        let t: Int64 = 1_391_252_400_000
        for (cls, expected) in [
            ("DailyPartitioner", "year=2014/month=02/day=01"),
            ("HourlyPartitioner", "year=2014/month=02/day=01/hour=03"),
        ] {
            let c = try config([
                "partitioner.class": "io.confluent.connect.storage.partitioner.\(cls)", "locale": "en_US",
                "timezone": "America/Los_Angeles", "timestamp.extractor": "Record",
            ])
            #expect(try c.partitioner.encode(baseRecord(), timestamp: t, delim: "/") == expected)
        }
    }

    // HourlyPartitionerTest testHourlyPartionerWithDaylightSavings (America/Santiago)
    @Test func hourlyAcrossDaylightSaving() throws {
        let c = try config([
            "partitioner.class": "io.confluent.connect.storage.partitioner.HourlyPartitioner", "locale": "es_CL",
            "timezone": "America/Santiago", "timestamp.extractor": "Record",
        ])
        #expect(
            try c.partitioner.encode(baseRecord(), timestamp: 1_715_224_653_000, delim: "/")
                == "year=2024/month=05/day=08/hour=23")
        #expect(
            try c.partitioner.encode(baseRecord(), timestamp: 1_706_411_853_000, delim: "/")
                == "year=2024/month=01/day=28/hour=00")
    }

    // TimeBasedPartitionerTest testNonPostitiveDuration, testInvalidPathFormat, testEmptyPathFormat,
    // testRootPathFormat, testEmptyLocale, testEmptyTimezone
    @Test func timeBasedConfigErrors() throws {
        let base = [
            "s3.bucket.name": "b", "format.class": "io.confluent.connect.s3.format.json.JsonFormat", "flush.size": "1",
            "partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
            "partition.duration.ms": "3600000", "path.format": "'year'=YYYY", "locale": "en-US", "timezone": "UTC",
        ]
        func errors(_ key: String, _ value: String) -> [String] {
            S3SinkConfig.validate(base.merging([key: value]) { $1 }, env: env)[key] ?? []
        }
        #expect(S3SinkConfig.validate(base, env: env).isEmpty)
        #expect(
            errors("partition.duration.ms", "-1").first?.hasPrefix(
                "Invalid value -1 for configuration partition.duration.ms") == true)
        #expect(
            errors("path.format", "year='YYYY'/month='MM'").first?.hasPrefix(
                "Invalid value year='YYYY'/month='MM' for configuration path.format") == true)
        #expect(
            errors("path.format", "") == ["Invalid value  for configuration path.format: Path format cannot be empty."])
        #expect(
            errors("path.format", "/") == [
                "Invalid value / for configuration path.format: Path format cannot be empty."
            ])
        #expect(errors("locale", "") == ["Invalid value  for configuration locale: Locale cannot be empty."])
        #expect(errors("timezone", "") == ["Invalid value  for configuration timezone: Timezone cannot be empty."])
    }

    // TimeBasedPartitionerTest testPathFormatEndDelim, testRemovePathFormatEndDelim
    @Test func aTrailingDelimiterIsDropped() throws {
        let p = try PathFormat("'year='YYYY/", delim: "/")
        #expect(p.format(localMillis: 0) == "year=1970")
    }

    // TimeBasedPartitionerTest testRecordTimeExtractorNullSinkRecordTime, testNullSinkRecordTime
    @Test func aRecordWithoutTimestampFailsTheRecordExtractor() async throws {
        let c = try timeConfig()
        let storage = try S3Storage(
            bucket: "b", endpoint: c.endpoint, pathStyle: true, region: "us-east-1", credentials: c.credentials,
            retry: .init(attempts: 1), log: { _ in })
        let w = TopicPartitionWriter(
            partition: TopicPartition("test-topic", 12), config: c, storage: storage, encoder: try RecordEncoder(c),
            now: { 0 })
        await #expect {
            try await w.write(self.record(.string, .string("foo"), timestamp: nil))
        } throws: {
            ($0 as? ConnectError)?.message.hasPrefix("Unable to determine timestamp using timestamp.extractor") == true
        }
    }

    // storage-cloud TopicPartitionWriter fileKeyToCommit: topics.dir, directory.delim, file.delim and the
    // zero-padded start offset.
    @Test func objectKeys() throws {
        let t = S3PartitionerTests()
        #expect(
            try t.key(
                try config(["topics.dir": "a/b", "filename.offset.zero.pad.width": "3"]), encoded: "partition=3",
                offset: 12)
                == "a/b/orders/partition=3/orders+3+012.json")
        #expect(
            try t.key(try config(["directory.delim": "_", "file.delim": "#"]), encoded: "partition=3", offset: 12)
                == "topics_orders_partition=3_orders#3#0000000012.json")
        // Wider offsets are not cut.
        #expect(
            try t.key(try config(["filename.offset.zero.pad.width": "1"]), encoded: "partition=3", offset: 12_345)
                == "topics/orders/partition=3/orders+3+12345.json")
    }
}

import AWSAuth
import Avro
import Codecs
import ConnectAPI
import CurlClient
import Parquet

/// The S3 sink's keys, defaults and checks, as Confluent's `S3SinkConnectorConfig` with the storage-common
/// partitioner keys (reference connectors.md §3.1), read into one value.
struct S3SinkConfig: Sendable {
    enum Format: Sendable, Equatable {
        case json
        case byteArray(extension: String, separator: [UInt8])
        /// Avro object container files with the blocks' codec (`avro.codec`).
        case avro(AvroContainerWriter.Codec)
        /// Parquet files (one row group per object).
        case parquet(ParquetCodec)
    }
    enum NullBehavior: String, Sendable { case ignore, fail }
    /// `schema.compatibility`: when a record's value schema differs from its encoded partition's current
    /// one, NONE starts new files; the others compare schema versions, start new files for a newer (or,
    /// FORWARD, older) version and project the other records into the current schema.
    enum SchemaCompatibility: String, Sendable {
        case none = "NONE"
        case backward = "BACKWARD"
        case forward = "FORWARD"
        case full = "FULL"
    }
    enum TimestampSource: Sendable, Equatable {
        case wallclock, record
        case recordField(String)
    }

    static let jsonFormat = "io.confluent.connect.s3.format.json.JsonFormat"
    static let byteArrayFormat = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat"
    static let avroFormat = "io.confluent.connect.s3.format.avro.AvroFormat"
    static let parquetFormat = "io.confluent.connect.s3.format.parquet.ParquetFormat"
    static let storageClass = "io.confluent.connect.s3.storage.S3Storage"
    static let partitionerPackage = "io.confluent.connect.storage.partitioner."

    let bucket: String
    let region: String
    let endpoint: String
    let pathStyle: Bool
    /// Where the sink's AWS credentials come from (`s3.credentials.provider.class`, explicit keys).
    let credentials: any AWSCredentialsProvider
    let format: Format
    let gzip: Bool
    let compressionLevel: Int
    let flushSize: Int
    let rotateIntervalMs: Int64
    let rotateScheduleIntervalMs: Int64
    let rotateOnPartitionChange: Bool
    let topicsDir: String
    let directoryDelim: String
    let fileDelim: String
    let zeroPadWidth: Int
    let partitioner: S3Partitioner
    let timestamps: TimestampSource
    /// Needed by time-based partitioners and scheduled rotation.
    let zone: ZoneId?
    let partSize: Int
    let nullBehavior: NullBehavior
    let partRetries: Int
    let s3RetryBackoffMs: Int
    let retryBackoffMs: Int64
    let decimalFormat: String
    /// Encryption and ACL headers of the objects.
    let objectOptions: S3ObjectOptions
    let schemaCompatibility: SchemaCompatibility
    /// `s3.object.tagging`: tag each object after it is written.
    struct ObjectTagging: Sendable {
        var enabled = false
        var extra: [(String, String)] = []
        var failOnError = false
    }
    let objectTagging: ObjectTagging

    static let configDef = ConfigDef()
        .define(
            "s3.bucket.name", .string, importance: .high, documentation: "The S3 Bucket.", group: "S3",
            orderInGroup: 1, width: .long, displayName: "S3 Bucket"
        )
        .define(
            "s3.region", .string, defaultValue: "us-west-2", importance: .medium,
            documentation:
                "The AWS region to be used the connector (also when store.url points elsewhere: it signs the requests).",
            group: "S3", orderInGroup: 2, width: .long, displayName: "AWS region"
        )
        .define(
            "store.url", .string, defaultValue: .some(nil), importance: .high,
            documentation:
                "Store's connection URL, if applicable (an S3-compatible server such as MinIO); https:// is assumed when no scheme is given.",
            group: "Storage", orderInGroup: 1, width: .long, displayName: "Store URL"
        )
        .define(
            "s3.path.style.access.enabled", .boolean, defaultValue: "true", importance: .low,
            documentation: "Specifies whether or not to enable path style access to the bucket used by the connector",
            group: "S3", orderInGroup: 3, width: .short, displayName: "Enable Path Style Access to S3"
        )
        .define(
            "aws.access.key.id", .string, defaultValue: "", importance: .high,
            documentation:
                "The AWS access key ID used to authenticate personal AWS credentials such as IAM credentials. Use only if you do not wish to authenticate by using a credentials provider class via `s3.credentials.provider.class`",
            group: "S3", orderInGroup: 4, width: .long, displayName: "AWS Access Key ID"
        )
        .define(
            "aws.secret.access.key", .password, defaultValue: .some(nil), importance: .high,
            documentation:
                "The secret access key used to authenticate personal AWS credentials such as IAM credentials. Use only if you do not wish to authenticate by using a credentials provider class via `s3.credentials.provider.class`",
            group: "S3", orderInGroup: 5, width: .long, displayName: "AWS Secret Access Key"
        )
        .define(
            "s3.credentials.provider.class", .class,
            defaultValue: "com.amazonaws.auth.DefaultAWSCredentialsProviderChain",
            importance: .low,
            documentation:
                "Credentials provider or provider chain to use for authentication to AWS. By default the connector uses `DefaultAWSCredentialsProviderChain`.",
            group: "S3", orderInGroup: 6, width: .long, displayName: "AWS Credentials Provider Class"
        )
        .define(
            "storage.class", .class, defaultValue: storageClass, importance: .high,
            documentation: "The underlying storage layer: io.confluent.connect.s3.storage.S3Storage.",
            group: "Storage", orderInGroup: 2, width: .long, displayName: "Storage Class"
        )
        .define(
            "format.class", .class, importance: .high,
            documentation:
                "The format class to use when writing data to the store: io.confluent.connect.s3.format.json.JsonFormat, io.confluent.connect.s3.format.bytearray.ByteArrayFormat, io.confluent.connect.s3.format.avro.AvroFormat or io.confluent.connect.s3.format.parquet.ParquetFormat.",
            group: "Connector", orderInGroup: 1, width: .long, displayName: "Format class"
        )
        .define(
            "flush.size", .int, validator: .range(atLeast: 1), importance: .high,
            documentation: "Number of records written to store before invoking file commits.", group: "Connector",
            orderInGroup: 2, width: .short, displayName: "Flush Size"
        )
        .define(
            "rotate.interval.ms", .long, defaultValue: "-1", importance: .high,
            documentation:
                "The time interval in milliseconds to invoke file commits, measured on the timestamps the timestamp.extractor returns: a file is committed when a record's timestamp is this far past the file's first.",
            group: "Connector", orderInGroup: 3, width: .short, displayName: "Rotate Interval (ms)"
        )
        .define(
            "rotate.schedule.interval.ms", .long, defaultValue: "-1", importance: .medium,
            documentation:
                "The time interval in milliseconds to periodically invoke file commits, on the wall clock, aligned to midnight in timezone; also closes the files of idle partitions.",
            group: "Connector", orderInGroup: 4, width: .short, displayName: "Rotate Interval (ms) (Scheduled)"
        )
        .define(
            "rotate.file.on.partition.change", .boolean, defaultValue: "true", importance: .low,
            documentation:
                "With rotate.interval.ms, whether a record for another encoded partition than the previous record's also commits the files.",
            group: "Connector", orderInGroup: 5, width: .short, displayName: "Rotate file on partition change"
        )
        .define(
            "topics.dir", .string, defaultValue: "topics", importance: .high,
            documentation: "Top level directory to store the data ingested from Kafka.", group: "Storage",
            orderInGroup: 3, width: .short, displayName: "Topics directory"
        )
        .define(
            "directory.delim", .string, defaultValue: "/", importance: .medium,
            documentation: "Directory delimiter pattern", group: "Storage", orderInGroup: 4, width: .short,
            displayName: "Directory Delimiter"
        )
        .define(
            "file.delim", .string, defaultValue: "+", importance: .medium,
            documentation: "File delimiter pattern", group: "Storage", orderInGroup: 5, width: .short,
            displayName: "File Delimiter"
        )
        .define(
            "filename.offset.zero.pad.width", .int, defaultValue: "10", validator: .range(atLeast: 0),
            importance: .low,
            documentation:
                "Width to zero pad offsets in store's filenames if offsets are too short in order to provide fixed width filenames that can be ordered by simple lexicographic sorting.",
            group: "Storage", orderInGroup: 6, width: .short, displayName: "Filename Offset Zero Pad Width"
        )
        .define(
            "partitioner.class", .class, defaultValue: partitionerPackage + "DefaultPartitioner", importance: .high,
            documentation:
                "The partitioner to use when writing data to the store: DefaultPartitioner, FieldPartitioner, TimeBasedPartitioner, DailyPartitioner or HourlyPartitioner (package io.confluent.connect.storage.partitioner).",
            group: "Partitioner", orderInGroup: 1, width: .long, displayName: "Partitioner Class"
        )
        .define(
            "partition.field.name", .list, defaultValue: "", importance: .medium,
            documentation:
                "The name of the partitioning field when FieldPartitioner is used (several, comma-separated; a.b for nested fields).",
            group: "Partitioner", orderInGroup: 2, width: .long, displayName: "Partition Field Name"
        )
        .define(
            "partition.duration.ms", .long, defaultValue: "-1", importance: .medium,
            documentation: "The duration of a partition milliseconds used by TimeBasedPartitioner.",
            group: "Partitioner",
            orderInGroup: 3, width: .long, displayName: "Partition Duration (ms)"
        )
        .define(
            "path.format", .string, defaultValue: "", importance: .medium,
            documentation:
                "This configuration is used to set the format of the data directories when partitioning with TimeBasedPartitioner, as a Joda-Time pattern, e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH.",
            group: "Partitioner", orderInGroup: 4, width: .long, displayName: "Path Format"
        )
        .define(
            "locale", .string, defaultValue: "", importance: .medium,
            documentation: "The locale to use when partitioning with TimeBasedPartitioner (e.g. en-US).",
            group: "Partitioner", orderInGroup: 5, width: .long, displayName: "Locale"
        )
        .define(
            "timezone", .string, defaultValue: "", importance: .medium,
            documentation:
                "The timezone to use when partitioning with TimeBasedPartitioner and for scheduled rotation: UTC, a fixed offset (+02:00) or a tz database zone (America/New_York).",
            group: "Partitioner", orderInGroup: 6, width: .long, displayName: "Timezone"
        )
        .define(
            "timestamp.extractor", .string, defaultValue: "Wallclock", importance: .medium,
            documentation:
                "The extractor that gets the timestamp for records when partitioning with TimeBasedPartitioner: Wallclock, Record (the Kafka record's timestamp) or RecordField (timestamp.field of the value).",
            group: "Partitioner", orderInGroup: 7, width: .long, displayName: "Timestamp Extractor"
        )
        .define(
            "timestamp.field", .string, defaultValue: "timestamp", importance: .medium,
            documentation:
                "The record field to be used as timestamp by the RecordField timestamp extractor (a.b for nested fields; epoch milliseconds or a Timestamp).",
            group: "Partitioner", orderInGroup: 8, width: .long, displayName: "Record Field for Timestamp Extractor"
        )
        .define(
            "s3.part.size", .int, defaultValue: "26214400",
            validator: .range(atLeast: 5_242_880, atMost: 2_147_483_647),
            importance: .high,
            documentation:
                "The Part Size in S3 Multi-part Uploads: objects up to this size are written with one PutObject, larger ones as multipart uploads of parts this size.",
            group: "S3", orderInGroup: 6, width: .long, displayName: "S3 Part Size"
        )
        .define(
            "s3.compression.type", .string, defaultValue: "none", validator: .oneOf(["none", "gzip"]), importance: .low,
            documentation:
                "Compression type for files written to S3. Applied when using JsonFormat or ByteArrayFormat. gzip compresses with libdeflate (Debian package libdeflate0, loaded when first used) in pieces of 256 KiB, each a gzip member: the object is a multi-member gzip file (RFC 1952), which gzip, Java's GZIPInputStream, Python's gzip, Hadoop and Athena read as one stream.",
            group: "S3", orderInGroup: 7, width: .long, displayName: "Compression type"
        )
        .define(
            "s3.compression.level", .int, defaultValue: "-1", validator: .range(atLeast: -1, atMost: 9),
            importance: .low,
            documentation:
                "Compression level for files written to S3: -1 for the codec's default (gzip 6), or 0 (no compression) to 9 (best compression). Applied when using JsonFormat or ByteArrayFormat with s3.compression.type=gzip.",
            group: "S3", orderInGroup: 8,
            width: .short, displayName: "Compression Level"
        )
        .define(
            "format.bytearray.extension", .string, defaultValue: ".bin", importance: .low,
            documentation: "Output file extension for ByteArrayFormat. Defaults to '.bin'", group: "Connector",
            orderInGroup: 6, width: .short, displayName: "Output file extension for ByteArrayFormat"
        )
        .define(
            "format.bytearray.separator", .string, defaultValue: .some(nil), importance: .low,
            documentation: "String inserted between records for ByteArrayFormat. Defaults to the line separator (\\n).",
            group: "Connector", orderInGroup: 7, width: .short, displayName: "Line separator ByteArrayFormat"
        )
        .define(
            "avro.codec", .string, defaultValue: "null",
            validator: .oneOf(AvroContainerWriter.Codec.allCases.map(\.rawValue)),
            importance: .low,
            documentation:
                "The Avro compression codec to be used for output files: null, deflate (libdeflate, level 6), snappy (libsnappy) or zstandard (libzstd, level 3), as Avro's CodecFactory names them; the libraries are loaded when first used. bzip2 and xz are not available.",
            group: "Connector", orderInGroup: 11, width: .short, displayName: "Avro Compression Codec"
        )
        .define(
            "parquet.codec", .string, defaultValue: "snappy", validator: parquetCodecValidator, importance: .low,
            documentation:
                "The Parquet compression codec to be used for output files: none, snappy (libsnappy), gzip (libdeflate), zstd (libzstd, level 3), lz4 (liblz4 blocks in Hadoop's framing, as parquet-mr writes Parquet's LZ4 codec) or lz4_raw (Parquet's LZ4_RAW: bare LZ4 blocks); the libraries are loaded when first used. lzo and brotli are not available.",
            group: "Connector", orderInGroup: 12, width: .short, displayName: "Parquet Compression Codec"
        )
        .define(
            "json.decimal.format", .string, defaultValue: "BASE64",
            validator: .oneOf(["BASE64", "NUMERIC"], ignoringCase: true),
            importance: .low,
            documentation:
                "Controls which format json converter will serialize decimals in: BASE64 (default) or NUMERIC.",
            group: "Connector", orderInGroup: 8, width: .short, displayName: "Decimal Format"
        )
        .define(
            "behavior.on.null.values", .string, defaultValue: "fail",
            validator: .oneOf(["ignore", "fail"], ignoringCase: true),
            importance: .low,
            documentation:
                "How to handle records with a null value (i.e. Kafka tombstone records): ignore (skip them) or fail (fail the task).",
            group: "Connector", orderInGroup: 9, width: .short, displayName: "Behavior for null-valued records"
        )
        .define(
            "s3.part.retries", .int, defaultValue: "3", validator: .range(atLeast: 0), importance: .medium,
            documentation:
                "Maximum number of retry attempts for a failed request to S3 (throttling, 5xx, network errors).",
            group: "S3", orderInGroup: 9, width: .long, displayName: "S3 Part Upload Retries"
        )
        .define(
            "s3.retry.backoff.ms", .long, defaultValue: "200", validator: .range(atLeast: 0), importance: .low,
            documentation:
                "How long to wait in milliseconds before attempting the first retry of a failed S3 request; doubled for every further attempt, with jitter.",
            group: "S3", orderInGroup: 10, width: .short, displayName: "Retry Backoff (ms)"
        )
        .define(
            "retry.backoff.ms", .long, defaultValue: "5000", validator: .range(atLeast: 0), importance: .low,
            documentation:
                "The retry backoff in milliseconds before the worker redelivers records after S3 failed every retry.",
            group: "Connector", orderInGroup: 10, width: .short, displayName: "Retry Backoff (ms)"
        )
        .define(
            "schema.compatibility", .string, defaultValue: "NONE",
            validator: .oneOf(["NONE", "BACKWARD", "FORWARD", "FULL"], ignoringCase: true), importance: .high,
            documentation:
                "The schema compatibility rule to use when the connector is observing schema changes: NONE (a changed value schema starts new files), BACKWARD or FULL (a newer schema version starts new files, records of older versions are projected to the current one), FORWARD (an older version starts new files, newer ones are projected). The last three need schema versions (AvroConverter).",
            group: "Schema", orderInGroup: 1, width: .short, displayName: "Schema Compatibility"
        )
        .define(
            "s3.object.tagging", .boolean, defaultValue: "false", importance: .low,
            documentation: "Tag S3 objects with start and end offsets, as well as record count.", group: "S3",
            orderInGroup: 15, width: .long, displayName: "S3 Object Tagging"
        )
        .define(
            "s3.object.tagging.key.value.pairs", .list, defaultValue: "", importance: .low,
            documentation: "Additional S3 tag key value pairs, key1:value1,key2:value2 (at most 7: S3 allows 10 tags).",
            group: "S3", orderInGroup: 16, width: .long, displayName: "S3 Object Tagging Extra Key Value pairs"
        )
        .define(
            "s3.object.behavior.on.tagging.error", .string, defaultValue: "ignore",
            validator: .oneOf(["ignore", "fail"], ignoringCase: true), importance: .low,
            documentation: "How to handle S3 object tagging error. Valid options are 'ignore' and 'fail'.",
            group: "S3", orderInGroup: 17, width: .short, displayName: "Behavior for S3 object tagging error"
        )
        .define(
            "s3.ssea.name", .string, defaultValue: "", validator: .oneOf(S3ObjectOptions.algorithms),
            importance: .low,
            documentation:
                "The S3 Server Side Encryption Algorithm: AES256 (SSE-S3, or SSE-C with s3.sse.customer.key), aws:kms or aws:kms:dsse (SSE-KMS, with s3.sse.kms.key.id or the account's default key).",
            group: "S3", orderInGroup: 11, width: .long, displayName: "S3 Server Side Encryption Algorithm"
        )
        .define(
            "s3.sse.customer.key", .password, defaultValue: .some(nil), importance: .low,
            documentation:
                "The S3 Server Side Encryption Customer-Provided Key (SSE-C): a 256-bit AES key in base64; needs s3.ssea.name=AES256.",
            group: "S3", orderInGroup: 12, width: .long,
            displayName: "S3 Server Side Encryption Customer-Provided Key (SSE-C)"
        )
        .define(
            "s3.sse.kms.key.id", .string, defaultValue: "", importance: .low,
            documentation:
                "The name of the AWS Key Management Service (AWS-KMS) key to be used for server side encryption of the S3 objects (with s3.ssea.name=aws:kms).",
            group: "S3", orderInGroup: 13, width: .long, displayName: "S3 Server Side Encryption Key"
        )
        .define(
            "s3.acl.canned", .string, defaultValue: .some(nil), validator: S3ObjectOptions.cannedACLValidator,
            importance: .low, documentation: "An S3 canned ACL header value to apply when writing objects.",
            group: "S3", orderInGroup: 14, width: .long, displayName: "S3 Canned ACL")

    /// Reads and checks everything; `env` supplies AWS_* when the keys are empty.
    init(_ raw: [String: String], env: [String: String]) throws {
        let c = try Self.configDef.parse(raw)
        var problems: [(String, String)] = []
        Self.crossKeyRules(c, env: env) { problems.append(($0, $1)) }
        if let (_, message) = problems.first { throw ConfigException(message) }
        bucket = c.string("s3.bucket.name")!.trimmingWhitespace()
        region = (c.string("s3.region") ?? "us-west-2").trimmingWhitespace()
        endpoint = S3Storage.endpoint(storeURL: c.string("store.url")?.trimmingWhitespace(), region: region)
        pathStyle = c.bool("s3.path.style.access.enabled") ?? true
        do { credentials = try Self.credentials(c, env: env) } catch { throw ConfigException(error.message) }
        let formatClass = Self.shortName(c.string("format.class") ?? "")
        if formatClass == "AvroFormat" {
            format = .avro(AvroContainerWriter.Codec(rawValue: c.string("avro.codec") ?? "null") ?? .null)
        } else if formatClass == "ParquetFormat" {
            let codec = (c.string("parquet.codec") ?? "snappy").trimmingWhitespace().lowercased()
            format = .parquet(Self.parquetCodecs[codec] ?? .snappy)
        } else if formatClass == "ByteArrayFormat" {
            let sep = c.string("format.bytearray.separator") ?? "\n"
            format = .byteArray(
                extension: c.string("format.bytearray.extension") ?? ".bin", separator: Array(Self.unescaped(sep).utf8))
        } else {
            format = .json
        }
        // Avro and Parquet files compress their blocks or pages themselves (avro.codec, parquet.codec);
        // s3.compression.type is for JSON and bytes.
        switch format {
        case .avro, .parquet: gzip = false
        default: gzip = c.string("s3.compression.type") == "gzip"
        }
        compressionLevel = c.int("s3.compression.level") ?? -1
        flushSize = c.int("flush.size")!
        rotateIntervalMs = c.int64("rotate.interval.ms") ?? -1
        rotateScheduleIntervalMs = c.int64("rotate.schedule.interval.ms") ?? -1
        rotateOnPartitionChange = c.bool("rotate.file.on.partition.change") ?? true
        topicsDir = (c.string("topics.dir") ?? "topics").trimmingWhitespace()
        directoryDelim = c.string("directory.delim") ?? "/"
        fileDelim = c.string("file.delim") ?? "+"
        zeroPadWidth = c.int("filename.offset.zero.pad.width") ?? 10
        let tz = (c.string("timezone") ?? "").trimmingWhitespace()
        zone = tz.isEmpty ? nil : ZoneId(tz)
        let extractor = Self.shortName((c.string("timestamp.extractor") ?? "Wallclock").trimmingWhitespace())
        switch extractor {
        case "Record", "RecordTimestampExtractor": timestamps = .record
        case "RecordField", "RecordFieldTimestampExtractor":
            timestamps = .recordField((c.string("timestamp.field") ?? "timestamp").trimmingWhitespace())
        default: timestamps = .wallclock
        }
        partitioner = try S3Partitioner(c, zone: zone, delim: directoryDelim)
        partSize = c.int("s3.part.size") ?? 26_214_400
        nullBehavior = NullBehavior(rawValue: (c.string("behavior.on.null.values") ?? "fail").lowercased()) ?? .fail
        partRetries = c.int("s3.part.retries") ?? 3
        s3RetryBackoffMs = c.int("s3.retry.backoff.ms") ?? 200
        retryBackoffMs = c.int64("retry.backoff.ms") ?? 5000
        decimalFormat = (c.string("json.decimal.format") ?? "BASE64").uppercased()
        objectOptions = S3ObjectOptions(c) { _, _ in }  // its problems were thrown above
        objectTagging = ObjectTagging(
            enabled: c.bool("s3.object.tagging") ?? false, extra: Self.extraTags(c) { _ in },
            failOnError: (c.string("s3.object.behavior.on.tagging.error") ?? "ignore").trimmingWhitespace().lowercased()
                == "fail")
        schemaCompatibility =
            SchemaCompatibility(
                rawValue: (c.string("schema.compatibility") ?? "NONE").trimmingWhitespace().uppercased())
            ?? .none
    }

    /// Transformations that rename the topic, which the sink refuses (as Confluent's).
    static let topicRenamingTransforms: Set<String> = [
        "org.apache.kafka.connect.transforms.RegexRouter", "org.apache.kafka.connect.transforms.TimestampRouter",
        "io.confluent.connect.transforms.MessageTimestampRouter", "io.confluent.connect.transforms.ExtractTopic$Key",
        "io.confluent.connect.transforms.ExtractTopic$Value", "io.debezium.transforms.ByLogicalTableRouter",
    ]

    /// parquet-mr's `CompressionCodecName`s in lower case, and `none` (as Confluent's ParquetCodecRecommender).
    static let parquetCodecs: [String: ParquetCodec] = [
        "none": .uncompressed, "uncompressed": .uncompressed, "snappy": .snappy, "gzip": .gzip, "zstd": .zstd,
        "lz4": .lz4, "lz4_raw": .lz4Raw,
    ]

    static let parquetCodecValidator = ConfigValidator("[none, snappy, gzip, zstd, lz4, lz4_raw]") { name, value in
        let codec = value.trimmingWhitespace()
        return parquetCodecs[codec.lowercased()] != nil
            ? nil
            : "Invalid value \(codec) for configuration \(name): String must be one of: none, snappy, gzip, zstd, lz4, lz4_raw (lzo and brotli are not available)"
    }

    /// Checks across keys, as errors per key (the ConfigInfos shape).
    static func validate(_ raw: [String: String], env: [String: String]) -> [String: [String]] {
        var errors: [String: [String]] = [:]
        guard let c = try? configDef.parse(raw) else { return [:] }  // per-key errors come from the ConfigDef
        crossKeyRules(c, env: env) { errors[$0, default: []].append($1) }
        if errors.isEmpty {
            do { _ = try S3Partitioner(c, zone: nil, delim: c.string("directory.delim") ?? "/", checkOnly: true) } catch
            {
                if let e = error as? PartitionerConfigError { errors[e.key, default: []].append(e.message) }
            }
        }
        return errors
    }

    struct PartitionerConfigError: Error {
        let key: String
        let message: String
    }

    private static func crossKeyRules(_ c: ParsedConfig, env: [String: String], add: (String, String) -> Void) {
        // A codec's library is loaded here, when the connector is validated or its task starts, so that a
        // missing one is reported with the key that chose it rather than at the first file.
        func needs(_ library: CompressionLibrary, _ key: String, _ value: String) {
            do { try library.load() } catch {
                add(key, "Invalid value \(value) for configuration \(key): \(error.description)")
            }
        }
        // As Confluent's S3 sink: a record whose topic a transformation renamed would land in objects of
        // the new topic while its offset belongs to the consumed partition (TimestampRouter even spreads
        // one partition over many topics), so exactly-once commits could not hold.
        for alias in ConfigDef.listEntries(c.string("transforms") ?? "") {
            let type = (c.string("transforms.\(alias).type") ?? "").trimmingWhitespace()
            if topicRenamingTransforms.contains(type) {
                add(
                    "transforms",
                    "Invalid value \(type) for configuration transforms.\(alias).type: the S3 sink does not support transformations that change the topic name (objects are named, and offsets committed, per consumed topic partition)"
                )
            }
        }
        if (c.string("s3.bucket.name") ?? "").trimmingWhitespace().isEmpty {
            add("s3.bucket.name", "Invalid value for configuration s3.bucket.name: the bucket name must not be empty")
        }
        let storage = (c.string("storage.class") ?? storageClass).trimmingWhitespace()
        if storage != storageClass && storage != "S3Storage" {
            add(
                "storage.class",
                "Invalid value \(storage) for configuration storage.class: only \(storageClass) is supported")
        }
        let format = (c.string("format.class") ?? "").trimmingWhitespace()
        switch shortName(format) {
        case "JsonFormat", "ByteArrayFormat":
            if c.string("s3.compression.type") == "gzip" { needs(.deflate, "s3.compression.type", "gzip") }
        case "AvroFormat":
            let name = c.string("avro.codec") ?? "null"
            if let library = AvroContainerWriter.Codec(rawValue: name)?.library { needs(library, "avro.codec", name) }
        case "ParquetFormat":
            let name = (c.string("parquet.codec") ?? "snappy").trimmingWhitespace()
            if let library = parquetCodecs[name.lowercased()]?.library { needs(library, "parquet.codec", name) }
        default:
            add(
                "format.class",
                "Invalid value \(format) for configuration format.class: Class \(format) could not be found; use \(jsonFormat), \(byteArrayFormat), \(avroFormat) or \(parquetFormat)"
            )
        }
        _ = S3ObjectOptions(c, problem: add)
        _ = extraTags(c) { add("s3.object.tagging.key.value.pairs", $0) }
        do { _ = try credentials(c, env: env) } catch { add(error.key, error.message) }
        let tz = (c.string("timezone") ?? "").trimmingWhitespace()
        if !tz.isEmpty && ZoneId(tz) == nil {
            add(
                "timezone",
                "Invalid value \(tz) for configuration timezone: not a known time zone (UTC, +02:00, Europe/Paris)")
        }
        if (c.int64("rotate.schedule.interval.ms") ?? -1) > 0 && tz.isEmpty {
            add(
                "timezone", "Invalid value  for configuration timezone: rotate.schedule.interval.ms requires a timezone"
            )
        }
        let extractor = shortName((c.string("timestamp.extractor") ?? "Wallclock").trimmingWhitespace())
        if ![
            "Wallclock", "Record", "RecordField", "WallclockTimestampExtractor", "RecordTimestampExtractor",
            "RecordFieldTimestampExtractor",
        ].contains(extractor) {
            add(
                "timestamp.extractor",
                "Invalid value \(extractor) for configuration timestamp.extractor: use Wallclock, Record or RecordField"
            )
        }
    }

    static let credentialsPrefix = "s3.credentials.provider."
    static let assumeRoleProvider = "io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider"

    struct CredentialsConfigError: Error {
        let key: String
        let message: String
    }

    /// The provider, as Confluent's sink picks it: explicit `aws.access.key.id`/`aws.secret.access.key`
    /// win over a plain provider class; `AwsAssumeRoleCredentialsProvider` assumes
    /// `s3.credentials.provider.sts.role.arn` with them (or with the default chain's credentials); any other
    /// known class is the AWS SDK provider of that name (AWSAuth). Nothing is fetched here.
    static func credentials(_ c: ParsedConfig, env: [String: String]) throws(CredentialsConfigError)
        -> any AWSCredentialsProvider
    {
        let raw = c.values
        let id = (c.string("aws.access.key.id") ?? "").trimmingWhitespace()
        let secret = c.string("aws.secret.access.key") ?? ""
        let explicit =
            !id.isEmpty && !secret.isEmpty
            ? StaticCredentialsProvider(AWSCredentials(accessKeyId: id, secretAccessKey: secret)) : nil
        let className = (c.string("s3.credentials.provider.class") ?? "").trimmingWhitespace()
        let chain = AWSCredentialsChain(environment: env)
        if className == assumeRoleProvider || className.hasSuffix(".AwsAssumeRoleCredentialsProvider") {
            func required(_ k: String) throws(CredentialsConfigError) -> String {
                guard let v = raw[credentialsPrefix + k]?.trimmingWhitespace(), !v.isEmpty else {
                    throw CredentialsConfigError(
                        key: credentialsPrefix + k,
                        message: "Missing required configuration \"\(k)\" which has no default value.")
                }
                return v
            }
            let role = try required("sts.role.arn")
            let session = try required("sts.role.session.name")
            let external = try required("sts.role.external.id")
            let region = raw[credentialsPrefix + "sts.region"].flatMap { $0.isEmpty ? nil : $0 }
            return chain.assumeRoleProvider(
                base: explicit ?? chain.defaultProvider(), roleArn: role, sessionName: session, externalId: external,
                region: explicit != nil ? region : nil)
        }
        if let explicit { return explicit }
        guard let provider = chain.provider(className: className) else {
            throw CredentialsConfigError(
                key: "s3.credentials.provider.class",
                message:
                    "Invalid value \(className) for configuration s3.credentials.provider.class: Class \(className) could not be found."
            )
        }
        return provider
    }

    /// `key1:value1,key2:value2` as tags; `problem` for an entry without a key or past S3's limits.
    static func extraTags(_ c: ParsedConfig, problem: (String) -> Void) -> [(String, String)] {
        let raw = c.string("s3.object.tagging.key.value.pairs") ?? ""
        var out: [(String, String)] = []
        for entry in ConfigDef.listEntries(raw) {
            guard let colon = entry.firstIndex(of: ":"), colon != entry.startIndex else {
                problem(
                    "Invalid value \(raw) for configuration s3.object.tagging.key.value.pairs: '\(entry)' is not key:value"
                )
                return []
            }
            let key = String(entry[..<colon]).trimmingWhitespace()
            let value = String(entry[entry.index(after: colon)...]).trimmingWhitespace()
            if ["startOffset", "endOffset", "recordCount"].contains(key) || key.utf8.count > 128
                || value.utf8.count > 256
            {
                problem(
                    "Invalid value \(raw) for configuration s3.object.tagging.key.value.pairs: tag '\(key)' is reserved or longer than S3 allows (keys 128, values 256 bytes)"
                )
                return []
            }
            out.append((key, value))
        }
        if out.count > 7 {
            problem(
                "Invalid value \(raw) for configuration s3.object.tagging.key.value.pairs: at most 7 pairs (S3 allows 10 tags per object, 3 are the connector's)"
            )
            return []
        }
        return out
    }

    /// `io.confluent.….JsonFormat` → `JsonFormat`.
    static func shortName(_ className: String) -> String {
        className.split(separator: ".").last.map(String.init) ?? className
    }

    /// `\n`, `\t`, `\r` and `\\` written out in a properties file or JSON config mean the characters.
    static func unescaped(_ s: String) -> String {
        s.replacing("\\n", with: "\n").replacing("\\t", with: "\t").replacing("\\r", with: "\r")
    }
}

import ConnectAPI
import ConnectJSON

/// Turns a record's value into the bytes of one line of a file: JsonFormat (Kafka's JsonConverter without
/// the schema envelope, then a newline) or ByteArrayFormat (the raw bytes, then the separator).
struct RecordEncoder {
    let format: S3SinkConfig.Format
    private let json: JsonConverter

    init(_ config: S3SinkConfig) throws {
        format = config.format
        json = try JsonConverter(config: ["schemas.enable": "false", "decimal.format": config.decimalFormat])
    }

    var fileExtension: String {
        switch format {
        case .json: return ".json"
        case .byteArray(let ext, _): return ext
        case .avro: return ".avro"
        case .parquet(let codec): return codec.fileExtension + ".parquet"
        }
    }

    /// Appends the record's line to `out`.
    func append(_ record: SinkRecord, to out: inout [UInt8]) throws {
        try withUnsafePointer(to: record) { try append($0, to: &out) }
    }

    /// `append(_:to:)` for a record read in place (a record passed as a value is copied: a retain and a
    /// release of each of its fields).
    func append(_ r: UnsafePointer<SinkRecord>, to out: inout [UInt8]) throws {
        switch format {
        case .json:
            // Already in the form JsonConverter writes (see `S3SinkTask.takesValueJSON`): copied.
            if let json = r.pointee.valueJSON {
                out.append(contentsOf: json)
                out.append(UInt8(ascii: "\n"))
                return
            }
            do {
                _ = try json.fromConnectData(
                    topic: r.pointee.topic, schema: r.pointee.valueSchema, value: r.pointee.value, into: &out)
            } catch {
                throw ConnectError(
                    .data,
                    "Cannot write the record at \(r.pointee.topic)-\(r.pointee.kafkaPartition ?? 0) offset \(r.pointee.kafkaOffset) as JSON: \(error)"
                )
            }
            out.append(UInt8(ascii: "\n"))
        case .byteArray(_, let separator):
            switch r.pointee.value {
            case .bytes(let b): out.append(contentsOf: b)
            case .string(let s): out.append(contentsOf: s.utf8)
            default:
                throw ConnectError(
                    .data,
                    "ByteArrayFormat needs byte[] values (value.converter=org.apache.kafka.connect.converters.ByteArrayConverter); the record at \(r.pointee.topic)-\(r.pointee.kafkaPartition ?? 0) offset \(r.pointee.kafkaOffset) holds a \(r.pointee.value.kindName)"
                )
            }
            out.append(contentsOf: separator)
        case .avro, .parquet:
            preconditionFailure("Avro and Parquet records are written by AvroFileEncoder and ParquetFileEncoder")
        }
    }
}

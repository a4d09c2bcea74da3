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
        switch format {
        case .json:
            // Already in the form JsonConverter writes (see `S3SinkTask.takesValueJSON`): copied.
            if let json = record.valueJSON {
                out.append(contentsOf: json)
                out.append(UInt8(ascii: "\n"))
                return
            }
            do {
                _ = try json.fromConnectData(
                    topic: record.topic, schema: record.valueSchema, value: record.value, into: &out)
            } catch {
                throw ConnectError(
                    .data,
                    "Cannot write the record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) as JSON: \(error)"
                )
            }
            out.append(UInt8(ascii: "\n"))
        case .byteArray(_, let separator):
            switch record.value {
            case .bytes(let b): out.append(contentsOf: b)
            case .string(let s): out.append(contentsOf: s.utf8)
            default:
                throw ConnectError(
                    .data,
                    "ByteArrayFormat needs byte[] values (value.converter=org.apache.kafka.connect.converters.ByteArrayConverter); the record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) holds a \(record.value.kindName)"
                )
            }
            out.append(contentsOf: separator)
        case .avro, .parquet:
            preconditionFailure("Avro and Parquet records are written by AvroFileEncoder and ParquetFileEncoder")
        }
    }
}

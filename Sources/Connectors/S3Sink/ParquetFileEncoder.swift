import ConnectAPI
import Parquet

/// The Parquet side of one S3 object in ParquetFormat: Connect struct values as rows of a flat Parquet
/// schema, mapped the way Confluent's ParquetFormat (through parquet-avro) maps them: integers to INT32
/// or INT64, strings to UTF8 byte arrays, Decimal/Date/Time/Timestamp to their Parquet annotations,
/// optional fields to optional columns, nested structs to (optional) groups. Arrays and maps are
/// refused: they need Parquet's repetition levels, which this writer does not produce.
struct ParquetFileEncoder {
    let connectSchema: Schema
    private var writer: ParquetFileWriter

    struct Unsupported: Error, CustomStringConvertible {
        let description: String
    }

    init(schema: Schema, codec: ParquetCodec) throws {
        guard schema.type == .struct else {
            throw Unsupported(description: "ParquetFormat writes struct values; this value's schema is \(schema.type)")
        }
        connectSchema = schema
        let nodes = try schema.fields.map { try Self.node($0) }
        // parquet-avro names the root after the Avro record: the schema name's last part.
        let name = schema.name.flatMap { $0.split(separator: ".").last.map(String.init) } ?? "ConnectDefault"
        writer = ParquetFileWriter(nodes: nodes, codec: codec, messageName: name)
    }

    static func node(_ f: Field) throws -> ParquetNode {
        let s = f.schema
        if s.type == .struct {
            return .group(name: f.name, optional: s.isOptional, children: try s.fields.map { try node($0) })
        }
        let annotation: ParquetColumn.Annotation?
        let type: ParquetColumn.PhysicalType
        switch (s.name, s.type) {
        case (LogicalType.decimalName, _):
            let scale = Int32(s.parameter(LogicalType.scaleParameter) ?? "0") ?? 0
            // AvroData's default precision when the schema does not carry one.
            let precision = Int32(s.parameter("connect.decimal.precision") ?? "64") ?? 64
            (type, annotation) = (.byteArray, .decimal(precision: precision, scale: scale))
        case (LogicalType.dateName, _): (type, annotation) = (.int32, .date)
        case (LogicalType.timeName, _): (type, annotation) = (.int32, .timeMillis)
        case (LogicalType.timestampName, _): (type, annotation) = (.int64, .timestampMillis)
        case (_, .int8), (_, .int16), (_, .int32): (type, annotation) = (.int32, nil)
        case (_, .int64): (type, annotation) = (.int64, nil)
        case (_, .float32): (type, annotation) = (.float, nil)
        case (_, .float64): (type, annotation) = (.double, nil)
        case (_, .boolean): (type, annotation) = (.boolean, nil)
        case (_, .string): (type, annotation) = (.byteArray, .utf8)
        case (_, .bytes): (type, annotation) = (.byteArray, nil)
        case (_, .struct), (_, .array), (_, .map):
            throw Unsupported(
                description:
                    "field \(f.name) is a \(s.type.rawValue.uppercased()); Tributary's ParquetFormat writes primitive, logical and struct fields, not arrays or maps"
            )
        }
        return .column(ParquetColumn(name: f.name, type: type, optional: s.isOptional, annotation: annotation))
    }

    var rowCount: Int { writer.rowCount }

    /// Appends one struct value as a row; a value that does not fit leaves the file as it was.
    mutating func append(_ value: Value) throws {
        guard case .struct(let s) = value else {
            throw Unsupported(description: "ParquetFormat writes struct values; this value is a \(value.kindName)")
        }
        let row = try Self.fields(of: s, connectSchema)
        do { try writer.append(fields: row) } catch { throw Unsupported(description: error.description) }
    }

    /// A struct's fields as Parquet fields (defaults for null fields that have one, as Struct.get).
    private static func fields(of s: Struct, _ schema: Schema) throws -> [ParquetField] {
        try schema.fields.map { f in
            var v = f.index < s.values.count ? s.values[f.index] : .null
            if v.isNull, let d = f.schema.defaultValue { v = d }
            if f.schema.type == .struct {
                switch v {
                case .null: return .group(nil)
                case .struct(let inner): return .group(try fields(of: inner, f.schema))
                default: throw Unsupported(description: "field \(f.name) holds a \(v.kindName), not a Struct")
                }
            }
            return .value(try parquetValue(v, f))
        }
    }

    private static func parquetValue(_ v: Value, _ f: Field) throws -> ParquetValue {
        switch v {
        case .null: return .null
        case .boolean(let b): return .boolean(b)
        case .int8(let i): return .int32(Int32(i))
        case .int16(let i): return .int32(Int32(i))
        case .int32(let i): return .int32(i)
        case .int64(let i): return .int64(i)
        case .float32(let x): return .float(x)
        case .float64(let x): return .double(x)
        case .string(let s): return .string(s)
        case .bytes(let b): return .bytes(b)
        case .decimal(let d): return .bytes(d.unscaled)  // big-endian two's complement, as Parquet's DECIMAL
        case .array, .map, .struct:
            throw Unsupported(description: "field \(f.name) holds a \(v.kindName), which ParquetFormat does not write")
        }
    }

    /// The whole object. `created_by` names the writer, as parquet-mr names itself.
    func finish() -> [UInt8] { writer.finish(createdBy: "tributary s3 sink version \(S3SinkConnector.plugin.version)") }
}

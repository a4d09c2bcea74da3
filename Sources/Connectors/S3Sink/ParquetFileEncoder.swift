import ConnectAPI
import Parquet

/// The Parquet side of one S3 object in ParquetFormat: Connect struct values as rows of a flat Parquet
/// schema, mapped the way Confluent's ParquetFormat (through parquet-avro) maps them: integers to INT32
/// or INT64, strings to UTF8 byte arrays, Decimal/Date/Time/Timestamp to their Parquet annotations,
/// optional fields to optional columns, nested structs to (optional) groups, arrays and maps to
/// Parquet's standard LIST and MAP groups (map keys must be primitive). A class: the writer reaches it
/// through a dictionary for every record, and a struct's fields were copied (retained) at each access.
final class ParquetFileEncoder {
    let connectSchema: Schema
    private var writer: ParquetFileWriter
    /// The values of the row being appended, for a flat schema; the storage kept from row to row.
    private var flatRow: [ParquetValue] = []
    /// Every field is a primitive column (`writer.isFlat`, read once).
    private let isFlat: Bool

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
        isFlat = writer.isFlat
    }

    static func node(_ f: Field) throws -> ParquetNode { try node(f.name, f.schema) }

    static func node(_ name: String, _ s: Schema) throws -> ParquetNode {
        switch s.type {
        case .struct:
            return .group(name: name, optional: s.isOptional, children: try s.fields.map { try node($0) })
        case .array:
            guard let items = s.valueSchema else { throw Unsupported(description: "field \(name) has no item schema") }
            return .list(name: name, optional: s.isOptional, element: try node("element", items))
        case .map:
            guard let keys = s.keySchema, let values = s.valueSchema,
                case .column(let key) = try node("key", keys.with(optional: false))
            else {
                throw Unsupported(description: "field \(name) is a map whose keys are not a primitive type")
            }
            return .map(name: name, optional: s.isOptional, key: key, value: try node("value", values))
        default:
            return .column(try column(name, s))
        }
    }

    private static func column(_ name: String, _ s: Schema) throws -> ParquetColumn {
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
                description: "field \(name) is a \(s.type.rawValue.uppercased()) where a primitive is needed")
        }
        return ParquetColumn(name: name, type: type, optional: s.isOptional, annotation: annotation)
    }

    var rowCount: Int { writer.rowCount }
    /// Whether the file should be committed now: its largest column nears Parquet's page size limit.
    var isFull: Bool { writer.largestColumnBytes >= ParquetFileWriter.columnBytesToCommit }

    /// Appends one struct value as a row; a value that does not fit leaves the file as it was.
    func append(_ value: Value) throws {
        guard case .struct(let s) = value else {
            throw Unsupported(description: "ParquetFormat writes struct values; this value is a \(value.kindName)")
        }
        if isFlat {
            // The usual record: primitive fields only, converted into one row buffer reused for every
            // record. Filled as a local: each append to the property was an exclusivity check.
            var row: [ParquetValue] = []
            swap(&row, &flatRow)
            defer { swap(&row, &flatRow) }
            row.removeAll(keepingCapacity: true)
            try connectSchema.fields.withUnsafeBufferPointer { fields in
                try s.values.withUnsafeBufferPointer { values in
                    // By index, the fields read in place: `for f in fields` copied each field, a retain
                    // and a release of its name and its schema per column and row.
                    for i in fields.indices {
                        let v = Self.value(at: i, of: fields, in: values)
                        guard let p = Self.primitive(v) else {
                            throw Self.notPrimitive(v, fields[i].schema, fields[i].name)
                        }
                        row.append(p)
                    }
                }
            }
            do { try writer.append(row) } catch { throw Unsupported(description: error.description) }
            return
        }
        let row = try Self.fields(of: s, connectSchema)
        do { try writer.append(fields: row) } catch { throw Unsupported(description: error.description) }
    }

    /// A struct's fields as Parquet fields (defaults for null fields that have one, as Struct.get).
    private static func fields(of s: Struct, _ schema: Schema) throws -> [ParquetField] {
        try schema.fields.withUnsafeBufferPointer { fields in
            try s.values.withUnsafeBufferPointer { values in
                try fields.indices.map { i in
                    try field(value(at: i, of: fields, in: values), fields[i].schema, fields[i].name)
                }
            }
        }
    }

    /// The value of the `i`th of `fields` among a struct's values, its default when null (as
    /// Struct.get); read without copying the field.
    private static func value(
        at i: Int, of fields: UnsafeBufferPointer<Field>, in values: UnsafeBufferPointer<Value>
    ) -> Value {
        let index = fields[i].index
        let v = index < values.count ? values[index] : .null
        if v.isNull, let d = fields[i].schema.defaultValue { return d }
        return v
    }

    /// A value as the Parquet field of its schema.
    private static func field(_ v: Value, _ schema: Schema, _ name: String) throws -> ParquetField {
        func wrong() -> Unsupported {
            Unsupported(
                description: "field \(name) holds a \(v.kindName) where its schema says \(schema.type.rawValue)")
        }
        switch schema.type {
        case .struct:
            switch v {
            case .null: return .group(nil)
            case .struct(let inner): return .group(try fields(of: inner, schema))
            default: throw wrong()
            }
        case .array:
            switch v {
            case .null: return .list(nil)
            case .array(let items):
                guard let itemSchema = schema.valueSchema else { throw wrong() }
                return .list(try items.map { try field($0, itemSchema, name) })
            default: throw wrong()
            }
        case .map:
            switch v {
            case .null: return .map(nil)
            case .map(let entries):
                guard let keySchema = schema.keySchema, let valueSchema = schema.valueSchema else { throw wrong() }
                return .map(
                    try entries.map { e in
                        (try parquetValue(e.key, keySchema, name), try field(e.value, valueSchema, name))
                    })
            default: throw wrong()
            }
        default:
            return .value(try parquetValue(v, schema, name))
        }
    }

    private static func parquetValue(_ v: Value, _ schema: Schema, _ name: String) throws -> ParquetValue {
        guard let p = primitive(v) else { throw notPrimitive(v, schema, name) }
        return p
    }

    private static func notPrimitive(_ v: Value, _ schema: Schema, _ name: String) -> Unsupported {
        Unsupported(description: "field \(name) holds a \(v.kindName) where its schema says \(schema.type.rawValue)")
    }

    /// A primitive value as Parquet's; nil for a struct, array or map.
    private static func primitive(_ v: Value) -> ParquetValue? {
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
        case .array, .map, .struct: return nil
        }
    }

    /// The whole object. `created_by` names the writer, as parquet-mr names itself.
    func finish() throws -> [UInt8] {
        try writer.finish(createdBy: "tributary s3 sink version \(S3SinkConnector.plugin.version)")
    }
}

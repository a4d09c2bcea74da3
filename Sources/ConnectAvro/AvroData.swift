import Avro
import ConnectAPI

/// Connect schemas and values as Avro, the way Confluent's `AvroData` converts them (the S3 sink's
/// AvroFormat; the AvroConverter later): Structs become records (named after the Connect schema, else
/// `io.confluent.connect.avro.ConnectDefault`), optional schemas unions with `null` first and a null
/// default, INT8/INT16 ints marked `connect.type`, and Decimal, Date, Time and Timestamp their Avro
/// logical types.
public final class AvroData {
    private var cache: [ObjectIdentifier: (Schema, AvroSchema)] = [:]

    public init() {}

    public struct Unsupported: Error, CustomStringConvertible {
        public let description: String
    }

    /// The Avro schema of a Connect schema (cached per schema object: sinks see the same few).
    public func avroSchema(_ s: Schema) throws -> AvroSchema {
        let id = ObjectIdentifier(s)
        if let (kept, a) = cache[id], kept === s { return a }
        let a = try convert(s, top: true)
        if cache.count >= 1000 { cache.removeAll() }  // schemas are few; a converter minting new ones is not
        cache[id] = (s, a)
        return a
    }

    private func convert(_ s: Schema, top: Bool) throws -> AvroSchema {
        let base = try baseSchema(s, top: top)
        guard s.isOptional else { return base }
        return .union([.null, base])
    }

    private func baseSchema(_ s: Schema, top: Bool) throws -> AvroSchema {
        var props: [(String, AvroJSON)] = []
        if let v = s.version { props.append(("connect.version", .int(Int(v)))) }
        if let d = s.doc { props.append(("connect.doc", .string(d))) }
        if let n = s.name, s.type != .struct { props.append(("connect.name", .string(n))) }
        switch s.name {
        case LogicalType.decimalName:
            let scale = Int(s.parameters.first { $0.0 == LogicalType.scaleParameter }?.1 ?? "0") ?? 0
            let precision =
                Int(s.parameters.first { $0.0 == "connect.decimal.precision" }?.1 ?? "64") ?? 64
            let params =
                "{"
                + s.parameters.map { AvroJSON.quoted($0.0) + ":" + AvroJSON.quoted($0.1) }
                .joined(separator: ",") + "}"
            return .annotated(
                .bytes,
                props: [("scale", .int(scale)), ("precision", .int(precision))] + props
                    + [("connect.parameters", AvroJSON(raw: params)), ("logicalType", .string("decimal"))])
        case LogicalType.dateName: return .annotated(.int, props: props + [("logicalType", .string("date"))])
        case LogicalType.timeName: return .annotated(.int, props: props + [("logicalType", .string("time-millis"))])
        case LogicalType.timestampName:
            return .annotated(.long, props: props + [("logicalType", .string("timestamp-millis"))])
        default: break
        }
        func primitive(_ p: AvroSchema, _ extra: [(String, AvroJSON)] = []) -> AvroSchema {
            let all = extra + props
            return all.isEmpty ? p : .annotated(p, props: all)
        }
        switch s.type {
        case .int8: return primitive(.int, [("connect.type", .string("int8"))])
        case .int16: return primitive(.int, [("connect.type", .string("int16"))])
        case .int32: return primitive(.int)
        case .int64: return primitive(.long)
        case .float32: return primitive(.float)
        case .float64: return primitive(.double)
        case .boolean: return primitive(.boolean)
        case .string: return primitive(.string)
        case .bytes: return primitive(.bytes)
        case .array: return .array(items: try convert(s.valueSchema!, top: false))
        case .map:
            if s.keySchema!.type == .string && !s.keySchema!.isOptional {
                return .map(values: try convert(s.valueSchema!, top: false))
            }
            return .array(
                items: .record(
                    name: "MapEntry", namespace: "io.confluent.connect.avro", doc: nil,
                    fields: [
                        AvroField(name: "key", type: try convert(s.keySchema!, top: false)),
                        AvroField(name: "value", type: try convert(s.valueSchema!, top: false)),
                    ], props: []))
        case .struct:
            let full = s.name ?? "io.confluent.connect.avro.ConnectDefault"
            let (namespace, name) = Self.split(full)
            var fields: [AvroField] = []
            for f in s.fields {
                let t = try convert(f.schema, top: false)
                fields.append(AvroField(name: f.name, type: t, defaultValue: f.schema.isOptional ? .null : nil))
            }
            var recordProps = props
            if let n = s.name { recordProps.append(("connect.name", .string(n))) }
            return .record(name: name, namespace: namespace, doc: s.doc, fields: fields, props: recordProps)
        }
    }

    static func split(_ full: String) -> (String?, String) {
        guard let dot = full.lastIndex(of: ".") else { return (nil, full) }
        return (String(full[..<dot]), String(full[full.index(after: dot)...]))
    }

    /// Appends `value` in Avro binary under the Avro form of `schema`.
    public func encode(_ value: Value, schema s: Schema, into e: inout AvroEncoder) throws {
        if s.isOptional {
            if value.isNull {
                e.writeLong(0)
                return
            }
            e.writeLong(1)
        } else if value.isNull {
            throw Unsupported(description: "null value for the required \(s.type.rawValue) schema \(s.name ?? "")")
        }
        switch (s.type, value) {
        case (.int8, _), (.int16, _), (.int32, _):
            guard let v = value.int64Value else { throw mismatch(s, value) }
            e.writeLong(v)
        case (.int64, _):
            guard let v = value.int64Value else { throw mismatch(s, value) }
            e.writeLong(v)
        case (.float32, .float32(let f)): e.writeFloat(f)
        case (.float32, .float64(let d)): e.writeFloat(Float(d))
        case (.float64, .float64(let d)): e.writeDouble(d)
        case (.float64, .float32(let f)): e.writeDouble(Double(f))
        case (.boolean, .boolean(let b)): e.writeBoolean(b)
        case (.string, .string(let str)): e.writeString(str)
        case (.bytes, .bytes(let b)): e.writeBytes(b)
        case (.bytes, .decimal(let d)): e.writeBytes(d.unscaled)
        case (.array, .array(let items)):
            if !items.isEmpty {
                e.writeLong(Int64(items.count))
                for i in items { try encode(i, schema: s.valueSchema!, into: &e) }
            }
            e.writeLong(0)
        case (.map, .map(let entries)):
            if !entries.isEmpty {
                e.writeLong(Int64(entries.count))
                let stringKeys = s.keySchema!.type == .string && !s.keySchema!.isOptional
                for m in entries {
                    if stringKeys {
                        guard case .string(let k) = m.key else { throw mismatch(s.keySchema!, m.key) }
                        e.writeString(k)
                    } else {
                        try encode(m.key, schema: s.keySchema!, into: &e)
                    }
                    try encode(m.value, schema: s.valueSchema!, into: &e)
                }
            }
            e.writeLong(0)
        case (.struct, .struct(let st)):
            for f in s.fields {
                // Name the field at fault, outermost first: "field status: null value for …".
                do { try encode(st.values[f.index], schema: f.schema, into: &e) } catch let u as Unsupported {
                    throw Unsupported(description: "field \(f.name): \(u.description)")
                }
            }
        default:
            throw mismatch(s, value)
        }
    }

    private func mismatch(_ s: Schema, _ v: Value) -> Unsupported {
        Unsupported(description: "a \(v.kindName) value does not fit the \(s.type.rawValue) schema \(s.name ?? "")")
    }
}

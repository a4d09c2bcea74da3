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
        var context = Context()
        let a = try convert(s, &context)
        if cache.count >= 1000 { cache.removeAll() }  // schemas are few; a converter minting new ones is not
        cache[id] = (s, a)
        return a
    }

    static let namespace = "io.confluent.connect.avro"
    static let recordDocParameter = namespace + ".record.doc"
    static let fieldDocPrefix = namespace + ".field.doc."
    static let fieldDefaultFlag = namespace + ".field.default"

    /// One conversion's state, as Java's `FromConnectContext`: schemas already converted (equal
    /// non-optional Connect schemas become the same Avro schema, written again by name) and the count of
    /// unnamed structs (`ConnectDefault`, `ConnectDefault2`, …).
    struct Context {
        var converted: [(Schema, AvroSchema)] = []
        var nameIndex = 0

        mutating func name(_ name: String?) -> (String?, String) {
            if let name { return AvroData.split(name) }
            nameIndex += 1
            return (AvroData.namespace, "ConnectDefault" + (nameIndex > 1 ? String(nameIndex) : ""))
        }
    }

    /// Java's `AvroData.fromConnectSchema` with its default configuration (`connect.meta.data=true`):
    /// the base type, then `connect.doc`, `connect.version`, `connect.parameters`, `connect.default`,
    /// `connect.name`, `connect.type`, the logical type, `avro*` parameters; optional schemas a union with
    /// `null` first, or last when the schema has a default.
    private func convert(_ s: Schema, _ context: inout Context) throws -> AvroSchema {
        if !s.isOptional, let (_, done) = context.converted.first(where: { $0.0 == s }) { return done }
        var props: [(String, AvroJSON)] = []
        var connectType: String?
        let base: AvroSchema
        let isDecimal = s.name?.lowercased() == LogicalType.decimalName.lowercased()
        switch s.type {
        case .int8:
            connectType = "int8"
            base = .int
        case .int16:
            connectType = "int16"
            base = .int
        case .int32: base = .int
        case .int64: base = .long
        case .float32: base = .float
        case .float64: base = .double
        case .boolean: base = .boolean
        case .string: base = .string
        case .bytes:
            base = .bytes
            if isDecimal {
                let scale = Int(s.parameter(LogicalType.scaleParameter) ?? "0") ?? 0
                let precision = Int(s.parameter("connect.decimal.precision") ?? "64") ?? 64
                props += [("scale", .int(scale)), ("precision", .int(precision))]
            }
        case .array: base = .array(items: try convert(s.valueSchema!, &context))
        case .map:
            if s.keySchema!.type == .string && !s.keySchema!.isOptional {
                base = .map(values: try convert(s.valueSchema!, &context))
            } else {
                let (namespace, name) = s.name == nil ? (Self.namespace, "MapEntry") : context.name(s.name)
                let fields = [
                    try field("key", s.keySchema!, doc: nil, &context),
                    try field("value", s.valueSchema!, doc: nil, &context),
                ]
                base = .array(
                    items: .record(
                        name: name, namespace: namespace, doc: nil, fields: fields,
                        props: s.name == nil ? [] : [("connect.internal.type", .string("MapEntry"))]))
            }
        case .struct:
            if s.isOptional {
                // Java puts the metadata on the record and makes the union itself, null first.
                return .union([.null, try convert(s.with(optional: false), &context)])
            }
            let (namespace, name) = context.name(s.name)
            var fields: [AvroField] = []
            for f in s.fields {
                fields.append(try field(f.name, f.schema, doc: s.parameter(Self.fieldDocPrefix + f.name), &context))
            }
            base = .record(
                name: name, namespace: namespace, doc: s.parameter(Self.recordDocParameter), fields: fields, props: [])
        }
        if let d = s.doc { props.append(("connect.doc", .string(d))) }
        if let v = s.version { props.append(("connect.version", .int(Int(v)))) }
        let params = s.parameters.filter { $0.0 != Self.fieldDefaultFlag }
        if !params.isEmpty {
            props.append(
                (
                    "connect.parameters",
                    AvroJSON(
                        raw: "{"
                            + params.map { AvroJSON.quoted($0.0) + ":" + AvroJSON.quoted($0.1) }.joined(separator: ",")
                            + "}")
                ))
        }
        if let d = s.defaultValue, !d.isNull, s.parameter(Self.fieldDefaultFlag) == nil {
            props.append(("connect.default", AvroJSON(raw: try Self.defaultJSON(s, d, widenFloats: false))))
        }
        if let n = s.name { props.append(("connect.name", .string(n))) }
        if let t = connectType { props.append(("connect.type", .string(t))) }
        switch s.name?.lowercased() {
        case LogicalType.decimalName.lowercased(): props.append(("logicalType", .string("decimal")))
        case LogicalType.timeName.lowercased(): props.append(("logicalType", .string("time-millis")))
        case LogicalType.timestampName.lowercased(): props.append(("logicalType", .string("timestamp-millis")))
        case LogicalType.dateName.lowercased(): props.append(("logicalType", .string("date")))
        default: break
        }
        for (k, v) in s.parameters where k.hasPrefix("avro") && !props.contains(where: { $0.0 == k }) {
            props.append((k, .string(v)))
        }
        let annotated: AvroSchema
        switch base {
        case .record(let name, let namespace, let doc, let fields, let own, _, _):
            annotated = .record(name: name, namespace: namespace, doc: doc, fields: fields, props: own + props)
        default:
            annotated = props.isEmpty ? base : .annotated(base, props: props)
        }
        var final = annotated
        if s.isOptional { final = Self.nullLast(s) ? .union([annotated, .null]) : .union([.null, annotated]) }
        if !s.isOptional { context.converted.append((s, final)) }
        return final
    }

    /// Java's `addAvroRecordField`: the Connect default as the field's default (an optional field without
    /// one defaults to null).
    private func field(_ name: String, _ schema: Schema, doc: String?, _ context: inout Context) throws -> AvroField {
        var defaultValue: AvroJSON?
        if let d = schema.defaultValue, !d.isNull {
            defaultValue = AvroJSON(raw: try Self.defaultJSON(schema, d, widenFloats: true))
        } else if schema.isOptional {
            defaultValue = .null
        }
        return AvroField(name: name, type: try convert(schema, &context), doc: doc, defaultValue: defaultValue)
    }

    /// Java's `defaultValueFromConnect` as Jackson writes it. A field's default goes through Avro's
    /// `JacksonUtils.toObject` first, which widens a FLOAT32 to a double (`12.2f` → `12.199999809265137`);
    /// the `connect.default` property keeps the float (`12.2`).
    static func defaultJSON(_ s: Schema, _ v: Value, widenFloats: Bool) throws -> String {
        if v.isNull { return "null" }
        switch (s.type, v) {
        case (.int8, _), (.int16, _), (.int32, _), (.int64, _):
            guard let i = v.int64Value else { break }
            return String(i)
        case (.float32, .float32(let f)):
            return widenFloats
                ? AvroJSON.double(Double(f))
                : (f.isFinite ? JavaNumberFormat.float(f) : "\"" + JavaNumberFormat.float(f) + "\"")
        case (.float64, .float64(let d)): return AvroJSON.double(d)
        case (.boolean, .boolean(let b)): return b ? "true" : "false"
        case (.string, .string(let t)): return AvroJSON.quoted(t)
        case (.bytes, .bytes(let b)): return AvroJSON.quoted(String(b.map { Character(Unicode.Scalar($0)) }))
        case (.bytes, .decimal(let d)): return AvroJSON.quoted(String(d.unscaled.map { Character(Unicode.Scalar($0)) }))
        case (.array, .array(let items)):
            return "["
                + (try items.map { try defaultJSON(s.valueSchema!, $0, widenFloats: widenFloats) }).joined(
                    separator: ",") + "]"
        case (.map, .map(let entries)):
            if s.keySchema!.type == .string && !s.keySchema!.isOptional {
                var parts: [String] = []
                for e in entries {
                    guard case .string(let k) = e.key else { throw mismatchDefault(s) }
                    parts.append(
                        AvroJSON.quoted(k) + ":" + (try defaultJSON(s.valueSchema!, e.value, widenFloats: widenFloats)))
                }
                return "{" + parts.joined(separator: ",") + "}"
            }
            var parts: [String] = []
            for e in entries {
                parts.append(
                    "[" + (try defaultJSON(s.keySchema!, e.key, widenFloats: widenFloats)) + ","
                        + (try defaultJSON(s.valueSchema!, e.value, widenFloats: widenFloats)) + "]")
            }
            return "[" + parts.joined(separator: ",") + "]"
        case (.struct, .struct(let st)):
            var parts: [String] = []
            for f in s.fields {
                parts.append(
                    AvroJSON.quoted(f.name) + ":"
                        + (try defaultJSON(f.schema, st.values[f.index], widenFloats: widenFloats)))
            }
            return "{" + parts.joined(separator: ",") + "}"
        default: break
        }
        throw mismatchDefault(s)
    }

    private static func mismatchDefault(_ s: Schema) -> Unsupported {
        Unsupported(description: "Invalid type used for default value of \(s.type.rawValue.uppercased()) field")
    }

    static func split(_ full: String) -> (String?, String) {
        guard let dot = full.lastIndex(of: ".") else { return (nil, full) }
        return (String(full[..<dot]), String(full[full.index(after: dot)...]))
    }

    /// Where an optional schema's null goes in its Avro union: last for a non-struct schema with a
    /// non-null default (Avro wants the default's branch first), else first. `convert` and `encode` agree
    /// through this one rule.
    static func nullLast(_ s: Schema) -> Bool { s.type != .struct && s.defaultValue.map { !$0.isNull } == true }

    /// Appends `value` in Avro binary under the Avro form of `schema`.
    public func encode(_ value: Value, schema s: Schema, into e: inout AvroEncoder) throws {
        if s.isOptional {
            let nullLast = Self.nullLast(s)
            if value.isNull {
                e.writeLong(nullLast ? 1 : 0)
                return
            }
            e.writeLong(nullLast ? 0 : 1)
        } else if value.isNull {
            throw Unsupported(description: "null value for the required \(s.type.rawValue) schema \(s.name ?? "")")
        }
        switch s.type {
        case .int8, .int16, .int32, .int64, .float32, .float64, .boolean, .string, .bytes:
            guard Self.writePrimitive(value, s.type, into: &e) else { throw mismatch(s, value) }
        case .array:
            guard case .array(let items) = value else { throw mismatch(s, value) }
            if !items.isEmpty {
                e.writeLong(Int64(items.count))
                for i in items { try encode(i, schema: s.valueSchema!, into: &e) }
            }
            e.writeLong(0)
        case .map:
            guard case .map(let entries) = value else { throw mismatch(s, value) }
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
        case .struct:
            guard case .struct(let st) = value else { throw mismatch(s, value) }
            // Fields and values read in place: iterating the fields copied each (a retain and a release of
            // its name and schema), for every field of every record.
            try s.fields.withUnsafeBufferPointer { fields in
                try st.values.withUnsafeBufferPointer { values in
                    // (a struct of another schema: its values are not the fields', and unchecked reads past them are out)
                    guard values.count == fields.count else { throw mismatch(s, value) }
                    for i in fields.indices {
                        // Name the field at fault, outermost first: "field status: null value for …".
                        do {
                            try encode(values[fields[i].index], schema: fields[i].schema, into: &e)
                        } catch let u as Unsupported {
                            throw Unsupported(description: "field \(fields[i].name): \(u.description)")
                        }
                    }
                }
            }
        }
    }

    /// A required struct schema whose fields are all primitives (the usual record), read once: encoding
    /// a value with it reads no field schema. `encode(_:schema:)`'s struct loop passed each field's
    /// schema down, a retain and a release per field and record.
    public struct FlatStruct: Sendable {
        struct Slot {
            let index: Int
            let type: Schema.SchemaType
            let optional: Bool
            let nullLast: Bool
        }
        let schema: Schema
        let slots: [Slot]

        /// Nil for any other schema.
        public init?(_ schema: Schema) {
            guard schema.type == .struct, !schema.isOptional,
                schema.fields.allSatisfy({ $0.schema.type.isPrimitive })
            else { return nil }
            self.schema = schema
            slots = schema.fields.map {
                Slot(
                    index: $0.index, type: $0.schema.type, optional: $0.schema.isOptional,
                    nullLast: AvroData.nullLast($0.schema))
            }
        }
    }

    /// `encode(value, schema: flat's schema, into:)`, the same bytes: a value the flat loop does not
    /// write as the general one would (a null where none may be, a value of another type) is written
    /// over by the general one, which names the error.
    public func encode(_ value: Value, flat: FlatStruct, into e: inout AvroEncoder) throws {
        let mark = e.bytes.count
        if case .struct(let st) = value, Self.encodeFlat(st, flat.slots, into: &e) { return }
        e.bytes.removeSubrange(mark...)
        try encode(value, schema: flat.schema, into: &e)
    }

    /// False when a value does not fit its slot (the bytes written so far are then to be dropped).
    private static func encodeFlat(_ st: Struct, _ slots: [FlatStruct.Slot], into e: inout AvroEncoder) -> Bool {
        st.values.withUnsafeBufferPointer { values in
            guard values.count == slots.count else { return false }
            for slot in slots {
                let value = values[slot.index]
                if slot.optional {
                    if value.isNull {
                        e.writeLong(slot.nullLast ? 1 : 0)
                        continue
                    }
                    e.writeLong(slot.nullLast ? 0 : 1)
                }
                guard writePrimitive(value, slot.type, into: &e) else { return false }
            }
            return true
        }
    }

    /// A non-null value of a primitive schema type, as Avro writes it (false, nothing written, when the
    /// value does not fit the type). On the type, then the value's case: a `(type, value)` tuple copied
    /// the value (a retain and a release of its payload) for every field of every record.
    @inline(__always)
    private static func writePrimitive(_ value: Value, _ type: Schema.SchemaType, into e: inout AvroEncoder) -> Bool {
        switch type {
        case .int8, .int16, .int32, .int64:
            guard let v = value.int64Value else { return false }
            e.writeLong(v)
        case .float32:
            switch value {
            case .float32(let f): e.writeFloat(f)
            case .float64(let d): e.writeFloat(Float(d))
            default: return false
            }
        case .float64:
            switch value {
            case .float64(let d): e.writeDouble(d)
            case .float32(let f): e.writeDouble(Double(f))
            default: return false
            }
        case .boolean:
            guard case .boolean(let b) = value else { return false }
            e.writeBoolean(b)
        case .string:
            guard case .string(let str) = value else { return false }
            e.writeString(str)
        case .bytes:
            switch value {
            case .bytes(let b): e.writeBytes(b)
            case .decimal(let d): e.writeBytes(d.unscaled)
            default: return false
            }
        case .array, .map, .struct:
            return false
        }
        return true
    }

    private func mismatch(_ s: Schema, _ v: Value) -> Unsupported {
        Unsupported(description: "a \(v.kindName) value does not fit the \(s.type.rawValue) schema \(s.name ?? "")")
    }
}

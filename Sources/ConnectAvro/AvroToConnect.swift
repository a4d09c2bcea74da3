import Avro
import ConnectAPI

/// Avro schemas and data as Connect schemas and values, the reverse of `AvroData` (Confluent's
/// `AvroData.toConnectSchema`/`toConnectData`): records become structs named after `connect.name` or the
/// record's full name, `[null, X]` unions optional X, enums strings, fixed bytes, and the logical types
/// Decimal, Date, Time and Timestamp.
public struct AvroToConnect: Sendable {
    public struct Unsupported: Error, CustomStringConvertible {
        public let description: String
    }

    public let connectSchema: Schema
    private let avro: AvroSchema
    private let names: [String: AvroSchema]

    /// `version`: the schema's version in the registry, given to the top-level Connect schema unless the
    /// Avro schema names one itself (`connect.version`), as Confluent's AvroData does. Storage sinks
    /// compare these versions under `schema.compatibility`.
    public init(_ avro: AvroSchema, version: Int32? = nil) throws(Unsupported) {
        var names: [String: AvroSchema] = [:]
        Self.collect(avro, into: &names)
        self.avro = avro
        self.names = names
        let schema = try Self.schema(avro, names: names, optional: false)
        connectSchema = schema.version == nil && version != nil ? schema.with(version: version) : schema
    }

    static func collect(_ s: AvroSchema, into names: inout [String: AvroSchema]) {
        switch s {
        case .record(let n, let ns, _, let fields, _, _, _):
            names[AvroSchemaParser.fullname(n, ns)] = s
            for f in fields { collect(f.type, into: &names) }
        case .enum(let n, let ns, _, _, _, _, _), .fixed(let n, let ns, _, _, _, _):
            names[AvroSchemaParser.fullname(n, ns)] = s
        case .array(let i): collect(i, into: &names)
        case .map(let v): collect(v, into: &names)
        case .union(let b): for x in b { collect(x, into: &names) }
        case .annotated(let b, _): collect(b, into: &names)
        default: break
        }
    }

    static func prop(_ props: [(String, AvroJSON)], _ key: String) -> String? {
        guard let raw = props.first(where: { $0.0 == key })?.1.text else { return nil }
        return (try? JSONParser.parse(raw))?.stringValue ?? raw
    }

    /// `inProgress`: the records being converted (a reference to one of them is a recursion).
    static func schema(
        _ s: AvroSchema, names: [String: AvroSchema], inProgress: Set<String> = [], optional: Bool
    ) throws(Unsupported) -> Schema {
        switch s {
        case .null: throw Unsupported(description: "a bare null schema has no Connect equivalent")
        case .boolean: return Schema(type: .boolean, optional: optional)
        case .int: return Schema(type: .int32, optional: optional)
        case .long: return Schema(type: .int64, optional: optional)
        case .float: return Schema(type: .float32, optional: optional)
        case .double: return Schema(type: .float64, optional: optional)
        case .bytes: return Schema(type: .bytes, optional: optional)
        case .string: return Schema(type: .string, optional: optional)
        case .enum(let n, let ns, let symbols, let doc, let defaultSymbol, let props, _):
            // As Confluent's toConnectSchema: a string named after the enum, the enum kept in parameters.
            var params: [(String, String)] = []
            if let doc { params.append((AvroData.namespace + ".enum.doc." + n, doc)) }
            if let d = defaultSymbol { params.append((AvroData.namespace + ".enum.default." + n, d)) }
            params.append((AvroData.namespace + ".Enum", AvroSchemaParser.fullname(n, ns)))
            for sym in symbols { params.append((AvroData.namespace + ".Enum." + sym, sym)) }
            merge(props, into: &params)
            return Schema(
                type: .string, optional: optional,
                name: connectName(prop(props, "connect.name") ?? AvroSchemaParser.fullname(n, ns)),
                version: prop(props, "connect.version").flatMap { Int32($0) }, doc: prop(props, "connect.doc"),
                parameters: params)
        case .fixed(let n, let ns, let size, _, let props, _):
            var params = [("connect.fixed.size", String(size))]
            merge(props, into: &params)
            return Schema(
                type: .bytes, optional: optional,
                name: connectName(prop(props, "connect.name") ?? AvroSchemaParser.fullname(n, ns)),
                version: prop(props, "connect.version").flatMap { Int32($0) }, doc: prop(props, "connect.doc"),
                parameters: params)
        case .array(let items):
            if let (key, value) = mapEntry(items, names) {
                // Confluent's encoding of a map with non-string keys (AvroData.isMapEntry).
                return .map(
                    try schema(key, names: names, inProgress: inProgress, optional: false),
                    try schema(value, names: names, inProgress: inProgress, optional: false),
                    optional: optional)
            }
            return .array(try schema(items, names: names, inProgress: inProgress, optional: false), optional: optional)
        case .map(let values):
            return .map(
                .string, try schema(values, names: names, inProgress: inProgress, optional: false), optional: optional)
        case .record(let n, let ns, let doc, let fields, let props, _, _):
            // As Confluent's toConnectSchema: the Connect doc is `connect.doc`; the record's and its fields'
            // Avro docs become parameters (which AvroData writes back as those docs).
            var out: [Field] = []
            let inProgress = inProgress.union([AvroSchemaParser.fullname(n, ns)])
            var params: [(String, String)] = doc.map { [(AvroData.recordDocParameter, $0)] } ?? []
            for (i, f) in fields.enumerated() {
                if let d = f.doc { params.append((AvroData.fieldDocPrefix + f.name, d)) }
                out.append(
                    Field(
                        name: f.name, index: i,
                        schema: try schema(f.type, names: names, inProgress: inProgress, optional: false)))
            }
            merge(props, into: &params)
            return Schema(
                type: .struct, optional: optional,
                name: connectName(prop(props, "connect.name") ?? AvroSchemaParser.fullname(n, ns)),
                version: prop(props, "connect.version").flatMap { Int32($0) }, doc: prop(props, "connect.doc"),
                parameters: params, fields: out)
        case .union(let branches):
            let nonNull = branches.filter { if case .null = $0 { return false } else { return true } }
            guard nonNull.count == 1, branches.count == 2 else {
                throw Unsupported(description: "the union \(s.json) (only [\"null\", X] unions are supported)")
            }
            return try schema(nonNull[0], names: names, inProgress: inProgress, optional: true)
        case .reference(let full):
            guard let target = names[full] else { throw Unsupported(description: "unknown named type \(full)") }
            if case .record = target, inProgress.contains(full) {
                throw Unsupported(description: "recursive record \(full) has no Connect equivalent")
            }
            return try schema(target, names: names, inProgress: inProgress, optional: optional)
        case .annotated(let base, let props):
            let logical: Schema?
            switch prop(props, "logicalType") {
            case "decimal":
                let scale = Int32(prop(props, "scale") ?? "0") ?? 0
                logical = LogicalType.decimal(
                    scale: scale, optional: optional, precision: prop(props, "precision").flatMap { Int($0) })
            case "date": logical = LogicalType.date(optional: optional)
            case "time-millis": logical = LogicalType.time(optional: optional)
            case "timestamp-millis": logical = LogicalType.timestamp(optional: optional)
            default: logical = nil
            }
            if let logical {
                var params = logical.parameters
                merge(props, into: &params)
                return Schema(
                    type: logical.type, optional: optional, name: logical.name, version: logical.version,
                    doc: prop(props, "connect.doc"), parameters: params)
            }
            let plain = try schema(base, names: names, inProgress: inProgress, optional: optional)
            var type = plain.type
            switch prop(props, "connect.type") {
            case "int8": type = .int8
            case "int16": type = .int16
            default: break
            }
            var params = plain.parameters
            merge(props, into: &params)
            return Schema(
                type: type, optional: optional, name: connectName(prop(props, "connect.name")) ?? plain.name,
                version: prop(props, "connect.version").flatMap { Int32($0) }, doc: prop(props, "connect.doc"),
                parameters: params, fields: plain.fields, keySchema: plain.keySchema, valueSchema: plain.valueSchema)
        }
    }

    /// The Connect name of an Avro name: none for the names AvroData gives unnamed structs
    /// (`io.confluent.connect.avro.ConnectDefault…`), as Confluent's toConnectSchema.
    static func connectName(_ name: String?) -> String? {
        guard let name, !name.hasPrefix(AvroData.namespace + ".ConnectDefault") else { return nil }
        return name
    }

    /// Confluent's toConnectSchema: the `connect.parameters` object, then properties whose name starts with
    /// `avro`, as Connect parameters (a key already there keeps its place and takes the new value).
    static func merge(_ props: [(String, AvroJSON)], into params: inout [(String, String)]) {
        func put(_ k: String, _ v: String) {
            if let i = params.firstIndex(where: { $0.0 == k }) { params[i].1 = v } else { params.append((k, v)) }
        }
        if let raw = props.first(where: { $0.0 == "connect.parameters" })?.1.text,
            case .object(let o)? = try? JSONParser.parse(raw)
        {
            for m in o.members { if case .string(let v) = m.value { put(m.key, v) } }
        }
        for (k, v) in props where k.hasPrefix("avro") { put(k, prop(props, k) ?? v.text) }
    }

    /// The key and value types of an array item that is a map entry: a record named
    /// `io.confluent.connect.avro.MapEntry`, or any record marked `"connect.internal.type":"MapEntry"`.
    static func mapEntry(_ items: AvroSchema, _ names: [String: AvroSchema]) -> (AvroSchema, AvroSchema)? {
        var s = items
        if case .reference(let full) = s, let target = names[full] { s = target }
        guard case .record(let n, let ns, _, let fields, let props, _, _) = s, fields.count == 2,
            fields[0].name == "key", fields[1].name == "value"
        else { return nil }
        guard
            (ns == AvroData.namespace && n == "MapEntry") || prop(props, "connect.internal.type") == "MapEntry"
        else { return nil }
        return (fields[0].type, fields[1].type)
    }

    /// The Connect value of an Avro datum of this schema.
    public func value(_ v: AvroValue) throws(Unsupported) -> Value {
        try Self.value(v, avro, connectSchema, names)
    }

    static func value(_ v: AvroValue, _ a: AvroSchema, _ c: Schema, _ names: [String: AvroSchema]) throws(Unsupported)
        -> Value
    {
        switch (a, v) {
        case (_, .null): return .null
        case (.union(let branches), .union(let i, let inner)): return try value(inner, branches[i], c, names)
        case (.reference(let full), _): return try value(v, names[full]!, c, names)
        case (.annotated(let base, _), _):
            if c.name == LogicalType.decimalName, case .bytes(let b) = v {
                return .decimal(
                    ConnectDecimal(unscaled: b, scale: Int32(c.parameter(LogicalType.scaleParameter) ?? "0") ?? 0))
            }
            return try value(v, base, c, names)
        case (_, .boolean(let b)): return .boolean(b)
        case (_, .int(let i)):
            switch c.type {
            case .int8: return .int8(Int8(truncatingIfNeeded: i))
            case .int16: return .int16(Int16(truncatingIfNeeded: i))
            default: return .int32(i)
            }
        case (_, .long(let l)): return .int64(l)
        case (_, .float(let f)): return .float32(f)
        case (_, .double(let d)): return .float64(d)
        case (_, .bytes(let b)), (_, .fixed(let b)): return .bytes(b)
        case (_, .string(let s)): return .string(s)
        case (.enum(_, _, let symbols, _, _, _, _), .enum(let i)): return .string(symbols[i])
        case (.array(let items), .array(let list)) where c.type == .map:
            guard let (k, v) = mapEntry(items, names) else {
                throw Unsupported(description: "an Avro array \(a.json) read as a map")
            }
            var out: [MapEntry] = []
            for x in list {
                guard case .record(let kv) = x, kv.count == 2 else {
                    throw Unsupported(description: "a map entry \(x) is not a key/value record")
                }
                out.append(
                    MapEntry(
                        key: try value(kv[0], k, c.keySchema!, names), value: try value(kv[1], v, c.valueSchema!, names)
                    ))
            }
            return .map(out)
        case (.array(let items), .array(let list)):
            var out: [Value] = []
            for x in list { out.append(try value(x, items, c.valueSchema!, names)) }
            return .array(out)
        case (.map(let values), .map(let entries)):
            var out: [MapEntry] = []
            for (k, x) in entries {
                out.append(MapEntry(key: .string(k), value: try value(x, values, c.valueSchema!, names)))
            }
            return .map(out)
        case (.record(_, _, _, let fields, _, _, _), .record(let vals)):
            var s = Struct(schema: c)
            for (i, f) in fields.enumerated() { s.values[i] = try value(vals[i], f.type, c.fields[i].schema, names) }
            return .struct(s)
        default:
            throw Unsupported(description: "an Avro value \(v) does not fit \(a.json)")
        }
    }
}

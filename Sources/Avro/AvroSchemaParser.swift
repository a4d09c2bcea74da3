import ConnectAPI

/// A schema the parser refuses, with where and why.
public struct AvroSchemaError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Parses Avro schema JSON (reference rest-proxy.md §4.5): primitives, records, enums, arrays, maps,
/// unions, fixed; names resolved against namespaces (a dotted name is the full name; otherwise the
/// `namespace` attribute, else the enclosing one); references to types defined earlier; other
/// attributes (logicalType, doc, defaults, custom properties) kept for rendering.
public enum AvroSchemaParser {
    static let primitives: [String: AvroSchema] = [
        "null": .null, "boolean": .boolean, "int": .int, "long": .long, "float": .float, "double": .double,
        "bytes": .bytes, "string": .string,
    ]

    public static func parse(_ text: String) throws(AvroSchemaError) -> AvroSchema {
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch {
            throw AvroSchemaError(message: "Invalid schema: not JSON (\(error))")
        }
        var names = Set<String>()
        return try parse(json, namespace: nil, names: &names)
    }

    static func parse(_ json: JSONValue, namespace: String?, names: inout Set<String>) throws(AvroSchemaError)
        -> AvroSchema
    {
        switch json {
        case .string(let name):
            if let p = primitives[name] { return p }
            let full = fullname(name, namespace)
            if names.contains(full) { return .reference(full) }
            if names.contains(name) { return .reference(name) }
            throw AvroSchemaError(message: "Undefined name: \"\(name)\"")
        case .array(let branches):
            var out: [AvroSchema] = []
            var seen = Set<String>()
            for b in branches {
                let s = try parse(b, namespace: namespace, names: &names)
                if case .union = s { throw AvroSchemaError(message: "Unions may not immediately contain other unions") }
                let key = s.unionKey
                if !seen.insert(key).inserted { throw AvroSchemaError(message: "Duplicate in union: \(key)") }
                out.append(s)
            }
            return .union(out)
        case .object(let o):
            guard let type = o["type"] else { throw AvroSchemaError(message: "No type: \(JSONWriter.string(json))") }
            guard case .string(let t) = type else {
                // {"type": {...}} or {"type": [...]}: the attributes wrap a complex type.
                return try parse(type, namespace: namespace, names: &names)
            }
            let props = o.members.filter {
                // A record's `aliases` stay among its attributes (rendered, and read by the compatibility check).
                !["type", "name", "namespace", "fields", "symbols", "items", "values", "size", "doc"].contains($0.key)
            }
            .map { ($0.key, AvroJSON(raw: JSONWriter.string($0.value))) }
            switch t {
            case "record", "error":
                let (name, ns) = try declare(o, namespace: namespace, names: &names)
                guard case .array(let fs)? = o["fields"] else {
                    throw AvroSchemaError(message: "Record has no fields: \(JSONWriter.string(json))")
                }
                var fields: [AvroField] = []
                var fieldNames = Set<String>()
                for f in fs {
                    guard case .object(let fo) = f, case .string(let fname)? = fo["name"], let ftype = fo["type"] else {
                        throw AvroSchemaError(message: "Invalid field in record \(name): \(JSONWriter.string(f))")
                    }
                    try checkName(fname)
                    if !fieldNames.insert(fname).inserted {
                        throw AvroSchemaError(message: "Duplicate field \(fname) in record \(name)")
                    }
                    let ft = try parse(ftype, namespace: ns, names: &names)
                    fields.append(
                        AvroField(
                            name: fname, type: ft,
                            defaultValue: fo["default"].map { AvroJSON(raw: JSONWriter.string($0)) },
                            aliases: (fo["aliases"]?.arrayValue ?? []).compactMap(\.stringValue)))
                }
                return .record(name: name, namespace: ns, doc: o["doc"]?.stringValue, fields: fields, props: props)
            case "enum":
                let (name, ns) = try declare(o, namespace: namespace, names: &names)
                guard case .array(let syms)? = o["symbols"] else {
                    throw AvroSchemaError(message: "Enum has no symbols: \(JSONWriter.string(json))")
                }
                var symbols: [String] = []
                for s in syms {
                    guard case .string(let sym) = s else {
                        throw AvroSchemaError(message: "Invalid enum symbol: \(JSONWriter.string(s))")
                    }
                    try checkName(sym)
                    if symbols.contains(sym) { throw AvroSchemaError(message: "Duplicate enum symbol: \(sym)") }
                    symbols.append(sym)
                }
                return .enum(name: name, namespace: ns, symbols: symbols)
            case "array":
                guard let items = o["items"] else { throw AvroSchemaError(message: "Array has no items") }
                return .array(items: try parse(items, namespace: namespace, names: &names))
            case "map":
                guard let values = o["values"] else { throw AvroSchemaError(message: "Map has no values") }
                return .map(values: try parse(values, namespace: namespace, names: &names))
            case "fixed":
                let (name, ns) = try declare(o, namespace: namespace, names: &names)
                guard case .int(let size)? = o["size"], size >= 0 else {
                    throw AvroSchemaError(message: "Invalid fixed size: \(JSONWriter.string(json))")
                }
                return .fixed(name: name, namespace: ns, size: Int(size))
            default:
                if let p = primitives[t] { return props.isEmpty ? p : .annotated(p, props: props) }
                return try parse(.string(t), namespace: namespace, names: &names)
            }
        default:
            throw AvroSchemaError(message: "Invalid schema: \(JSONWriter.string(json))")
        }
    }

    /// A named type's (name, namespace), registered under its full name.
    private static func declare(_ o: JSONObject, namespace: String?, names: inout Set<String>) throws(AvroSchemaError)
        -> (String, String?)
    {
        guard case .string(let name)? = o["name"] else {
            throw AvroSchemaError(message: "No name in schema: \(JSONWriter.string(.object(o)))")
        }
        var ns = namespace
        var short = name
        if let dot = name.lastIndex(of: ".") {
            ns = String(name[..<dot])
            short = String(name[name.index(after: dot)...])
        } else if case .string(let n)? = o["namespace"] {
            ns = n.isEmpty ? nil : n
        }
        try checkName(short)
        if primitives[short] != nil && ns == nil { throw AvroSchemaError(message: "Can't redefine: \(short)") }
        let full = fullname(short, ns)
        if !names.insert(full).inserted { throw AvroSchemaError(message: "Can't redefine: \(full)") }
        return (short, ns)
    }

    public static func fullname(_ name: String, _ ns: String?) -> String {
        name.contains(".") || ns == nil || ns!.isEmpty ? name : ns! + "." + name
    }

    static func checkName(_ n: String) throws(AvroSchemaError) {
        let ok =
            n.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && n.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        if !ok { throw AvroSchemaError(message: "Illegal name: \(n)") }
    }
}

extension AvroSchema {
    /// What makes two union branches the same: the type, or the full name of a named type.
    var unionKey: String {
        switch self {
        case .record(let n, let ns, _, _, _), .enum(let n, let ns, _), .fixed(let n, let ns, _):
            return AvroSchemaParser.fullname(n, ns)
        case .reference(let full): return full
        case .annotated(let base, _): return base.unionKey
        case .array: return "array"
        case .map: return "map"
        default: return json
        }
    }
}

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

    /// `validateDefaults`: refuse a field default that does not fit its type, as Java's parser does when
    /// validating (Confluent's registry validates new schemas, not stored ones).
    public static func parse(_ text: String, validateDefaults: Bool = false) throws(AvroSchemaError) -> AvroSchema {
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch {
            throw AvroSchemaError(message: "Invalid schema: not JSON (\(error))")
        }
        var names = Set<String>()
        let schema = try parse(json, namespace: nil, names: &names)
        if validateDefaults { try DefaultValidation(schema).check(schema) }
        return schema
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
            // Java's reserved attributes (`Schema.SCHEMA_RESERVED`, enums also `default`): the others are
            // properties, kept in their order.
            func props(_ reserved: Set<String>) -> [(String, AvroJSON)] {
                o.members.filter { !reserved.contains($0.key) }.map { ($0.key, AvroJSON.java($0.value)) }
            }
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
                    fields.append(try field(fo, name: fname, type: ft))
                }
                return .record(
                    name: name, namespace: ns, doc: o["doc"]?.stringValue, fields: fields,
                    props: props(schemaReserved), aliases: try aliases(o), isError: t == "error")
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
                // Java keeps a default only when it is a string, and it must be one of the symbols.
                let defaultSymbol = o["default"]?.stringValue
                if let d = defaultSymbol, !symbols.contains(d) {
                    throw AvroSchemaError(
                        message:
                            "The Enum Default: \(d) is not in the enum symbol set: [\(symbols.joined(separator: ", "))]"
                    )
                }
                return .enum(
                    name: name, namespace: ns, symbols: symbols, doc: o["doc"]?.stringValue,
                    defaultSymbol: defaultSymbol, props: props(enumReserved), aliases: try aliases(o))
            case "array":
                guard let items = o["items"] else { throw AvroSchemaError(message: "Array has no items") }
                let array = AvroSchema.array(items: try parse(items, namespace: namespace, names: &names))
                let p = props(schemaReserved)
                return p.isEmpty ? array : .annotated(array, props: p)
            case "map":
                guard let values = o["values"] else { throw AvroSchemaError(message: "Map has no values") }
                let map = AvroSchema.map(values: try parse(values, namespace: namespace, names: &names))
                let p = props(schemaReserved)
                return p.isEmpty ? map : .annotated(map, props: p)
            case "fixed":
                let (name, ns) = try declare(o, namespace: namespace, names: &names)
                guard case .int(let size)? = o["size"], size >= 0, size <= Int32.max else {
                    throw AvroSchemaError(message: "Invalid fixed size: \(JSONWriter.string(json))")
                }
                return .fixed(
                    name: name, namespace: ns, size: Int(size), doc: o["doc"]?.stringValue,
                    props: props(schemaReserved), aliases: try aliases(o))
            default:
                if let p = primitives[t] {
                    let attributes = props(schemaReserved)
                    return attributes.isEmpty ? p : .annotated(p, props: attributes)
                }
                return try parse(.string(t), namespace: namespace, names: &names)
            }
        default:
            throw AvroSchemaError(message: "Invalid schema: \(JSONWriter.string(json))")
        }
    }

    static let schemaReserved: Set<String> = [
        "doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases",
    ]
    static let enumReserved = schemaReserved.union(["default"])
    static let fieldReserved: Set<String> = ["default", "doc", "name", "order", "type", "aliases"]

    /// `aliases`, as Java reads them: an array of strings.
    private static func aliases(_ o: JSONObject) throws(AvroSchemaError) -> [String] {
        guard let node = o["aliases"] else { return [] }
        guard case .array(let list) = node else {
            throw AvroSchemaError(message: "aliases not an array: \(JSONWriter.string(.object(o)))")
        }
        var out: [String] = []
        for a in list {
            guard case .string(let s) = a else {
                throw AvroSchemaError(message: "alias not a string: \(JSONWriter.string(a))")
            }
            out.append(s)
        }
        return out
    }

    /// A record field's attributes as Java's `Schema.parseField` reads them.
    private static func field(_ fo: JSONObject, name: String, type: AvroSchema) throws(AvroSchemaError) -> AvroField {
        var order = AvroField.Order.ascending
        if let node = fo["order"] {
            guard let o = node.stringValue.flatMap({ AvroField.Order(rawValue: $0.lowercased()) }) else {
                throw AvroSchemaError(
                    message:
                        "Invalid order \(JSONWriter.string(node)) of field \(name): ascending, descending or ignore")
            }
            order = o
        }
        var defaultValue = fo["default"].map(AvroJSON.java)
        // Java reads a float or double field's string default as a number ("NaN", "Infinity", "1.5").
        if case .string(let text)? = fo["default"], type.isFloatOrDouble {
            guard let d = javaParseDouble(text) else {
                throw AvroSchemaError(
                    message: "Invalid default for field \(name): \(AvroJSON.quoted(text)) not a number")
            }
            defaultValue = AvroJSON(raw: AvroJSON.double(d))
        }
        return AvroField(
            name: name, type: type, doc: fo["doc"]?.stringValue, defaultValue: defaultValue, order: order,
            aliases: try aliases(fo),
            props: fo.members.filter { !fieldReserved.contains($0.key) }.map { ($0.key, AvroJSON.java($0.value)) })
    }

    /// Java's `Double.parseDouble` for decimal text: surrounding blanks, a sign, `NaN`, `Infinity`, a
    /// trailing `f`/`d` suffix.
    static func javaParseDouble(_ text: String) -> Double? {
        var t = Substring(text)  // Java's trim(): every character up to U+0020 at either end
        while let c = t.unicodeScalars.first, c.value <= 0x20 { t = t.dropFirst() }
        while let c = t.unicodeScalars.last, c.value <= 0x20 { t = t.dropLast() }
        if t.last.map({ "fFdD".contains($0) }) == true && !t.hasSuffix("Infinity") { t = t.dropLast() }
        var sign = 1.0
        if t.hasPrefix("-") || t.hasPrefix("+") {
            if t.hasPrefix("-") { sign = -1 }
            t = t.dropFirst()
        }
        if t == "NaN" { return .nan }
        if t == "Infinity" { return sign * .infinity }
        guard let first = t.first, first.isNumber || first == ".",
            t.allSatisfy({ $0.isASCII && ($0.isNumber || ".eE+-".contains($0)) }), let d = Double(t)
        else { return nil }
        return sign * d
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
        case .record(let n, let ns, _, _, _, _, _), .enum(let n, let ns, _, _, _, _, _),
            .fixed(let n, let ns, _, _, _, _):
            return AvroSchemaParser.fullname(n, ns)
        case .reference(let full): return full
        case .annotated(let base, _): return base.unionKey
        case .array: return "array"
        case .map: return "map"
        default: return json
        }
    }
}

extension AvroSchema {
    var isFloatOrDouble: Bool {
        switch self {
        case .float, .double: return true
        case .annotated(let b, _): return b.isFloatOrDouble
        default: return false
        }
    }
}

/// Java's `Schema.isValidDefault` (Avro 1.12: a union default may fit any branch), over a parsed schema.
struct DefaultValidation {
    let names: [String: AvroSchema]

    init(_ schema: AvroSchema) { names = AvroCompatibility.names(in: schema) }

    func resolve(_ s: AvroSchema) -> AvroSchema {
        switch s {
        case .reference(let n): return names[n].map(resolve) ?? s
        case .annotated(let b, _): return resolve(b)
        default: return s
        }
    }

    /// Every field default of every record, in document order; the first misfit is the error.
    func check(_ s: AvroSchema) throws(AvroSchemaError) {
        switch s {
        case .record(_, _, _, let fields, _, _, _):
            for f in fields {
                // A float or double field's default was read as a number already (NaN and the infinities
                // are written as strings, as Jackson does, yet are numbers to Java).
                if let d = f.defaultValue, !f.type.isFloatOrDouble, let json = try? JSONParser.parse(d.text),
                    !valid(f.type, json)
                {
                    var typeText = resolve(f.type).json
                    if case .reference = resolve(f.type) { typeText = f.type.json }
                    throw AvroSchemaError(
                        message: "Invalid default for field \(f.name): \(d.text) not a \(typeText)")
                }
                try check(f.type)
            }
        case .array(let i): try check(i)
        case .map(let v): try check(v)
        case .union(let bs): for b in bs { try check(b) }
        case .annotated(let b, _): try check(b)
        default: break
        }
    }

    func valid(_ s0: AvroSchema, _ v: JSONValue) -> Bool {
        let s = resolve(s0)
        switch s {
        case .string, .bytes, .enum, .fixed:
            if case .string = v { return true }
            return false
        case .int:
            if case .int(let i) = v { return Int32(exactly: i) != nil }
            return false
        case .long:
            if case .int = v { return true }
            return false
        case .float, .double:
            switch v {
            case .int, .number: return true
            default: return false
            }
        case .boolean:
            if case .bool = v { return true }
            return false
        case .null:
            if case .null = v { return true }
            return false
        case .array(let items):
            guard case .array(let xs) = v else { return false }
            return xs.allSatisfy { valid(items, $0) }
        case .map(let values):
            guard case .object(let o) = v else { return false }
            return o.members.allSatisfy { valid(values, $0.value) }
        case .union(let branches):
            return branches.contains { valid($0, v) }
        case .record(_, _, _, let fields, _, _, _):
            guard case .object(let o) = v else { return false }
            return fields.allSatisfy { f in
                if let x = o[f.name] { return valid(f.type, x) }
                guard let d = f.defaultValue, let x = try? JSONParser.parse(d.text) else { return false }
                return valid(f.type, x)
            }
        case .reference:
            return true  // a record still being defined (recursion): Java cannot check it either
        case .annotated:
            return true
        }
    }
}

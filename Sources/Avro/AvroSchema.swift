import ConnectAPI

/// An Avro schema (reference rest-proxy.md §4.5): built (AvroData) or parsed (`AvroSchemaParser`),
/// rendered as JSON exactly as Java's `Schema.toString()`, reduced to its Parsing Canonical Form and
/// fingerprinted.
public indirect enum AvroSchema: Sendable, Equatable {
    case null, boolean, int, long, float, double, bytes, string
    /// `aliases` as written (relative to the record's namespace unless dotted); `isError` for `"type":"error"`.
    case record(
        name: String, namespace: String?, doc: String?, fields: [AvroField], props: [(String, AvroJSON)],
        aliases: [String] = [], isError: Bool = false)
    case `enum`(
        name: String, namespace: String?, symbols: [String], doc: String? = nil, defaultSymbol: String? = nil,
        props: [(String, AvroJSON)] = [], aliases: [String] = [])
    case array(items: AvroSchema)
    case map(values: AvroSchema)
    case union([AvroSchema])
    case fixed(
        name: String, namespace: String?, size: Int, doc: String? = nil, props: [(String, AvroJSON)] = [],
        aliases: [String] = [])
    /// A primitive, array or map with attributes: `logicalType` and other properties (`connect.type`, `scale`, …).
    case annotated(AvroSchema, props: [(String, AvroJSON)])
    /// A use of a named type defined earlier (by its full name), as in recursive records.
    case reference(String)

    public static func == (a: AvroSchema, b: AvroSchema) -> Bool { a.json == b.json }

    /// The schema as JSON text, exactly as Java's `Schema.toString()` writes it (what Confluent's registry
    /// stores and returns, and what `avro.schema` in a file carries): Java's attribute order, a nested
    /// named type's namespace only where it differs from the enclosing one, a named type written again
    /// as its (relative) name, aliases relative to the namespace, JSON values as Jackson writes them.
    public var json: String {
        var out = ""
        var known = Set<String>()
        write(to: &out, namespace: nil, known: &known)
        return out
    }

    /// Java's `Schema.Type` names: a named type of the enclosing namespace called like one of them is
    /// written with its full name (`Name.shouldWriteFull`).
    static let typeNames: Set<String> = [
        "record", "enum", "array", "map", "union", "fixed", "string", "bytes", "int", "long", "float", "double",
        "boolean", "null",
    ]

    /// Java's `Name.getQualified`: the short name when its namespace is `namespace`, else the full name.
    static func qualified(_ full: String, in namespace: String?) -> String {
        guard let dot = full.lastIndex(of: ".") else { return full }
        let space = String(full[..<dot])
        let short = String(full[full.index(after: dot)...])
        return space == namespace && !typeNames.contains(short) ? short : full
    }

    /// Java's `Name` of an alias: a dotted alias is a full name, else it is in the type's namespace.
    static func aliasFullname(_ alias: String, _ namespace: String?) -> String {
        AvroSchemaParser.fullname(alias, namespace)
    }

    private static func writeName(_ name: String, _ ns: String?, in current: String?, to out: inout String) {
        out += ",\"name\":" + AvroJSON.quoted(name)
        if let ns {
            if ns != current { out += ",\"namespace\":" + AvroJSON.quoted(ns) }
        } else if current != nil {
            out += ",\"namespace\":\"\""  // null within non-null
        }
    }

    private static func writeProps(_ props: [(String, AvroJSON)], to out: inout String) {
        for (k, v) in props { out += "," + AvroJSON.quoted(k) + ":" + v.text }
    }

    private static func writeAliases(_ aliases: [String], _ ns: String?, to out: inout String) {
        var seen = Set<String>()
        let fulls = aliases.map { aliasFullname($0, ns) }.filter { seen.insert($0).inserted }
        guard !fulls.isEmpty else { return }
        out += ",\"aliases\":[" + fulls.map { AvroJSON.quoted(qualified($0, in: ns)) }.joined(separator: ",") + "]"
    }

    /// `namespace`: the enclosing one; `known`: full names already written (Java's `knownNames`).
    func write(to out: inout String, namespace current: String?, known: inout Set<String>) {
        switch self {
        case .null: out += "\"null\""
        case .boolean: out += "\"boolean\""
        case .int: out += "\"int\""
        case .long: out += "\"long\""
        case .float: out += "\"float\""
        case .double: out += "\"double\""
        case .bytes: out += "\"bytes\""
        case .string: out += "\"string\""
        case .record(let name, let ns, let doc, let fields, let props, let aliases, let isError):
            let full = AvroSchemaParser.fullname(name, ns)
            guard known.insert(full).inserted else {
                out += AvroJSON.quoted(Self.qualified(full, in: current))
                return
            }
            out += isError ? "{\"type\":\"error\"" : "{\"type\":\"record\""
            Self.writeName(name, ns, in: current, to: &out)
            if let doc { out += ",\"doc\":" + AvroJSON.quoted(doc) }
            out += ",\"fields\":["
            for (i, f) in fields.enumerated() {
                if i > 0 { out += "," }
                out += "{\"name\":" + AvroJSON.quoted(f.name) + ",\"type\":"
                f.type.write(to: &out, namespace: ns, known: &known)
                if let d = f.doc { out += ",\"doc\":" + AvroJSON.quoted(d) }
                if let d = f.defaultValue { out += ",\"default\":" + d.text }
                if f.order != .ascending { out += ",\"order\":\"" + f.order.rawValue + "\"" }
                if !f.aliases.isEmpty {
                    var seen = Set<String>()
                    let unique = f.aliases.filter { seen.insert($0).inserted }
                    out += ",\"aliases\":[" + unique.map(AvroJSON.quoted).joined(separator: ",") + "]"
                }
                Self.writeProps(f.props, to: &out)
                out += "}"
            }
            out += "]"
            Self.writeProps(props, to: &out)
            Self.writeAliases(aliases, ns, to: &out)
            out += "}"
        case .enum(let name, let ns, let symbols, let doc, let defaultSymbol, let props, let aliases):
            let full = AvroSchemaParser.fullname(name, ns)
            guard known.insert(full).inserted else {
                out += AvroJSON.quoted(Self.qualified(full, in: current))
                return
            }
            out += "{\"type\":\"enum\""
            Self.writeName(name, ns, in: current, to: &out)
            if let doc { out += ",\"doc\":" + AvroJSON.quoted(doc) }
            out += ",\"symbols\":[" + symbols.map(AvroJSON.quoted).joined(separator: ",") + "]"
            if let defaultSymbol { out += ",\"default\":" + AvroJSON.quoted(defaultSymbol) }
            Self.writeProps(props, to: &out)
            Self.writeAliases(aliases, ns, to: &out)
            out += "}"
        case .array(let items):
            out += "{\"type\":\"array\",\"items\":"
            items.write(to: &out, namespace: current, known: &known)
            out += "}"
        case .map(let values):
            out += "{\"type\":\"map\",\"values\":"
            values.write(to: &out, namespace: current, known: &known)
            out += "}"
        case .union(let branches):
            out += "["
            for (i, b) in branches.enumerated() {
                if i > 0 { out += "," }
                b.write(to: &out, namespace: current, known: &known)
            }
            out += "]"
        case .fixed(let name, let ns, let size, let doc, let props, let aliases):
            let full = AvroSchemaParser.fullname(name, ns)
            guard known.insert(full).inserted else {
                out += AvroJSON.quoted(Self.qualified(full, in: current))
                return
            }
            out += "{\"type\":\"fixed\""
            Self.writeName(name, ns, in: current, to: &out)
            if let doc { out += ",\"doc\":" + AvroJSON.quoted(doc) }
            out += ",\"size\":\(size)"
            Self.writeProps(props, to: &out)
            Self.writeAliases(aliases, ns, to: &out)
            out += "}"
        case .annotated(let base, let props):
            // Java writes a primitive, array or map with properties as an object: its own attributes, then
            // the properties in the order they were added; a primitive without any as its name.
            switch base {
            case .array, .map:
                var inner = ""
                base.write(to: &inner, namespace: current, known: &known)
                out += inner.dropLast()
                Self.writeProps(props, to: &out)
                out += "}"
            case .null, .boolean, .int, .long, .float, .double, .bytes, .string:
                if props.isEmpty {
                    base.write(to: &out, namespace: current, known: &known)
                    return
                }
                out += "{\"type\":"
                base.write(to: &out, namespace: current, known: &known)
                Self.writeProps(props, to: &out)
                out += "}"
            default:
                base.write(to: &out, namespace: current, known: &known)  // neither AvroData nor the parser builds these
            }
        case .reference(let fullname):
            out += AvroJSON.quoted(Self.qualified(fullname, in: current))
        }
    }

    /// The Parsing Canonical Form (Avro specification): full names, only `name`, `type`, `fields`,
    /// `symbols`, `items`, `values`, `size`, in that order, no whitespace. Two schemas that read and write
    /// the same data have the same form.
    public var canonicalForm: String {
        var out = ""
        var seen = Set<String>()
        writeCanonical(to: &out, seen: &seen)
        return out
    }

    /// `seen`: named types already written, which Java's `SchemaNormalization` writes again as their full
    /// name (an error is a record there).
    private func writeCanonical(to out: inout String, seen: inout Set<String>) {
        switch self {
        case .record(let name, let ns, _, let fields, _, _, _):
            let full = AvroSchemaParser.fullname(name, ns)
            guard seen.insert(full).inserted else {
                out += AvroJSON.quoted(full)
                return
            }
            out += "{\"name\":" + AvroJSON.quoted(full) + ",\"type\":\"record\",\"fields\":["
            for (i, f) in fields.enumerated() {
                if i > 0 { out += "," }
                out += "{\"name\":" + AvroJSON.quoted(f.name) + ",\"type\":"
                f.type.writeCanonical(to: &out, seen: &seen)
                out += "}"
            }
            out += "]}"
        case .enum(let name, let ns, let symbols, _, _, _, _):
            let full = AvroSchemaParser.fullname(name, ns)
            guard seen.insert(full).inserted else {
                out += AvroJSON.quoted(full)
                return
            }
            out += "{\"name\":" + AvroJSON.quoted(full) + ",\"type\":\"enum\",\"symbols\":["
            out += symbols.map(AvroJSON.quoted).joined(separator: ",") + "]}"
        case .fixed(let name, let ns, let size, _, _, _):
            let full = AvroSchemaParser.fullname(name, ns)
            guard seen.insert(full).inserted else {
                out += AvroJSON.quoted(full)
                return
            }
            out += "{\"name\":" + AvroJSON.quoted(full) + ",\"type\":\"fixed\",\"size\":\(size)}"
        case .array(let items):
            out += "{\"type\":\"array\",\"items\":"
            items.writeCanonical(to: &out, seen: &seen)
            out += "}"
        case .map(let values):
            out += "{\"type\":\"map\",\"values\":"
            values.writeCanonical(to: &out, seen: &seen)
            out += "}"
        case .union(let branches):
            out += "["
            for (i, b) in branches.enumerated() {
                if i > 0 { out += "," }
                b.writeCanonical(to: &out, seen: &seen)
            }
            out += "]"
        case .annotated(let base, _): base.writeCanonical(to: &out, seen: &seen)
        case .reference(let full): out += AvroJSON.quoted(full)
        case .null, .boolean, .int, .long, .float, .double, .bytes, .string: out += json
        }
    }

    /// CRC-64-AVRO (Rabin) of the canonical form: the 64-bit fingerprint of the specification.
    public var fingerprint64: Int64 { Int64(bitPattern: Self.rabin(Array(canonicalForm.utf8))) }

    static let emptyFingerprint: UInt64 = 0xc15d_213a_a4d7_a795
    private static let rabinTable: [UInt64] = (0..<256).map { i -> UInt64 in
        var fp = UInt64(i)
        for _ in 0..<8 { fp = (fp >> 1) ^ (emptyFingerprint & (0 &- (fp & 1))) }
        return fp
    }

    static func rabin(_ bytes: [UInt8]) -> UInt64 {
        var fp = emptyFingerprint
        for b in bytes { fp = (fp >> 8) ^ rabinTable[Int((fp ^ UInt64(b)) & 0xff)] }
        return fp
    }
}

/// A record field.
public struct AvroField: Sendable {
    /// Java's `Schema.Field.Order`, written when not `ascending`.
    public enum Order: String, Sendable { case ascending, descending, ignore }

    public let name: String
    public let type: AvroSchema
    public let doc: String?
    /// The default as JSON text in Jackson's form (`AvroJSON.java`).
    public let defaultValue: AvroJSON?
    public let order: Order
    /// Former names: a reader field matches a writer field of its name or of one of these.
    public let aliases: [String]
    /// Other attributes, in their order.
    public let props: [(String, AvroJSON)]

    public init(
        name: String, type: AvroSchema, doc: String? = nil, defaultValue: AvroJSON? = nil, order: Order = .ascending,
        aliases: [String] = [], props: [(String, AvroJSON)] = []
    ) {
        self.name = name
        self.type = type
        self.doc = doc
        self.defaultValue = defaultValue
        self.order = order
        self.aliases = aliases
        self.props = props
    }
}

/// A JSON value in a schema (defaults, properties), kept as its text.
public struct AvroJSON: Sendable, Equatable {
    public let text: String
    public init(raw text: String) { self.text = text }
    public static func string(_ s: String) -> AvroJSON { AvroJSON(raw: quoted(s)) }
    public static func int(_ i: Int) -> AvroJSON { AvroJSON(raw: String(i)) }
    public static let null = AvroJSON(raw: "null")

    /// A JSON string as Jackson writes it: `JSONWriter`'s escapes (`"` and `\\`, control characters as
    /// `\\b \\t \\n \\f \\r` or `\\u00XX` in upper-case hex, everything else as is), which JsonConverter
    /// writes too.
    public static func quoted(_ s: String) -> String { JSONWriter.string(.string(s)) }

    /// A parsed JSON value as Jackson re-serializes the tree Avro's parser keeps: integers as written
    /// (`-0` is `0`), other numbers as Java doubles (`1.50` → `1.5`, `1e3` → `1000.0`, `1e10` → `1.0E10`),
    /// strings escaped as `quoted`, object members in their order.
    public static func java(_ v: JSONValue) -> AvroJSON {
        var out = ""
        writeJava(v, to: &out)
        return AvroJSON(raw: out)
    }

    private static func writeJava(_ v: JSONValue, to out: inout String) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let t):
            if !t.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                // An integer beyond 64 bits: Jackson keeps it as a BigInteger.
                var digits = Substring(t)
                let negative = digits.hasPrefix("-")
                if negative { digits = digits.dropFirst() }
                while digits.count > 1 && digits.hasPrefix("0") { digits = digits.dropFirst() }
                out += (negative && digits != "0" ? "-" : "") + digits
            } else {
                out += double(Double(t) ?? .nan)
            }
        case .string(let s): out += quoted(s)
        case .array(let a):
            out += "["
            for (i, x) in a.enumerated() {
                if i > 0 { out += "," }
                writeJava(x, to: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, m) in o.members.enumerated() {
                if i > 0 { out += "," }
                out += quoted(m.key) + ":"
                writeJava(m.value, to: &out)
            }
            out += "}"
        }
    }

    /// A double as Jackson writes one: Java's `Double.toString`, and NaN and the infinities quoted.
    public static func double(_ d: Double) -> String {
        let text = JavaNumberFormat.double(d)
        return d.isFinite ? text : "\"" + text + "\""
    }
}

/// An Avro schema (reference rest-proxy.md §4.5): built (AvroData) or parsed (`AvroSchemaParser`),
/// rendered as JSON, reduced to its Parsing Canonical Form and fingerprinted.
public indirect enum AvroSchema: Sendable, Equatable {
    case null, boolean, int, long, float, double, bytes, string
    case record(name: String, namespace: String?, doc: String?, fields: [AvroField], props: [(String, AvroJSON)])
    case `enum`(name: String, namespace: String?, symbols: [String])
    case array(items: AvroSchema)
    case map(values: AvroSchema)
    case union([AvroSchema])
    case fixed(name: String, namespace: String?, size: Int)
    /// A primitive with attributes: `logicalType` and other properties (`connect.type`, `scale`, …).
    case annotated(AvroSchema, props: [(String, AvroJSON)])
    /// A use of a named type defined earlier (by its full name), as in recursive records.
    case reference(String)

    public static func == (a: AvroSchema, b: AvroSchema) -> Bool { a.json == b.json }

    /// The schema as JSON text, attributes in the order given (what `avro.schema` in a file carries).
    public var json: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "\"null\""
        case .boolean: out += "\"boolean\""
        case .int: out += "\"int\""
        case .long: out += "\"long\""
        case .float: out += "\"float\""
        case .double: out += "\"double\""
        case .bytes: out += "\"bytes\""
        case .string: out += "\"string\""
        case .record(let name, let namespace, let doc, let fields, let props):
            out += "{\"type\":\"record\",\"name\":" + AvroJSON.quoted(name)
            if let namespace { out += ",\"namespace\":" + AvroJSON.quoted(namespace) }
            if let doc { out += ",\"doc\":" + AvroJSON.quoted(doc) }
            out += ",\"fields\":["
            for (i, f) in fields.enumerated() {
                if i > 0 { out += "," }
                out += "{\"name\":" + AvroJSON.quoted(f.name) + ",\"type\":"
                f.type.write(to: &out)
                if let d = f.defaultValue { out += ",\"default\":" + d.text }
                if !f.aliases.isEmpty {
                    out += ",\"aliases\":[" + f.aliases.map(AvroJSON.quoted).joined(separator: ",") + "]"
                }
                out += "}"
            }
            out += "]"
            for (k, v) in props { out += "," + AvroJSON.quoted(k) + ":" + v.text }
            out += "}"
        case .enum(let name, let namespace, let symbols):
            out += "{\"type\":\"enum\",\"name\":" + AvroJSON.quoted(name)
            if let namespace { out += ",\"namespace\":" + AvroJSON.quoted(namespace) }
            out += ",\"symbols\":[" + symbols.map(AvroJSON.quoted).joined(separator: ",") + "]}"
        case .array(let items):
            out += "{\"type\":\"array\",\"items\":"
            items.write(to: &out)
            out += "}"
        case .map(let values):
            out += "{\"type\":\"map\",\"values\":"
            values.write(to: &out)
            out += "}"
        case .union(let branches):
            out += "["
            for (i, b) in branches.enumerated() {
                if i > 0 { out += "," }
                b.write(to: &out)
            }
            out += "]"
        case .fixed(let name, let namespace, let size):
            out += "{\"type\":\"fixed\",\"name\":" + AvroJSON.quoted(name)
            if let namespace { out += ",\"namespace\":" + AvroJSON.quoted(namespace) }
            out += ",\"size\":\(size)}"
        case .annotated(let base, let props):
            var inner = ""
            base.write(to: &inner)
            out += "{\"type\":" + inner
            for (k, v) in props { out += "," + AvroJSON.quoted(k) + ":" + v.text }
            out += "}"
        case .reference(let fullname):
            out += AvroJSON.quoted(fullname)
        }
    }

    /// The Parsing Canonical Form (Avro specification): full names, only `name`, `type`, `fields`,
    /// `symbols`, `items`, `values`, `size`, in that order, no whitespace. Two schemas that read and write
    /// the same data have the same form.
    public var canonicalForm: String {
        var out = ""
        writeCanonical(to: &out)
        return out
    }

    private func writeCanonical(to out: inout String) {
        func fullname(_ name: String, _ ns: String?) -> String {
            name.contains(".") || ns == nil || ns!.isEmpty ? name : ns! + "." + name
        }
        switch self {
        case .record(let name, let ns, _, let fields, _):
            out += "{\"name\":" + AvroJSON.quoted(fullname(name, ns)) + ",\"type\":\"record\",\"fields\":["
            for (i, f) in fields.enumerated() {
                if i > 0 { out += "," }
                out += "{\"name\":" + AvroJSON.quoted(f.name) + ",\"type\":"
                f.type.writeCanonical(to: &out)
                out += "}"
            }
            out += "]}"
        case .enum(let name, let ns, let symbols):
            out += "{\"name\":" + AvroJSON.quoted(fullname(name, ns)) + ",\"type\":\"enum\",\"symbols\":["
            out += symbols.map(AvroJSON.quoted).joined(separator: ",") + "]}"
        case .fixed(let name, let ns, let size):
            out += "{\"name\":" + AvroJSON.quoted(fullname(name, ns)) + ",\"type\":\"fixed\",\"size\":\(size)}"
        case .array(let items):
            out += "{\"type\":\"array\",\"items\":"
            items.writeCanonical(to: &out)
            out += "}"
        case .map(let values):
            out += "{\"type\":\"map\",\"values\":"
            values.writeCanonical(to: &out)
            out += "}"
        case .union(let branches):
            out += "["
            for (i, b) in branches.enumerated() {
                if i > 0 { out += "," }
                b.writeCanonical(to: &out)
            }
            out += "]"
        case .annotated(let base, _): base.writeCanonical(to: &out)
        default: write(to: &out)
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
    public let name: String
    public let type: AvroSchema
    public let defaultValue: AvroJSON?
    /// Former names: a reader field matches a writer field of its name or of one of these.
    public let aliases: [String]

    public init(name: String, type: AvroSchema, defaultValue: AvroJSON? = nil, aliases: [String] = []) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.aliases = aliases
    }
}

/// A JSON value in a schema (defaults, properties), kept as its text.
public struct AvroJSON: Sendable, Equatable {
    public let text: String
    public init(raw text: String) { self.text = text }
    public static func string(_ s: String) -> AvroJSON { AvroJSON(raw: quoted(s)) }
    public static func int(_ i: Int) -> AvroJSON { AvroJSON(raw: String(i)) }
    public static let null = AvroJSON(raw: "null")

    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

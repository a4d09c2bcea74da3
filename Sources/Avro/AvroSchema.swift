/// An Avro schema (reference rest-proxy.md §4.5). Only what writing needs today: building schemas and
/// rendering them as JSON; parsing arrives with the Schema Registry.
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
        }
    }
}

/// A record field.
public struct AvroField: Sendable {
    public let name: String
    public let type: AvroSchema
    public let defaultValue: AvroJSON?

    public init(name: String, type: AvroSchema, defaultValue: AvroJSON? = nil) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
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

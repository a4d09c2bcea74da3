import ConnectAPI
import ConnectJSON

/// A Connect schema for a dataset's rows, from the column names and types Socrata sends with every
/// answer (`X-SODA2-Fields`, `X-SODA2-Types`, JSON arrays), and the conversion of a row to it. Every
/// field is optional (rows omit empty columns). Types: `number`/`double`/`money`/`percent` → FLOAT64
/// (Socrata writes them as strings), `checkbox` → BOOLEAN, everything else (text, timestamps, urls,
/// system fields, and geometry such as `point`/`location` as their JSON text) → STRING.
struct SocrataSchema {
    enum Kind { case number, boolean, text, json }

    let schema: Schema
    private let kinds: [Kind]
    private let names: [String]
    /// The headers it was built from, to reuse it while they do not change.
    let signature: String

    init?(fieldsHeader: String?, typesHeader: String?, dataset: String) {
        guard let fh = fieldsHeader, let th = typesHeader, case .array(let f)? = try? JSONParser.parse(fh),
            case .array(let t)? = try? JSONParser.parse(th), f.count == t.count, !f.isEmpty
        else { return nil }
        var fields: [Field] = []
        var kinds: [Kind] = []
        var names: [String] = []
        for (i, (name, type)) in zip(f, t).enumerated() {
            guard let n = name.stringValue, let ty = type.stringValue else { return nil }
            let kind: Kind
            switch ty.lowercased() {
            case "number", "double", "money", "percent": kind = .number
            case "checkbox", "boolean": kind = .boolean
            case "text", "url", "email", "phone", "calendar_date", "floating_timestamp", "fixed_timestamp",
                "row_identifier",
                "row_version", "meta_data", "html", "date":
                kind = .text
            default: kind = .json  // point, location, multipolygon, …: nested JSON
            }
            let s: Schema = kind == .number ? .optionalFloat64 : kind == .boolean ? .optionalBoolean : .optionalString
            fields.append(Field(name: n, index: i, schema: s))
            kinds.append(kind)
            names.append(n)
        }
        let safe = dataset.replacing("-", with: "_")
        schema = Schema(type: .struct, optional: false, name: "io.tributary.socrata.ds_\(safe)", fields: fields)
        self.kinds = kinds
        self.names = names
        signature = fh + "\u{0}" + th
    }

    func value(of row: JSONObject) -> Value {
        var values = [Value](repeating: .null, count: names.count)
        for (i, name) in names.enumerated() {
            guard let v = row[name], v != .null else { continue }
            switch (kinds[i], v) {
            case (.number, .string(let s)): values[i] = Double(s).map(Value.float64) ?? .null
            case (.number, .int(let n)): values[i] = .float64(Double(n))
            case (.number, .number(let s)): values[i] = Double(s).map(Value.float64) ?? .null
            case (.boolean, .bool(let b)): values[i] = .boolean(b)
            case (.boolean, .string(let s)): values[i] = .boolean(s == "true")
            case (_, .string(let s)): values[i] = .string(s)
            default: values[i] = .string(JSONWriter.string(v))
            }
        }
        return .struct(Struct(schema: schema, values: values))
    }
}

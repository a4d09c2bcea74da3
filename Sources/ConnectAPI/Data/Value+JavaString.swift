extension Value {
    /// The value's text the way Java's `String.valueOf` shows Connect data (used by StringConverter,
    /// header conversion and FileStreamSink): numbers as Java prints them, structs as `Struct{a=1,b=x}`
    /// (null fields left out), maps as `{k=v}`. Bytes, which Java prints as an object id, are base64.
    public var javaString: String {
        switch self {
        case .null: return "null"
        case .boolean(let b): return b ? "true" : "false"
        case .int8(let i): return String(i)
        case .int16(let i): return String(i)
        case .int32(let i): return String(i)
        case .int64(let i): return String(i)
        case .float32(let f): return JavaNumberFormat.float(f)
        case .float64(let d): return JavaNumberFormat.double(d)
        case .string(let s): return s
        case .bytes(let b): return Base64.encode(b)
        case .decimal(let d): return d.javaString
        case .array(let a): return "[" + a.map(\.javaString).joined(separator: ", ") + "]"
        case .map(let m):
            return "{" + m.map { "\($0.key.javaString)=\($0.value.javaString)" }.joined(separator: ", ") + "}"
        case .struct(let s):
            return "Struct{"
                + s.schema.fields.compactMap { f in
                    s.values[f.index] == .null ? nil : "\(f.name)=\(s.values[f.index].javaString)"
                }.joined(separator: ",") + "}"
        }
    }
}

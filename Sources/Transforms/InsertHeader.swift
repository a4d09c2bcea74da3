import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.InsertHeader`: adds a header whose value is the literal,
/// typed the way Connect's `Values.parseString` types it for the scalars: true/false a boolean, an
/// integer the narrowest integer type, a decimal number a float (or double when a float would lose
/// it), anything else the string itself.
public struct InsertHeader: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "header", .string, validator: .nonEmptyString, importance: .high, documentation: "The name of the header."
        )
        .define(
            "value.literal", .string, validator: .nonEmptyString, importance: .high,
            documentation: "The literal value that is to be set as the header value on all records.")

    let header: ConnectHeader

    public init(config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        let (schema, value) = Self.parse(c.string("value.literal") ?? "")
        header = ConnectHeader(key: c.string("header") ?? "", schema: schema, value: value)
    }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        var r = record
        r.headers.append(header)
        return r
    }

    static func parse(_ literal: String) -> (Schema, Value) {
        let text = literal.trimmingWhitespace()
        switch text.lowercased() {
        case "true": return (.boolean, .boolean(true))
        case "false": return (.boolean, .boolean(false))
        default: break
        }
        if let n = Int64(text) {
            if let b = Int8(exactly: n) { return (.int8, .int8(b)) }
            if let s = Int16(exactly: n) { return (.int16, .int16(s)) }
            if let i = Int32(exactly: n) { return (.int32, .int32(i)) }
            return (.int64, .int64(n))
        }
        if text.contains(where: { $0.isNumber }), !text.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" }),
            let d = Double(text), d.isFinite
        {
            if let f = Float(exactly: d) { return (.float32, .float32(f)) }
            return (.float64, .float64(d))
        }
        return (.string, .string(literal))
    }
}

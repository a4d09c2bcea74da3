/// What `JSONParser` builds as it reads: its own `JSONValue` tree, or Connect values directly. Parsing a
/// schemaless record into a `JSONValue` and then inferring a `Value` from it built every object twice;
/// the sinks' converters now build the `Value` in the one pass.
protocol JSONParseOutput {
    /// An object member as the output keeps it.
    associatedtype Member
    static var parsedNull: Self { get }
    static func parsed(bool: Bool) -> Self
    /// A number without fraction or exponent that fits 18 digits.
    static func parsed(int: Int64) -> Self
    /// Any other number as its JSON text; `integral` when it has neither fraction nor exponent.
    static func parsed(number: String, integral: Bool) -> Self
    /// The same from the number's bytes (valid JSON number syntax), for outputs that need no text.
    static func parsed(numberBytes: UnsafeRawBufferPointer, integral: Bool) -> Self
    static func parsed(string: String) -> Self
    static func parsed(array: [Self]) -> Self
    /// Members in order, names unique (a repeated name replaced the earlier value in its place).
    static func parsed(object: [Member]) -> Self
    static func member(_ key: String, _ value: Self) -> Member
    static func key(of member: Member) -> String
    static func setValue(_ value: Self, of member: inout Member)
}

extension JSONValue: JSONParseOutput {
    static var parsedNull: JSONValue { .null }
    static func parsed(bool: Bool) -> JSONValue { .bool(bool) }
    static func parsed(int: Int64) -> JSONValue { .int(int) }
    static func parsed(number: String, integral: Bool) -> JSONValue {
        if integral, let v = Int64(number) { return .int(v) }
        return .number(number)
    }
    static func parsed(numberBytes: UnsafeRawBufferPointer, integral: Bool) -> JSONValue {
        parsed(number: String(decoding: numberBytes, as: UTF8.self), integral: integral)
    }
    static func parsed(string: String) -> JSONValue { .string(string) }
    static func parsed(array: [JSONValue]) -> JSONValue { .array(array) }
    static func parsed(object: [JSONObject.Member]) -> JSONValue { .object(JSONObject(members: object)) }
    static func member(_ key: String, _ value: JSONValue) -> JSONObject.Member {
        JSONObject.Member(key: key, value: value)
    }
    static func key(of member: JSONObject.Member) -> String { member.key }
    static func setValue(_ value: JSONValue, of member: inout JSONObject.Member) { member.value = value }
}

/// Kafka Connect's JsonConverter without schemas: integers are int64, other numbers float64, objects maps
/// with string keys, in member order.
extension Value: JSONParseOutput {
    static var parsedNull: Value { .null }
    static func parsed(bool: Bool) -> Value { .boolean(bool) }
    static func parsed(int: Int64) -> Value { .int64(int) }
    static func parsed(number: String, integral: Bool) -> Value {
        if integral, let v = Int64(number) { return .int64(v) }
        return .float64(Double(number) ?? .nan)
    }
    static func parsed(numberBytes: UnsafeRawBufferPointer, integral: Bool) -> Value {
        if !integral, let d = Double(exactDecimal: numberBytes) { return .float64(d) }
        return parsed(number: String(decoding: numberBytes, as: UTF8.self), integral: integral)
    }
    static func parsed(string: String) -> Value { .string(string) }
    static func parsed(array: [Value]) -> Value { .array(array) }
    static func parsed(object: [MapEntry]) -> Value { .map(object) }
    static func member(_ key: String, _ value: Value) -> MapEntry { MapEntry(key: .string(key), value: value) }
    static func key(of member: MapEntry) -> String { member.key.stringValue ?? "" }
    static func setValue(_ value: Value, of member: inout MapEntry) { member.value = value }

    /// The Connect value schemaless JSON stands for (as `JSONParser.parseConnectValue` parses it).
    public static func inferred(from json: JSONValue) -> Value {
        switch json {
        case .null: return .parsedNull
        case .bool(let b): return .parsed(bool: b)
        case .int(let i): return .parsed(int: i)
        case .number(let t): return .parsed(number: t, integral: false)
        case .string(let s): return .parsed(string: s)
        case .array(let a): return .parsed(array: a.map(inferred(from:)))
        case .object(let o): return .parsed(object: o.members.map { member($0.key, inferred(from: $0.value)) })
        }
    }
}

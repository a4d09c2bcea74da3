/// A Connect value. Logical types use their underlying representation, except Decimal, which has its
/// own case: Date is `.int32` days, Time `.int32` milliseconds, Timestamp `.int64` milliseconds.
public enum Value: Sendable, Hashable {
    case null
    case boolean(Bool)
    case int8(Int8)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    case float32(Float)
    case float64(Double)
    case string(String)
    case bytes([UInt8])
    case array([Value])
    /// Entries in order; keys may be any value (JSON writes non-string keys as pairs).
    case map([MapEntry])
    case `struct`(Struct)
    case decimal(ConnectDecimal)

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Integers of any width widened to Int64.
    public var int64Value: Int64? {
        switch self {
        case .int8(let v): return Int64(v)
        case .int16(let v): return Int64(v)
        case .int32(let v): return Int64(v)
        case .int64(let v): return v
        default: return nil
        }
    }

    /// The value of a struct's field or of a map's string key `name`.
    public func member(_ name: String) -> Value? {
        switch self {
        case .struct(let s): return s[name]
        case .map(let entries): return entries.first { $0.key == .string(name) }?.value
        default: return nil
        }
    }

    public var structValue: Struct? {
        if case .struct(let s) = self { return s }
        return nil
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .boolean: return "Boolean"
        case .int8: return "Byte"
        case .int16: return "Short"
        case .int32: return "Integer"
        case .int64: return "Long"
        case .float32: return "Float"
        case .float64: return "Double"
        case .string: return "String"
        case .bytes: return "byte[]"
        case .array: return "List"
        case .map: return "Map"
        case .struct: return "Struct"
        case .decimal: return "BigDecimal"
        }
    }
}

public struct MapEntry: Sendable, Hashable {
    public var key: Value
    public var value: Value
    public init(key: Value, value: Value) {
        self.key = key
        self.value = value
    }
}

/// A struct value: field values in the order of its schema's fields.
public struct Struct: Sendable, Hashable {
    public let schema: Schema
    public var values: [Value]

    public init(schema: Schema, values: [Value]? = nil) {
        self.schema = schema
        self.values = values ?? Array(repeating: .null, count: schema.fields.count)
    }

    public subscript(name: String) -> Value? {
        get { schema.field(named: name).map { values[$0.index] } }
        set {
            if let f = schema.field(named: name) { values[f.index] = newValue ?? .null }
        }
    }
}

import ConnectAPI

/// `org.apache.kafka.connect.storage.StringConverter`: UTF-8 text of the value.
public struct StringConverter: Converter, HeaderConverter {
    public init() {}

    public func fromConnectData(topic: String, schema: Schema?, value: Value) throws -> [UInt8]? {
        if value.isNull { return nil }
        return Array(value.javaString.utf8)
    }

    public func toConnectData(topic: String, bytes: [UInt8]?) throws -> SchemaAndValue {
        guard let bytes else { return SchemaAndValue(schema: .optionalString, value: .null) }
        return SchemaAndValue(schema: .optionalString, value: .string(String(decoding: bytes, as: UTF8.self)))
    }

    public func fromConnectHeader(topic: String, key: String, schema: Schema?, value: Value) throws -> [UInt8]? {
        try fromConnectData(topic: topic, schema: schema, value: value)
    }
    public func toConnectHeader(topic: String, key: String, bytes: [UInt8]?) throws -> SchemaAndValue {
        try toConnectData(topic: topic, bytes: bytes)
    }
}

/// `org.apache.kafka.connect.converters.ByteArrayConverter`: bytes pass through unchanged.
public struct ByteArrayConverter: Converter, HeaderConverter {
    public init() {}

    public func fromConnectData(topic: String, schema: Schema?, value: Value) throws -> [UInt8]? {
        if let schema, schema.type != .bytes {
            throw ConnectError(
                .data, "Invalid schema type for ByteArrayConverter: \(schema.type.rawValue.uppercased())")
        }
        switch value {
        case .null: return nil
        case .bytes(let b): return b
        default:
            throw ConnectError(.data, "ByteArrayConverter is not compatible with objects of type \(value.kindName)")
        }
    }

    public func toConnectData(topic: String, bytes: [UInt8]?) throws -> SchemaAndValue {
        SchemaAndValue(schema: .optionalBytes, value: bytes.map { .bytes($0) } ?? .null)
    }

    public func fromConnectHeader(topic: String, key: String, schema: Schema?, value: Value) throws -> [UInt8]? {
        try fromConnectData(topic: topic, schema: schema, value: value)
    }
    public func toConnectHeader(topic: String, key: String, bytes: [UInt8]?) throws -> SchemaAndValue {
        try toConnectData(topic: topic, bytes: bytes)
    }
}

/// `SimpleHeaderConverter` (the worker's default header converter): header values as their string form.
/// Reading infers booleans and integers; everything else stays a string.
public struct SimpleHeaderConverter: HeaderConverter {
    public init() {}

    public func fromConnectHeader(topic: String, key: String, schema: Schema?, value: Value) throws -> [UInt8]? {
        if value.isNull { return nil }
        return Array(value.javaString.utf8)
    }

    public func toConnectHeader(topic: String, key: String, bytes: [UInt8]?) throws -> SchemaAndValue {
        guard let bytes else { return .null }
        let s = String(decoding: bytes, as: UTF8.self)
        if s == "true" || s == "false" { return SchemaAndValue(schema: .boolean, value: .boolean(s == "true")) }
        if let i = Int64(s) { return SchemaAndValue(schema: .int64, value: .int64(i)) }
        return SchemaAndValue(schema: .string, value: .string(s))
    }
}

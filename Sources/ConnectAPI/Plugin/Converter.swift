/// A schema and a value, as converters return them.
public struct SchemaAndValue: Sendable, Hashable {
    public var schema: Schema?
    public var value: Value
    public init(schema: Schema?, value: Value) {
        self.schema = schema
        self.value = value
    }
    public static let null = SchemaAndValue(schema: nil, value: .null)
}

/// Turns Connect data into record bytes and back (key, value or header).
public protocol Converter: Sendable {
    /// nil bytes = a null record key/value (a tombstone for values).
    func fromConnectData(topic: String, schema: Schema?, value: Value) throws -> [UInt8]?
    /// The same bytes appended to `out`; false (nothing appended) for a null key/value. Lets the worker
    /// reuse one buffer for every record it produces instead of allocating one per record.
    func fromConnectData(topic: String, schema: Schema?, value: Value, into out: inout [UInt8]) throws -> Bool
    func toConnectData(topic: String, bytes: [UInt8]?) throws -> SchemaAndValue
}

extension Converter {
    public func fromConnectData(topic: String, schema: Schema?, value: Value, into out: inout [UInt8]) throws
        -> Bool
    {
        guard let bytes = try fromConnectData(topic: topic, schema: schema, value: value) else { return false }
        out.append(contentsOf: bytes)
        return true
    }
}

/// Converts header values.
public protocol HeaderConverter: Sendable {
    func fromConnectHeader(topic: String, key: String, schema: Schema?, value: Value) throws -> [UInt8]?
    func toConnectHeader(topic: String, key: String, bytes: [UInt8]?) throws -> SchemaAndValue
}

/// A single message transformation: returns the changed record, or nil to drop it.
public protocol Transformation: Sendable {
    func apply<R: ConnectRecord>(_ record: R) throws -> R?
}

/// A condition on records, used to apply transformations selectively.
public protocol Predicate: Sendable {
    func test<R: ConnectRecord>(_ record: R) -> Bool
}

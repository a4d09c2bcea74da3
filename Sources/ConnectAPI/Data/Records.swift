/// A record header as Connect sees it.
public struct ConnectHeader: Sendable, Hashable {
    public var key: String
    public var schema: Schema?
    public var value: Value
    public init(key: String, schema: Schema?, value: Value) {
        self.key = key
        self.schema = schema
        self.value = value
    }
}

/// What source and sink records share; transformations work on this.
public protocol ConnectRecord: Sendable {
    var topic: String { get set }
    var kafkaPartition: Int32? { get set }
    var keySchema: Schema? { get set }
    var key: Value { get set }
    var valueSchema: Schema? { get set }
    var value: Value { get set }
    var timestamp: Int64? { get set }
    var headers: [ConnectHeader] { get set }
}

/// A record a source task produced, with the source position it came from.
public struct SourceRecord: ConnectRecord, Hashable {
    // `topic` first: the memberwise initialiser's labels then differ from the public one's, which
    // calls it (see that one's comment).
    public var topic: String
    /// Identifies the source stream (e.g. `{"filename":"in.txt"}`); key order is kept, it is part of the stored key.
    public var sourcePartition: JSONObject
    /// Position within the stream (e.g. `{"position":42}`); only primitive values.
    public var sourceOffset: JSONObject
    public var kafkaPartition: Int32?
    public var keySchema: Schema?
    public var key: Value
    public var valueSchema: Schema?
    public var value: Value
    public var timestamp: Int64?
    public var headers: [ConnectHeader]
}

extension SourceRecord {
    // Through the memberwise initialiser, as `SinkRecord`'s: assigned field by field, the record was
    // built, copied (a retain of every field) and the original destroyed, for every record produced.
    public init(
        sourcePartition: JSONObject, sourceOffset: JSONObject, topic: String, kafkaPartition: Int32? = nil,
        keySchema: Schema? = nil, key: Value = .null, valueSchema: Schema?, value: Value, timestamp: Int64? = nil,
        headers: [ConnectHeader] = []
    ) {
        self.init(
            topic: topic, sourcePartition: sourcePartition, sourceOffset: sourceOffset, kafkaPartition: kafkaPartition,
            keySchema: keySchema, key: key, valueSchema: valueSchema, value: value, timestamp: timestamp,
            headers: headers)
    }
}

/// A record delivered to a sink task, with its Kafka coordinates.
public struct SinkRecord: ConnectRecord, Hashable {
    public var topic: String
    public var kafkaPartition: Int32?
    public var kafkaOffset: Int64
    public var keySchema: Schema?
    public var key: Value
    public var valueSchema: Schema?
    public var value: Value
    public var timestamp: Int64?
    public var timestampType: String
    public var headers: [ConnectHeader]
    /// The record's topic and partition before any transformation renamed them (KIP-793).
    public let originalTopic: String
    public let originalKafkaPartition: Int32
    /// The value as the JSON it was consumed as, already in the exact form JsonConverter without schemas
    /// writes it, for a task that asked for it (`JSONValueSinkTask`). Then the value was not converted:
    /// `value` is `.null` and `valueSchema` nil.
    public var valueJSON: [UInt8]?
}

extension SinkRecord {
    // Through the memberwise initialiser (kept because this one is in an extension): assigning the
    // properties one by one built the record, copied it (a retain of every field) and destroyed the
    // original, for every record consumed (objdump: an outlined copy and destroy in the initialiser).
    public init(
        topic: String, kafkaPartition: Int32, kafkaOffset: Int64, keySchema: Schema?, key: Value,
        valueSchema: Schema?, value: Value, timestamp: Int64?, timestampType: String = "CreateTime",
        headers: [ConnectHeader] = [], valueJSON: [UInt8]? = nil
    ) {
        self.init(
            topic: topic, kafkaPartition: kafkaPartition, kafkaOffset: kafkaOffset, keySchema: keySchema, key: key,
            valueSchema: valueSchema, value: value, timestamp: timestamp, timestampType: timestampType,
            headers: headers, originalTopic: topic, originalKafkaPartition: kafkaPartition, valueJSON: valueJSON)
    }
}

/// A topic and partition, as the Connect API names them to sink tasks.
public struct TopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32
    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
    public static func < (a: Self, b: Self) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }
    public var description: String { "\(topic)-\(partition)" }
}

/// Where Kafka stored a produced record.
public struct RecordMetadata: Sendable, Hashable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

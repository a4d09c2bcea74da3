/// A topic and partition.
public struct KafkaPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32
    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
    public static func < (a: Self, b: Self) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }
    public var description: String { "\(topic)-\(partition)" }
}

/// One record header; a nil value is a header with a null value.
public struct KafkaHeader: Sendable, Equatable {
    public let key: String
    public let value: [UInt8]?
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// A record read from Kafka.
public struct KafkaMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    public let value: [UInt8]?
    public let headers: [KafkaHeader]
    /// Milliseconds since the epoch, nil when the broker gave none.
    public let timestamp: Int64?
    /// "CreateTime" or "LogAppendTime" (Kafka's names), or "NoTimestampType".
    public let timestampType: String
}

/// A record to produce. `partition` nil lets the partitioner choose (murmur2 on the key, as Java clients do).
public struct ProducerMessage: Sendable {
    public var topic: String
    public var partition: Int32?
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    public var timestamp: Int64?
    public init(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }
}

/// The outcome of one produced record, matched to the caller's record by `token`.
public struct DeliveryReport: Sendable {
    public let token: UInt
    public let partition: Int32
    public let offset: Int64
    public let error: KafkaError?
}

/// What a consumer poll returns, in order.
public enum ConsumerEvent: Sendable {
    case message(KafkaMessage)
    /// The consumer reached the current end of a partition; `offset` is the next offset to be read.
    case partitionEOF(KafkaPartition, offset: Int64)
    case assigned([KafkaPartition])
    case revoked([KafkaPartition])
    case error(KafkaError)
}

import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.predicates.RecordIsTombstone`: the value is null.
public struct RecordIsTombstone: Predicate {
    public static let configDef = ConfigDef()

    public init(config: [String: String]) throws { _ = try Self.configDef.parse(config) }

    public func test<R: ConnectRecord>(_ record: R) -> Bool { record.value.isNull }
}

import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.Filter`: drops every record. Meant to be guarded by a
/// predicate (`transforms.<alias>.predicate`), so that only the records it matches are dropped.
public struct Filter: Transformation {
    public static let configDef = ConfigDef()

    public init(config: [String: String]) throws { _ = try Self.configDef.parse(config) }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? { nil }
}

import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.predicates.HasHeaderKey`: at least one header has the
/// key `name`.
public struct HasHeaderKey: Predicate {
    public static let configDef = ConfigDef()
        .define(
            "name", .string, validator: .nonEmptyString, importance: .medium,
            documentation: "The header name.")

    let name: String

    public init(config: [String: String]) throws {
        name = try Self.configDef.parse(config).string("name") ?? ""
    }

    public func test<R: ConnectRecord>(_ record: R) -> Bool { record.headers.contains { $0.key == name } }
}

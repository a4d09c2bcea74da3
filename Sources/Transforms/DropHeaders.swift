import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.DropHeaders`: removes every header with one of the
/// listed keys.
public struct DropHeaders: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "headers", .list, validator: .nonEmptyList, importance: .high,
            documentation: "The name of the headers to be removed.")

    let names: Set<String>

    public init(config: [String: String]) throws {
        names = Set(try Self.configDef.parse(config).list("headers"))
    }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        guard record.headers.contains(where: { names.contains($0.key) }) else { return record }
        var r = record
        r.headers.removeAll { names.contains($0.key) }
        return r
    }
}

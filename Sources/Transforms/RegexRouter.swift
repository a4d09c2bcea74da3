import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.RegexRouter`: when the topic matches `regex` as a whole,
/// it becomes `replacement` with the match's groups (`$1`); other topics pass unchanged.
public struct RegexRouter: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "regex", .string, validator: .nonEmptyString, importance: .high,
            documentation: "Regular expression to use for matching."
        )
        .define(
            "replacement", .string, importance: .high, documentation: "Replacement string.")

    let regex: JavaRegex
    let replacement: String
    /// The new topic per topic (nil: unchanged).
    private let routes = TopicMemo<String?>()

    public init(config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        regex = try JavaRegex(c.string("regex") ?? "", key: "regex")
        replacement = c.string("replacement") ?? ""
    }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        guard
            let topic = try routes.answer(
                for: record.topic, { try regex.replacingWholeMatch(of: $0, with: replacement) })
        else { return record }
        var r = record
        r.topic = topic
        return r
    }
}

import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.predicates.TopicNameMatches`: the topic matches
/// `pattern` as a whole.
public struct TopicNameMatches: Predicate {
    public static let configDef = ConfigDef()
        .define(
            "pattern", .string, validator: .nonEmptyString, importance: .medium,
            documentation: "A Java regular expression for matching against the name of a record's topic.")

    let pattern: JavaRegex
    private let answers = TopicMemo<Bool>()

    public init(config: [String: String]) throws {
        pattern = try JavaRegex(try Self.configDef.parse(config).string("pattern") ?? "", key: "pattern")
    }

    public func test<R: ConnectRecord>(_ record: R) -> Bool {
        answers.answer(for: record.topic) { pattern.matches($0) }
    }
}

import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.TimestampRouter`: the topic becomes `topic.format` with
/// `${topic}` and `${timestamp}` (the record's timestamp in `timestamp.format`, UTC) filled in.
public struct TimestampRouter: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "topic.format", .string, defaultValue: "${topic}-${timestamp}", importance: .high,
            documentation:
                "Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively."
        )
        .define(
            "timestamp.format", .string, defaultValue: "yyyyMMdd", importance: .high,
            documentation: "Format string for the timestamp that is compatible with java.text.SimpleDateFormat.")

    let topicFormat: String
    let timestampFormat: DateTimePattern

    public init(config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        topicFormat = c.string("topic.format") ?? "${topic}-${timestamp}"
        timestampFormat = try TimestampConverter.pattern(c.string("timestamp.format") ?? "", key: "timestamp.format")
    }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        guard let ts = record.timestamp else {
            throw ConnectError(.data, "Timestamp missing on record in topic \(record.topic)")
        }
        var r = record
        r.topic = topicFormat.replacing("${topic}", with: record.topic)
            .replacing("${timestamp}", with: timestampFormat.formatLikeSimpleDateFormat(millis: ts))
        return r
    }
}

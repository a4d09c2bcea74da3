import ConnectAPI

/// Framework keys every connector has (`ConnectorConfig`, `SinkConnectorConfig`, `SourceConnectorConfig`).
public enum ConnectorConfig {
    static let common = "Common", transforms = "Transforms", predicates = "Predicates", errors = "Error Handling"

    public static let base = ConfigDef()
        .define(
            "name", .string, validator: .nonEmptyString, importance: .high,
            documentation: "Globally unique name to use for this connector.", group: common, orderInGroup: 1,
            width: .medium, displayName: "Connector name"
        )
        .define(
            "connector.class", .string, importance: .high,
            documentation:
                "Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector. If the connector is org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this full name,  or use \"FileStreamSink\" or \"FileStreamSinkConnector\" to make the configuration a bit shorter",
            group: common, orderInGroup: 2, width: .long, displayName: "Connector class"
        )
        .define(
            "tasks.max", .int, defaultValue: "1", validator: .range(atLeast: 1), importance: .high,
            documentation: "Maximum number of tasks to use for this connector.", group: common, orderInGroup: 3,
            width: .short, displayName: "Tasks max"
        )
        .define(
            "key.converter", .class, defaultValue: .some(nil), importance: .low,
            documentation:
                "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the keys in messages written to or read from Kafka, and since this is independent of connectors it allows any connector to work with any serialization format. Examples of common formats include JSON and Avro.",
            group: common, orderInGroup: 5, width: .short, displayName: "Key converter class"
        )
        .define(
            "value.converter", .class, defaultValue: .some(nil), importance: .low,
            documentation:
                "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the values in messages written to or read from Kafka, and since this is independent of connectors it allows any connector to work with any serialization format. Examples of common formats include JSON and Avro.",
            group: common, orderInGroup: 6, width: .short, displayName: "Value converter class"
        )
        .define(
            "header.converter", .class, defaultValue: .some(nil), importance: .low,
            documentation:
                "HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the header values in messages written to or read from Kafka, and since this is independent of connectors it allows any connector to work with any serialization format. Examples of common formats include JSON and Avro. By default, the SimpleHeaderConverter is used to serialize header values to strings and deserialize them by inferring the schemas.",
            group: common, orderInGroup: 7, width: .short, displayName: "Header converter class"
        )
        .define(
            "config.action.reload", .string, defaultValue: "restart",
            validator: .oneOf(["none", "restart"], ignoringCase: true),
            importance: .low,
            documentation:
                "The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector's configuration properties. A value of 'none' indicates that Connect will do nothing. A value of 'restart' indicates that Connect should restart/reload the connector with the updated configuration properties.The restart may actually be scheduled in the future if the external configuration provider indicates that a configuration value will expire in the future.",
            group: common, orderInGroup: 8, width: .medium, displayName: "Reload Action"
        )
        .define(
            "transforms", .list, defaultValue: "", importance: .low,
            documentation: "Aliases for the transformations to be applied to records.", group: transforms,
            orderInGroup: 1, width: .long, displayName: "Transforms"
        )
        .define(
            "predicates", .list, defaultValue: "", importance: .low,
            documentation: "Aliases for the predicates used by transformations.", group: predicates,
            orderInGroup: 1, width: .long, displayName: "Predicates"
        )
        .define(
            "errors.retry.timeout", .long, defaultValue: "0", importance: .medium,
            documentation:
                "The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.",
            group: errors, orderInGroup: 1, width: .medium, displayName: "Retry Timeout for Errors"
        )
        .define(
            "errors.retry.delay.max.ms", .long, defaultValue: "60000", importance: .medium,
            documentation:
                "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.",
            group: errors, orderInGroup: 2, width: .medium, displayName: "Maximum Delay Between Retries for Errors"
        )
        .define(
            "errors.tolerance", .string, defaultValue: "none", validator: .oneOf(["none", "all"], ignoringCase: true),
            importance: .medium,
            documentation:
                "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
            group: errors, orderInGroup: 3, width: .short, displayName: "Error Tolerance"
        )
        .define(
            "errors.log.enable", .boolean, defaultValue: "false", importance: .medium,
            documentation:
                "If true, write each error and the details of the failed operation and problematic record to the Connect application log. This is 'false' by default, so that only errors that are not tolerated are reported.",
            group: errors, orderInGroup: 4, width: .short, displayName: "Log Errors"
        )
        .define(
            "errors.log.include.messages", .boolean, defaultValue: "false", importance: .medium,
            documentation:
                "Whether to include in the log the Connect record that resulted in a failure. For sink records, the topic, partition, offset, and timestamp will be logged. For source records, the key and value (and their schemas), all headers, and the timestamp, Kafka topic, Kafka partition, source partition, and source offset will be logged. This is 'false' by default, which will prevent record keys, values, and headers from being written to log files.",
            group: errors, orderInGroup: 5, width: .short, displayName: "Log Error Details")

    public static let sink =
        base
        .define(
            "topics", .list, defaultValue: "", importance: .high,
            documentation: "List of topics to consume, separated by commas", group: common, orderInGroup: 4,
            width: .long, displayName: "Topics"
        )
        .define(
            "topics.regex", .string, defaultValue: "", importance: .high,
            documentation:
                "Regular expression giving topics to consume. Under the hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. Only one of topics or topics.regex should be specified.",
            group: common, orderInGroup: 4, width: .long, displayName: "Topics regex"
        )
        .define(
            "errors.deadletterqueue.topic.name", .string, defaultValue: "", importance: .medium,
            documentation:
                "The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this sink connector, or its transformations or converters. The topic name is blank by default, which means that no messages are to be recorded in the DLQ.",
            group: errors, orderInGroup: 6, width: .medium, displayName: "Dead Letter Queue Topic Name"
        )
        .define(
            "errors.deadletterqueue.topic.replication.factor", .short, defaultValue: "3", importance: .medium,
            documentation:
                "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
            group: errors, orderInGroup: 7, width: .medium, displayName: "Dead Letter Queue Topic Replication Factor"
        )
        .define(
            "errors.deadletterqueue.context.headers.enable", .boolean, defaultValue: "false", importance: .medium,
            documentation:
                "If true, add headers containing error context to the messages written to the dead letter queue. To avoid clashing with headers from the original record, all error context header keys, all error context header keys will start with <code>__connect.errors.</code>",
            group: errors, orderInGroup: 8, width: .medium, displayName: "Enable Error Context Headers")

    public static let source =
        base
        .define(
            "topic.creation.groups", .list, defaultValue: "",
            validator: ConfigValidator("unique topic creation groups") { name, value in
                do throws(TopicCreation.Problem) {
                    _ = try TopicCreation.groupNames([name: value])
                    return nil
                } catch { return error.message }
            },
            importance: .low, documentation: "Groups of configurations for topics created by source connectors",
            group: "Topic Creation", orderInGroup: 1, width: .long, displayName: "Topic Creation Groups"
        )
        .define(
            "exactly.once.support", .string, defaultValue: "requested",
            validator: .oneOf(["requested", "required"], ignoringCase: true),
            importance: .medium,
            documentation:
                "Permitted values are requested, required. If set to \"required\", forces a preflight check for the connector to ensure that it can provide exactly-once semantics with the given configuration.",
            group: "Exactly Once Support", orderInGroup: 1, width: .medium, displayName: "Exactly once support"
        )
        .define(
            "transaction.boundary", .string, defaultValue: "poll",
            validator: .oneOf(["poll", "interval", "connector"], ignoringCase: true),
            importance: .medium,
            documentation:
                "Permitted values are: poll, interval, connector. If set to 'poll', a new producer transaction will be started and committed for every batch of records that each task from this connector provides to Connect.",
            group: "Exactly Once Support", orderInGroup: 2, width: .medium, displayName: "Transaction Boundary"
        )
        .define(
            "offsets.storage.topic", .string, defaultValue: .some(nil), importance: .low,
            documentation:
                "The name of a separate offsets topic to use for this connector. If empty or not specified, the worker’s global offsets topic name will be used.",
            group: "offsets.topic", orderInGroup: 1, width: .long, displayName: "Offsets topic")

    public static func framework(for type: ConnectorType) -> ConfigDef { type == .sink ? sink : source }
}

import ConnectAPI

/// Kafka's `FileStreamSourceConnector`: lines of a file (or standard input) into one topic.
public final class FileStreamSourceConnector: Connector {
    public static let className = "org.apache.kafka.connect.file.FileStreamSourceConnector"
    public static let taskClass = "org.apache.kafka.connect.file.FileStreamSourceTask"

    public static let configDef = ConfigDef()
        .define(
            "file", .string, defaultValue: .some(nil), importance: .high,
            documentation: "Source filename. If not specified, the standard input will be used"
        )
        .define(
            "topic", .string, validator: .nonEmptyString, importance: .high,
            documentation: "The topic to publish data to"
        )
        .define(
            "batch.size", .int, defaultValue: "2000", importance: .low,
            documentation: "The maximum number of records the source task can read from the file each time it is polled"
        )

    public static let plugin = ConnectorPlugin(
        className: className, type: .source, version: "3.9.0", configDef: configDef, taskClass: taskClass,
        makeConnector: { FileStreamSourceConnector() }, makeTask: { .source(FileStreamSourceTask()) })

    private var config: [String: String] = [:]
    public init() {}

    public func start(_ config: [String: String], context: any ConnectorContext) async throws {
        _ = try Self.configDef.parse(config)
        self.config = config
    }

    /// One task reads the whole file; more tasks would read the same lines twice.
    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] { [config] }

    public func stop() async {}

    public func validate(_ config: [String: String]) -> [String: [String]] {
        if let t = config["topic"], t.contains(",") {
            return [
                "topic": ["'topic' in FileStreamSourceConnector configuration requires definition of a single topic"]
            ]
        }
        return [:]
    }
}

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

    /// The plugin, reading only files under `allowedPaths` (the worker's `filestream.allowed.paths`).
    public static func plugin(allowedPaths: AllowedPaths) -> ConnectorPlugin {
        ConnectorPlugin(
            className: className, type: .source, version: "3.9.0", configDef: configDef, taskClass: taskClass,
            makeConnector: { FileStreamSourceConnector(allowedPaths: allowedPaths) },
            makeTask: { .source(FileStreamSourceTask(allowedPaths: allowedPaths)) })
    }

    private var config: [String: String] = [:]
    let allowedPaths: AllowedPaths
    public init(allowedPaths: AllowedPaths) { self.allowedPaths = allowedPaths }

    public func start(_ config: [String: String], context: any ConnectorContext) async throws {
        _ = try Self.configDef.parse(config)
        // Kafka's connector refuses these at start too (several topics, a file outside the allowed paths).
        if let (key, errors) = validate(config).sorted(by: { $0.key < $1.key }).first {
            throw ConnectError(.config, "Invalid value for configuration \(key): \(errors.joined(separator: "; "))")
        }
        self.config = config
    }

    /// One task reads the whole file; more tasks would read the same lines twice.
    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] { [config] }

    public func stop() async {}

    public func validate(_ config: [String: String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        if let t = config["topic"], t.contains(",") {
            out["topic"] = ["'topic' in FileStreamSourceConnector configuration requires definition of a single topic"]
        }
        if let why = FileStreamPaths.refusal(config["file"], allowedPaths) { out["file"] = [why] }
        return out
    }
}

import ConnectAPI

/// Confluent's S3 sink connector: topics into S3 objects, JSON lines or raw bytes, optionally gzip, laid
/// out by storage-common's partitioners, each record in exactly one object (reference connectors.md §3).
public final class S3SinkConnector: Connector {
    public static let className = "io.confluent.connect.s3.S3SinkConnector"
    public static let taskClass = "io.confluent.connect.s3.S3SinkTask"

    public static let plugin = ConnectorPlugin(
        className: className, type: .sink, version: "10.5.0", configDef: S3SinkConfig.configDef,
        taskClass: taskClass, makeConnector: { S3SinkConnector() }, makeTask: { .sink(S3SinkTask()) })

    private var raw: [String: String] = [:]

    public init() {}

    public func validate(_ config: [String: String]) -> [String: [String]] {
        S3SinkConfig.validate(config, env: ProcessEnvironment.all)
    }

    public func start(_ raw: [String: String], context: any ConnectorContext) async throws {
        _ = try S3SinkConfig(raw, env: ProcessEnvironment.all)
        self.raw = raw
    }

    /// Every task gets the connector's config; the worker spreads the topic partitions over them.
    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] {
        Array(repeating: raw, count: max(1, maxTasks))
    }

    public func stop() async {}

}

import ConnectAPI

/// Polls a Socrata open-data dataset (SODA 2.1) into a topic, incrementally by `:updated_at` with `:id`
/// as tie-break, so updates to old rows are delivered again (reference connectors.md §4.1).
public final class SocrataSourceConnector: Connector {
    public static let className = "io.tributary.connect.http.SocrataSourceConnector"
    public static let taskClass = "io.tributary.connect.http.SocrataSourceTask"

    public static let plugin = ConnectorPlugin(
        className: className, type: .source, version: "0.1.0", configDef: SocrataSourceConfig.configDef,
        taskClass: taskClass, makeConnector: { SocrataSourceConnector() }, makeTask: { .source(SocrataSourceTask()) })

    private var raw: [String: String] = [:]

    public init() {}

    public func validate(_ config: [String: String]) -> [String: [String]] { SocrataSourceConfig.validate(config) }

    public func start(_ raw: [String: String], context: any ConnectorContext) async throws {
        _ = try SocrataSourceConfig(raw)
        self.raw = raw
    }

    /// One dataset is one ordered stream: one task.
    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] { [raw] }

    public func stop() async {}
}

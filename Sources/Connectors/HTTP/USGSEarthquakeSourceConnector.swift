import ConnectAPI

/// Polls the USGS earthquake catalogue (FDSN event service or a summary feed) into a topic, keyed by
/// event id, each (id, updated) once (reference connectors.md §4.2).
public final class USGSEarthquakeSourceConnector: Connector {
    public static let className = "io.tributary.connect.http.USGSEarthquakeSourceConnector"
    public static let taskClass = "io.tributary.connect.http.USGSEarthquakeSourceTask"

    public static let plugin = ConnectorPlugin(
        className: className, type: .source, version: "0.1.0", configDef: USGSSourceConfig.configDef,
        taskClass: taskClass, makeConnector: { USGSEarthquakeSourceConnector() },
        makeTask: { .source(USGSEarthquakeSourceTask()) })

    private var raw: [String: String] = [:]

    public init() {}

    public func validate(_ config: [String: String]) -> [String: [String]] { USGSSourceConfig.validate(config) }

    public func start(_ raw: [String: String], context: any ConnectorContext) async throws {
        _ = try USGSSourceConfig(raw)
        self.raw = raw
    }

    /// One query or feed is one ordered stream: one task.
    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] { [raw] }

    public func stop() async {}
}

import ConnectAPI

/// A generic poller for JSON HTTP APIs, with the key names of castorm's kafka-connect-http
/// (`http.request.url`, `http.response.list.pointer`, …; reference connectors.md §4.3), on the same
/// polling engine as the Socrata and USGS sources.
public final class JsonHttpSourceConnector: Connector {
    public static let className = "io.tributary.connect.http.JsonHttpSourceConnector"
    public static let taskClass = "io.tributary.connect.http.JsonHttpSourceTask"

    public static let plugin = ConnectorPlugin(
        className: className, type: .source, version: "0.1.0", configDef: JsonHttpSourceConfig.configDef,
        taskClass: taskClass, makeConnector: { JsonHttpSourceConnector() }, makeTask: { .source(JsonHttpSourceTask()) })

    private var raw: [String: String] = [:]

    public init() {}

    public func validate(_ config: [String: String]) -> [String: [String]] { JsonHttpSourceConfig.validate(config) }

    public func start(_ raw: [String: String], context: any ConnectorContext) async throws {
        _ = try JsonHttpSourceConfig(raw)
        self.raw = raw
    }

    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] { [raw] }

    public func stop() async {}
}

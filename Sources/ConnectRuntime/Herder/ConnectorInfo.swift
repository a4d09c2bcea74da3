import ConnectAPI

/// A connector as `GET /connectors/{c}` shows it: its config with secrets hidden, its tasks, its type
/// (nil when its plugin is not installed here).
public struct ConnectorInfo: Sendable, Equatable {
    public let name: String
    public let config: JSONObject
    public let tasks: [ConnectorTaskId]
    public let type: ConnectorType?
}

/// One task's config as `GET /connectors/{c}/tasks` shows it, secrets hidden.
public struct TaskInfo: Sendable, Equatable {
    public let id: ConnectorTaskId
    public let config: JSONObject
}

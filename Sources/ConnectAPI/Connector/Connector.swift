public import Logging

/// A connector: reads its configuration and splits the work into task configurations.
///
/// Instances are created per connector start and used from one task at a time (not `Sendable`).
public protocol Connector: AnyObject {
    func start(_ config: [String: String], context: any ConnectorContext) async throws
    /// At most `maxTasks` task configurations.
    func taskConfigs(maxTasks: Int) async throws -> [[String: String]]
    func stop() async
    /// Extra checks across keys, after the ConfigDef's own (e.g. "one of a or b"). Returns errors per key.
    func validate(_ config: [String: String]) -> [String: [String]]
}

extension Connector {
    public func validate(_ config: [String: String]) -> [String: [String]] { [:] }
}

/// What the runtime offers a running connector.
public protocol ConnectorContext: Sendable {
    var logger: Logger { get }
    /// Asks the runtime to call `taskConfigs` again (e.g. the set of tables changed).
    func requestTaskReconfiguration()
    /// Fails the connector with this error.
    func raiseError(_ error: any Error)
    /// Reads committed source offsets (source connectors).
    var offsetStorageReader: any OffsetStorageReader { get }
}

/// Committed source offsets, looked up by partition map.
public protocol OffsetStorageReader: Sendable {
    func offset(for partition: JSONObject) async -> JSONObject?
}

/// The kind of a connector plugin.
public enum ConnectorType: String, Sendable {
    case source, sink
}

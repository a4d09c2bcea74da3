public import ConnectAPI

/// A connector plugin run as the worker runs it, without Kafka: its config validated, the connector
/// started and asked for task configs, and its tasks made from those configs. The model is Kafka's
/// connector unit tests, which drive a connector and its tasks through mocked contexts.
///
///     let harness = ConnectorHarness(FileStreamSourceConnector.plugin(allowedPaths: allowed))
///     let configs = try await harness.taskConfigs(["file": path, "topic": "lines"], maxTasks: 1)
///     let task = try await harness.sourceTask(configs[0])
///     let records = try await task.poll()
public final class ConnectorHarness {
    public let plugin: ConnectorPlugin
    /// Source offsets, shared by every source task this harness makes (a restart resumes from them).
    public let offsets: InMemoryOffsetStorage
    /// What the connector and its tasks logged.
    public let log = CapturedLog()

    public init(_ plugin: ConnectorPlugin, offsets: InMemoryOffsetStorage = InMemoryOffsetStorage()) {
        self.plugin = plugin
        self.offsets = offsets
    }

    /// The errors `config/validate` would show per key: the plugin's ConfigDef, then the connector's own
    /// cross-key checks (only keys with errors).
    public func validate(_ config: [String: String]) -> [String: [String]] {
        var errors = plugin.configDef.validate(config)
        for (key, more) in plugin.makeConnector().validate(config) { errors[key, default: []] += more }
        return errors.filter { !$0.value.isEmpty }
    }

    /// Starts the connector with `config`, returns its task configs for `maxTasks`, and stops it. The
    /// context it ran with is returned for what it asked of the runtime.
    public func taskConfigs(_ config: [String: String], maxTasks: Int = 1) async throws -> [[String: String]] {
        try await run(config) { try await $0.taskConfigs(maxTasks: maxTasks) }.result
    }

    /// Runs `body` on the started connector, then stops it.
    public func run<R>(_ config: [String: String], _ body: (any Connector) async throws -> R) async throws -> (
        result: R, context: RecordingConnectorContext
    ) {
        let connector = plugin.makeConnector()
        let context = RecordingConnectorContext(logger: log.logger("connector"), offsets: offsets)
        try await connector.start(config, context: context)
        do {
            let result = try await body(connector)
            await connector.stop()
            return (result, context)
        } catch {
            await connector.stop()
            throw error
        }
    }

    /// A started source task for `config` (one of `taskConfigs`).
    public func sourceTask(_ config: [String: String]) async throws -> SourceTaskHarness {
        guard case .source(let task) = plugin.makeTask() else {
            throw ConnectError(.config, "\(plugin.className) is not a source connector")
        }
        let harness = SourceTaskHarness(
            task: task, context: RecordingSourceTaskContext(logger: log.logger("task"), offsets: offsets),
            offsets: offsets)
        try await task.start(config, context: harness.context)
        return harness
    }

    /// A started sink task for `config`, opened on `partitions`; with `tolerateErrors` it has an errant
    /// record reporter (`errors.tolerance=all`).
    public func sinkTask(
        _ config: [String: String], partitions: [TopicPartition], tolerateErrors: Bool = false
    ) async throws -> SinkTaskHarness {
        guard case .sink(let task) = plugin.makeTask() else {
            throw ConnectError(.config, "\(plugin.className) is not a sink connector")
        }
        let reporter = tolerateErrors ? RecordingErrantRecordReporter() : nil
        let context = RecordingSinkTaskContext(logger: log.logger("task"), reporter: reporter)
        let harness = SinkTaskHarness(task: task, context: context, reporter: reporter)
        try await task.start(config, context: context)
        try await harness.open(partitions)
        return harness
    }
}

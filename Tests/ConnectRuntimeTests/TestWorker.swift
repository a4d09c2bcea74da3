import ConnectAPI
import Logging

@testable import ConnectRuntime

/// What the runtime's unit tests build the same way: a worker config that reaches no broker, and the
/// setup of a task run without a Herder.
enum TestWorker {
    static func config(_ extra: [(String, String)] = []) throws -> WorkerConfig {
        try WorkerConfig(
            properties: [
                ("bootstrap.servers", "127.0.0.1:1"), ("group.id", "g"), ("config.storage.topic", "c"),
                ("offset.storage.topic", "o"), ("status.storage.topic", "s"),
                ("key.converter", "org.apache.kafka.connect.json.JsonConverter"),
                ("value.converter", "org.apache.kafka.connect.json.JsonConverter"),
            ] + extra)
    }

    /// Task `c-0` of `plugin` with string converters, reporting its state changes to `report`.
    static func taskSetup(
        plugin: ConnectorPlugin, transformations: TransformationChain = .empty, control: TaskControl,
        report: @escaping StatusReporter
    ) throws -> WorkerTaskSetup {
        WorkerTaskSetup(
            id: ConnectorTaskId("c", 0), taskConfig: [:], plugin: plugin,
            converters: try ConnectorConverters(
                connectorConfig: [
                    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                    "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                ], workerConfig: [:], registry: .withBuiltins()),
            transformations: transformations, control: control, logger: Logger(label: "test"), report: report,
            onTopic: { _ in })
    }
}

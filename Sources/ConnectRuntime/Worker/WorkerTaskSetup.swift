import ConnectAPI
import Logging

/// What every task runner (source or sink) is given: the task, how to convert and transform its
/// records, its stop/pause signals, and how to report its state and the topics it uses.
struct WorkerTaskSetup: Sendable {
    let id: ConnectorTaskId
    let taskConfig: [String: String]
    let plugin: ConnectorPlugin
    let converters: ConnectorConverters
    let transformations: TransformationChain
    let control: TaskControl
    let logger: Logger
    let report: StatusReporter
    let onTopic: @Sendable (String) async -> Void

    /// A task failure as a ConnectError; errors that are not ConnectErrors get `context` in front.
    static func wrap(_ error: any Error, _ context: String) -> ConnectError {
        if let e = error as? ConnectError { return e }
        return ConnectError(.connect, "\(context): \(error)", cause: nil)
    }
}

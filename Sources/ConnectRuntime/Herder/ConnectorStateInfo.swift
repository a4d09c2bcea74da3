import ConnectAPI

/// A connector's status and its tasks' (`GET /connectors/{c}/status`), or the plan of a restart.
public struct ConnectorStateInfo: Sendable, Equatable {
    /// The state of the connector instance or of one task, and the worker reporting it.
    public struct State: Sendable, Equatable {
        public var state: ConnectorState
        public var workerId: String
        public var trace: String?

        init(_ record: StatusRecord) {
            state = record.state
            workerId = record.workerId
            trace = record.trace.flatMap { $0.isEmpty ? nil : $0 }
        }
    }
    public struct TaskState: Sendable, Equatable {
        public let id: Int
        public var state: State
    }
    public let name: String
    public var connector: State
    public var tasks: [TaskState]
    public let type: ConnectorType?
}

public import ConnectAPI
public import Logging
import Synchronization

/// The context a connector sees, recording what it asked of the runtime.
public final class RecordingConnectorContext: ConnectorContext {
    public let logger: Logger
    public let offsetStorageReader: any OffsetStorageReader
    private let state = Mutex<(reconfigurations: Int, errors: [String])>((0, []))

    public init(logger: Logger, offsets: any OffsetStorageReader) {
        self.logger = logger
        self.offsetStorageReader = offsets
    }

    public func requestTaskReconfiguration() { state.withLock { $0.reconfigurations += 1 } }
    public func raiseError(_ error: any Error) { state.withLock { $0.errors.append("\(error)") } }

    /// How often the connector asked for new task configs.
    public var reconfigurationRequests: Int { state.withLock { $0.reconfigurations } }
    /// The errors it raised, as text.
    public var raisedErrors: [String] { state.withLock { $0.errors } }
}

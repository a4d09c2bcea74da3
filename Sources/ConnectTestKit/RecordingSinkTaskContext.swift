public import ConnectAPI
public import Logging
import Synchronization

/// The context a sink task sees: its assignment, and what it asked of the runtime (seeks, a retry
/// timeout, a commit). With `tolerateErrors` it has an errant record reporter, as under
/// `errors.tolerance=all`, that keeps what the task reported.
public final class RecordingSinkTaskContext: SinkTaskContext {
    public let logger: Logger
    public let errantRecordReporter: (any ErrantRecordReporter)?
    private struct State {
        var assignment: Set<TopicPartition> = []
        var seeks: [TopicPartition: Int64] = [:]
        var timeoutMs: Int64?
        var commitRequests = 0
    }
    private let state = Mutex(State())

    public init(logger: Logger, reporter: RecordingErrantRecordReporter?) {
        self.logger = logger
        self.errantRecordReporter = reporter
    }

    public func offset(_ partition: TopicPartition, _ offset: Int64) { state.withLock { $0.seeks[partition] = offset } }
    public func timeout(_ milliseconds: Int64) { state.withLock { $0.timeoutMs = milliseconds } }
    public func requestCommit() { state.withLock { $0.commitRequests += 1 } }
    public func assignment() -> Set<TopicPartition> { state.withLock { $0.assignment } }

    public func setAssignment(_ partitions: Set<TopicPartition>) { state.withLock { $0.assignment = partitions } }
    /// Where the task asked each partition to be read from next.
    public var seeks: [TopicPartition: Int64] { state.withLock { $0.seeks } }
    /// The wait the task asked for before a redelivery, if any.
    public var timeoutMs: Int64? { state.withLock { $0.timeoutMs } }
    public var commitRequests: Int { state.withLock { $0.commitRequests } }
}

/// Keeps the records a sink task reported as errant, with the error's text (what the dead-letter queue's
/// `__connect.errors.exception.message` would hold).
public final class RecordingErrantRecordReporter: ErrantRecordReporter {
    public struct Report: Sendable {
        public let record: SinkRecord
        public let message: String
    }
    private let reports = Mutex<[Report]>([])

    public init() {}

    public func report(_ record: SinkRecord, _ error: any Error) async throws {
        let message = (error as? ConnectError)?.message ?? "\(error)"
        reports.withLock { $0.append(Report(record: record, message: message)) }
    }

    public var reported: [Report] { reports.withLock { $0 } }
}

public import ConnectAPI
public import Logging
import Synchronization

/// The context a sink task sees: its assignment, and what it asked of the runtime (seeks, pauses, a retry
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
        var paused: Set<TopicPartition> = []
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

    public func pause(_ partitions: [TopicPartition]) throws {
        try state.withLock { s in
            try Self.checkAssigned(partitions, s.assignment, "pause")
            s.paused.formUnion(partitions)
        }
    }
    public func resume(_ partitions: [TopicPartition]) throws {
        try state.withLock { s in
            try Self.checkAssigned(partitions, s.assignment, "resume")
            s.paused.subtract(partitions)
        }
    }

    private static func checkAssigned(_ partitions: [TopicPartition], _ assignment: Set<TopicPartition>, _ verb: String)
        throws
    {
        if let p = partitions.first(where: { !assignment.contains($0) }) {
            throw ConnectError(
                .connect,
                "SinkTasks may not \(verb) partitions that are not currently assigned to them: No current assignment for partition \(p.topic)-\(p.partition)"
            )
        }
    }

    /// A rebalance: the partitions no longer assigned are no longer paused.
    public func setAssignment(_ partitions: Set<TopicPartition>) {
        state.withLock {
            $0.assignment = partitions
            $0.paused.formIntersection(partitions)
        }
    }
    /// The partitions the task has paused (and not resumed) of its assignment.
    public var paused: Set<TopicPartition> { state.withLock { $0.paused } }
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

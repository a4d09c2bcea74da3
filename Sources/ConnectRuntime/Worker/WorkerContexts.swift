import ConnectAPI
import KafkaClient
import Logging
import Synchronization

/// Reads committed source offsets of one connector.
struct ConnectorOffsetReader: OffsetStorageReader {
    let connector: String
    let store: OffsetBackingStore
    func offset(for partition: JSONObject) async -> JSONObject? {
        store.offset(connector: connector, partition: partition)
    }
}

struct WorkerSourceTaskContext: SourceTaskContext {
    let logger: Logger
    let offsetStorageReader: any OffsetStorageReader
    let control: TaskControl
    let report: StatusReporter
    let delivered: DeliveredRecordsReader
    var isStopping: Bool { control.isStopping }

    func scanDelivered(topic: String, place: (DeliveredRecord) -> DeliveredRecord.Place) async throws {
        try await delivered.scan(topic: topic, place: place)
    }

    /// A RUNNING status with the problem as its trace (or without, to clear it).
    func reportProblem(_ message: String?) async {
        guard !control.isPaused, !control.isStopping else { return }
        await report(.running, message.map { ConnectError(.connect, $0) })
    }
}

final class WorkerSinkTaskContext: SinkTaskContext {
    let logger: Logger
    private struct State {
        var seeks: [TopicPartition: Int64] = [:]
        var timeoutMs: Int64 = 0
        var commitRequested = false
        var assignment: Set<TopicPartition> = []
        var pauseRequests: [SinkDeliveryStateMachine.TaskRequest] = []
    }
    private let state = Mutex(State())
    let errantRecordReporter: (any ErrantRecordReporter)?
    init(logger: Logger, errantRecordReporter: (any ErrantRecordReporter)? = nil) {
        self.logger = logger
        self.errantRecordReporter = errantRecordReporter
    }

    func offset(_ partition: TopicPartition, _ offset: Int64) { state.withLock { $0.seeks[partition] = offset } }
    func timeout(_ milliseconds: Int64) { state.withLock { $0.timeoutMs = milliseconds } }
    func requestCommit() { state.withLock { $0.commitRequested = true } }
    func assignment() -> Set<TopicPartition> { state.withLock { $0.assignment } }

    func pause(_ partitions: [TopicPartition]) throws { try request(.pause(Set(partitions)), "pause") }
    func resume(_ partitions: [TopicPartition]) throws { try request(.resume(Set(partitions)), "resume") }

    /// Recorded for the sink loop, which applies the requests to its consumer after the task's call
    /// returns (the consumer is the loop's alone). Checked against the assignment now, as the consumer
    /// would check them.
    private func request(_ r: SinkDeliveryStateMachine.TaskRequest, _ verb: String) throws {
        try state.withLock { s in
            if let p = r.partitions.first(where: { !s.assignment.contains($0) }) {
                throw Self.notAssigned(p, verb)
            }
            s.pauseRequests.append(r)
        }
    }

    /// Kafka Connect's IllegalWorkerStateException, with the consumer's IllegalStateException after it.
    static func notAssigned(_ p: TopicPartition, _ verb: String) -> ConnectError {
        ConnectError(
            .connect,
            "SinkTasks may not \(verb) partitions that are not currently assigned to them: No current assignment for partition \(p.topic)-\(p.partition)"
        )
    }

    func setAssignment(_ a: Set<TopicPartition>) { state.withLock { $0.assignment = a } }
    /// The task's pause and resume requests since the last call, in order.
    func takePauseRequests() -> [SinkDeliveryStateMachine.TaskRequest] {
        state.withLock { s in
            defer { s.pauseRequests.removeAll() }
            return s.pauseRequests
        }
    }
    func takeSeeks() -> [TopicPartition: Int64] {
        state.withLock { s in
            defer { s.seeks.removeAll() }
            return s.seeks
        }
    }
    func takeCommitRequest() -> Bool {
        state.withLock { s in
            defer { s.commitRequested = false }
            return s.commitRequested
        }
    }
    var retryTimeoutMs: Int64 { state.withLock { $0.timeoutMs } }
}

/// How a task or connector reports its state to the herder.
typealias StatusReporter = @Sendable (ConnectorState, ConnectError?) async -> Void

/// Milliseconds on a monotonic clock.
func monotonicMs() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

func wallClockMs() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

#if canImport(Glibc)
    import Glibc
#endif

/// The errant record reporter a sink task sees under `errors.tolerance=all`: a reported record is found
/// among the consumed records of the batch being put (for the dead-letter queue's original bytes) and
/// handed to the task's ErrorHandler at stage TASK_PUT.
final class SinkErrantReporter: ErrantRecordReporter {
    private struct Coordinates: Hashable {
        let topic: String
        let partition: Int32
        let offset: Int64
    }
    private let errors: ErrorHandler
    private let taskClass: String
    private let originals = Mutex<[Coordinates: KafkaMessage]>([:])

    init(errors: ErrorHandler, taskClass: String) {
        self.errors = errors
        self.taskClass = taskClass
    }

    func setOriginals(_ messages: [KafkaMessage]) {
        var index: [Coordinates: KafkaMessage] = [:]
        for m in messages { index[Coordinates(topic: m.topic, partition: m.partition, offset: m.offset)] = m }
        originals.withLock { $0 = index }
    }

    func report(_ record: SinkRecord, _ error: any Error) async throws {
        let key = Coordinates(
            topic: record.originalTopic, partition: record.originalKafkaPartition, offset: record.kafkaOffset)
        let consumed = originals.withLock { $0[key] }
        try await errors.report(.taskPut, className: taskClass, consumed: consumed, record: record, error)
    }
}

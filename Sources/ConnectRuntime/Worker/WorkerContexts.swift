import ConnectAPI
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
    var isStopping: Bool { control.isStopping }
}

final class WorkerSinkTaskContext: SinkTaskContext {
    let logger: Logger
    private struct State {
        var seeks: [TopicPartition: Int64] = [:]
        var timeoutMs: Int64 = 0
        var commitRequested = false
        var assignment: Set<TopicPartition> = []
    }
    private let state = Mutex(State())
    init(logger: Logger) { self.logger = logger }

    func offset(_ partition: TopicPartition, _ offset: Int64) { state.withLock { $0.seeks[partition] = offset } }
    func timeout(_ milliseconds: Int64) { state.withLock { $0.timeoutMs = milliseconds } }
    func requestCommit() { state.withLock { $0.commitRequested = true } }
    func assignment() -> Set<TopicPartition> { state.withLock { $0.assignment } }

    func setAssignment(_ a: Set<TopicPartition>) { state.withLock { $0.assignment = a } }
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

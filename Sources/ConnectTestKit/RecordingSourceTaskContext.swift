public import ConnectAPI
public import Logging
import Synchronization

/// The context a source task sees: offsets from an `InMemoryOffsetStorage`, a stop flag the harness
/// sets, the problems the task reported, and, for `scanDelivered`, the records a test says the topic
/// already holds.
public final class RecordingSourceTaskContext: SourceTaskContext {
    public let logger: Logger
    public let offsetStorageReader: any OffsetStorageReader
    private struct State {
        var stopping = false
        var problems: [String?] = []
        var delivered: [String: [DeliveredRecord]] = [:]
    }
    private let state = Mutex(State())

    public init(logger: Logger, offsets: any OffsetStorageReader) {
        self.logger = logger
        self.offsetStorageReader = offsets
    }

    public var isStopping: Bool { state.withLock { $0.stopping } }
    public func setStopping() { state.withLock { $0.stopping = true } }

    public func reportProblem(_ message: String?) async { state.withLock { $0.problems.append(message) } }
    /// Every report, in order (nil: the problem was cleared).
    public var problems: [String?] { state.withLock { $0.problems } }

    /// Records `topic` holds, newest last, for a task that reads back what it delivered before.
    public func setDelivered(_ records: [DeliveredRecord], topic: String) {
        state.withLock { $0.delivered[topic] = records }
    }

    /// Newest first, until `place` puts one at or before the stored offset (one chunk, as the worker's
    /// scan stops at the chunk holding that record).
    public func scanDelivered(topic: String, place: (DeliveredRecord) -> DeliveredRecord.Place) async throws {
        let records = state.withLock { $0.delivered[topic] ?? [] }
        for r in records.reversed() where place(r) == .atOrBefore { return }
    }
}

public import ConnectAPI

/// A started sink task, driven as `WorkerSinkTask` drives it: batches to `put`, then an offset commit
/// (`preCommit` with the next offset to read per partition; what it returns is committed).
public final class SinkTaskHarness {
    public let task: any SinkTask
    public let context: RecordingSinkTaskContext
    /// The errant record reporter when the task tolerates errors.
    public let reporter: RecordingErrantRecordReporter?
    /// The next offset to read per partition, after the records put so far.
    public private(set) var consumed: [TopicPartition: Int64] = [:]
    /// What the commits so far committed, per partition.
    public private(set) var committed: [TopicPartition: Int64] = [:]

    init(task: any SinkTask, context: RecordingSinkTaskContext, reporter: RecordingErrantRecordReporter?) {
        self.task = task
        self.context = context
        self.reporter = reporter
    }

    /// Records reported as errant, with their messages.
    public var reported: [RecordingErrantRecordReporter.Report] { reporter?.reported ?? [] }

    /// Assigns and opens partitions (a rebalance gave them to the task).
    public func open(_ partitions: [TopicPartition]) async throws {
        context.setAssignment(context.assignment().union(partitions))
        try await task.open(partitions)
    }

    /// One batch; the consumed positions move past it.
    public func put(_ records: [SinkRecord]) async throws {
        try await task.put(records)
        for r in records {
            let tp = TopicPartition(r.originalTopic, r.originalKafkaPartition)
            consumed[tp] = max(consumed[tp] ?? 0, r.kafkaOffset + 1)
        }
    }

    /// The offset commit: `preCommit` (by default `flush`) with the consumed positions of the assigned
    /// partitions; returns and keeps what the task says is safe to commit.
    @discardableResult
    public func commit() async throws -> [TopicPartition: Int64] {
        let assigned = context.assignment()
        let current = consumed.filter { assigned.contains($0.key) }
        let safe = try await task.preCommit(current)
        committed.merge(safe) { _, new in new }
        return safe
    }

    /// Closes partitions (revoked), as a rebalance does: commit first, then `close`.
    public func close(_ partitions: [TopicPartition]) async throws {
        try await commit()
        try await task.close(partitions)
        context.setAssignment(context.assignment().subtracting(partitions))
    }

    /// Closes every partition and stops the task, as the worker stops it.
    public func stop() async throws {
        try await close(Array(context.assignment()).sorted())
        await task.stop()
    }
}

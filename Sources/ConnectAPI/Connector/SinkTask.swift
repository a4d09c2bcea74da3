public import Logging

/// A sink task: writes records to an external system.
public protocol SinkTask: AnyObject {
    func start(_ config: [String: String], context: any SinkTaskContext) async throws
    func open(_ partitions: [TopicPartition]) async throws
    func put(_ records: [SinkRecord]) async throws
    func flush(_ offsets: [TopicPartition: Int64]) async throws
    /// The offsets that are safe to commit (next offset to read per partition); by default flushes and
    /// returns `offsets`. An empty result skips the commit.
    func preCommit(_ offsets: [TopicPartition: Int64]) async throws -> [TopicPartition: Int64]
    func close(_ partitions: [TopicPartition]) async throws
    func stop() async
}

extension SinkTask {
    public func open(_ partitions: [TopicPartition]) async throws {}
    public func flush(_ offsets: [TopicPartition: Int64]) async throws {}
    public func preCommit(_ offsets: [TopicPartition: Int64]) async throws -> [TopicPartition: Int64] {
        try await flush(offsets)
        return offsets
    }
    public func close(_ partitions: [TopicPartition]) async throws {}
}

/// What the runtime offers a running sink task.
public protocol SinkTaskContext: Sendable {
    var logger: Logger { get }
    /// Rewinds (or skips) a partition to `offset`.
    func offset(_ partition: TopicPartition, _ offset: Int64)
    /// After a retriable failure, wait this long before redelivering.
    func timeout(_ milliseconds: Int64)
    func requestCommit()
    func assignment() -> Set<TopicPartition>
}

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

/// A sink task that writes schemaless JSON values out as JSON (the S3 sink's JsonFormat) or text (the
/// JDBC sink's COPY) and can take them as the bytes consumed. When `takesValueJSON` is true after `start`, the value converter is
/// JsonConverter without schemas and the connector has no transformations, a value already in the form
/// JsonConverter writes comes as `SinkRecord.valueJSON` instead of being parsed into a `Value`; any other
/// value is converted as usual.
public protocol JSONValueSinkTask: SinkTask {
    var takesValueJSON: Bool { get }
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
    /// Stops fetching records of `partitions` until `resume`; `put` gets none of theirs meanwhile. They
    /// stay paused across a redelivery after a retriable `put`; a rebalance forgets the pause of the
    /// partitions it revokes. Throws when a partition is not assigned to the task (Kafka Connect's
    /// `IllegalWorkerStateException`), pausing none of them.
    func pause(_ partitions: [TopicPartition]) throws
    /// Fetches the records of `partitions` again. Throws when a partition is not assigned to the task.
    func resume(_ partitions: [TopicPartition]) throws
    /// Where a task reports records it cannot write (KIP-610), when the connector tolerates errors
    /// (`errors.tolerance=all`): they are logged and sent to the dead-letter queue, and the task goes on.
    /// nil otherwise: the task should fail with the cause, as before.
    var errantRecordReporter: (any ErrantRecordReporter)? { get }
}

extension SinkTaskContext {
    public var errantRecordReporter: (any ErrantRecordReporter)? { nil }
}

/// Reports a record a sink task could not write. Returns once the report is durable (the dead-letter
/// record acknowledged), so the record's offset may then be committed; throws when the error may not be
/// tolerated after all.
public protocol ErrantRecordReporter: Sendable {
    func report(_ record: SinkRecord, _ error: any Error) async throws
}

public import Logging

/// A source task: produces records from an external system.
public protocol SourceTask: AnyObject {
    func start(_ config: [String: String], context: any SourceTaskContext) async throws
    /// Returns the next records, or an empty array when there is nothing yet (after waiting a little).
    /// Should return promptly once `context.isStopping` is true.
    func poll() async throws -> [SourceRecord]
    /// Called after the framework committed offsets.
    func commit() async throws
    /// Called once Kafka acknowledged `record`, as polled (before the transformations), from the task's
    /// own loop between polls; metadata is nil when the record was not written: a transformation
    /// dropped it, or its failure was tolerated (`errors.tolerance=all`). Called only when
    /// `wantsCommitRecord` is true.
    func commitRecord(_ record: SourceRecord, metadata: RecordMetadata?) async throws
    /// True for a task that implements `commitRecord`: the runtime then keeps every record until Kafka
    /// acknowledged it, which costs memory and time on the hot path, so a task that does not need it
    /// leaves the default (false). (A Tributary addition to Kafka Connect's API.)
    var wantsCommitRecord: Bool { get }
    func stop() async
}

extension SourceTask {
    public func commit() async throws {}
    public func commitRecord(_ record: SourceRecord, metadata: RecordMetadata?) async throws {}
    public var wantsCommitRecord: Bool { false }
}

/// What the runtime offers a running source task.
public protocol SourceTaskContext: Sendable {
    var logger: Logger { get }
    var offsetStorageReader: any OffsetStorageReader { get }
    /// True once the task has been asked to stop; long waits in `poll` should end.
    var isStopping: Bool { get }
    /// Tells the runtime why polls get no data for now (the external system throttles, fails or answers
    /// garbage) while the task keeps running: shown as the task status's trace; nil clears it.
    /// (A Tributary addition to Kafka Connect's API.)
    func reportProblem(_ message: String?) async
    /// Reads back what `topic` already holds, newest records first: every partition in chunks going back
    /// from its end until `place` puts a record of a chunk `.atOrBefore` the task's stored offset, or the
    /// partition's beginning. A task that resumes calls it to find the records Kafka acknowledged after
    /// the last offset commit (a crash in between) and not write them again. Records the converters cannot
    /// read are not shown. (A Tributary addition to Kafka Connect's API.)
    func scanDelivered(topic: String, place: (DeliveredRecord) -> DeliveredRecord.Place) async throws
}

extension SourceTaskContext {
    public func reportProblem(_ message: String?) async {}
    public func scanDelivered(topic: String, place: (DeliveredRecord) -> DeliveredRecord.Place) async throws {}
}

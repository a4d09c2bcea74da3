public import Logging

/// A source task: produces records from an external system.
public protocol SourceTask: AnyObject {
    func start(_ config: [String: String], context: any SourceTaskContext) async throws
    /// Returns the next records, or an empty array when there is nothing yet (after waiting a little).
    /// Should return promptly once `context.isStopping` is true.
    func poll() async throws -> [SourceRecord]
    /// Called after the framework committed offsets.
    func commit() async throws
    /// Called once Kafka acknowledged `record` (metadata nil when a transformation dropped it).
    func commitRecord(_ record: SourceRecord, metadata: RecordMetadata?) async throws
    func stop() async
}

extension SourceTask {
    public func commit() async throws {}
    public func commitRecord(_ record: SourceRecord, metadata: RecordMetadata?) async throws {}
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
}

extension SourceTaskContext {
    public func reportProblem(_ message: String?) async {}
}

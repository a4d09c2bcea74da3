public import ConnectAPI

/// A started source task, driven as `WorkerSourceTask` drives it: `poll`, then the acknowledgements
/// Kafka would send (`commitRecord` per record, in order), then an offset commit (the newest offset of
/// each source partition stored, then `commit`).
public final class SourceTaskHarness {
    public let task: any SourceTask
    public let context: RecordingSourceTaskContext
    let offsets: InMemoryOffsetStorage
    /// Acknowledged offsets not committed yet, newest per source partition.
    private var pending: [JSONObject: JSONObject] = [:]
    /// The next Kafka offset per topic-partition, for the metadata of acknowledgements.
    private var nextOffset: [TopicPartition: Int64] = [:]
    /// Every acknowledgement given, in order.
    public private(set) var acknowledged: [RecordMetadata] = []

    init(task: any SourceTask, context: RecordingSourceTaskContext, offsets: InMemoryOffsetStorage) {
        self.task = task
        self.context = context
        self.offsets = offsets
    }

    /// One poll.
    public func poll() async throws -> [SourceRecord] { try await task.poll() }

    /// Polls until at least `count` records came, or `maxPolls` polls returned nothing new: a bound on
    /// polls, not on time, so a slow machine does not fail the test.
    public func poll(atLeast count: Int, maxPolls: Int = 50) async throws -> [SourceRecord] {
        var records: [SourceRecord] = []
        var idle = 0
        while records.count < count && idle < maxPolls {
            let batch = try await task.poll()
            idle = batch.isEmpty ? idle + 1 : 0
            records += batch
        }
        return records
    }

    /// Kafka acknowledged `records` (written to partition 0 of their topic unless they name one): each
    /// is passed to `commitRecord` with its metadata, and its offset waits for the next `commitOffsets`.
    public func acknowledge(_ records: [SourceRecord]) async throws {
        for r in records {
            let tp = TopicPartition(r.topic, r.kafkaPartition ?? 0)
            let offset = nextOffset[tp, default: 0]
            nextOffset[tp] = offset + 1
            let metadata = RecordMetadata(topic: r.topic, partition: tp.partition, offset: offset)
            acknowledged.append(metadata)
            pending[r.sourcePartition] = r.sourceOffset
            try await task.commitRecord(r, metadata: metadata)
        }
    }

    /// A record a transformation dropped: acknowledged without metadata, as Kafka Connect does.
    public func acknowledgeDropped(_ record: SourceRecord) async throws {
        pending[record.sourcePartition] = record.sourceOffset
        try await task.commitRecord(record, metadata: nil)
    }

    /// Stores the acknowledged offsets and calls `commit`, as the worker's offset commit does.
    public func commitOffsets() async throws {
        offsets.commit(pending)
        pending.removeAll()
        try await task.commit()
    }

    /// Sets the stop flag (a waiting `poll` should return) and stops the task.
    public func stop() async {
        context.setStopping()
        await task.stop()
    }
}

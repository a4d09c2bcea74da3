import ConnectAPI
import CurlClient

/// Writes each assigned Kafka partition's records to S3 objects through a `TopicPartitionWriter`, and
/// tells the worker to commit only the offsets of records that are in completed objects.
///
/// When the Swift task running `put` is cancelled (a worker giving up on a task that does not stop),
/// nothing more becomes visible: the open files' multipart uploads are aborted instead of completed and
/// `put` throws `CancellationError`. `stop` and `close` always abort open files.
public final class S3SinkTask: JSONValueSinkTask {
    private var config: S3SinkConfig?
    private var context: (any SinkTaskContext)?
    private var storage: S3Storage?
    private var encoder: RecordEncoder?
    private var writers: [TopicPartition: TopicPartitionWriter] = [:]
    private let env: [String: String]
    private let now: () -> Int64

    public convenience init() { self.init(env: ProcessEnvironment.all, now: SystemClock.nowMs) }

    init(env: [String: String], now: @escaping () -> Int64) {
        self.env = env
        self.now = now
    }

    public func start(_ raw: [String: String], context: any SinkTaskContext) async throws {
        let config = try S3SinkConfig(raw, env: env)
        self.config = config
        self.context = context
        encoder = try RecordEncoder(config)
        let logger = context.logger
        let storage = try S3Storage(
            bucket: config.bucket, endpoint: config.endpoint, pathStyle: config.pathStyle, region: config.region,
            credentials: config.credentials,
            retry: RetryPolicy(attempts: config.partRetries + 1, baseDelayMs: max(1, config.s3RetryBackoffMs)),
            options: config.objectOptions,
            log: { logger.warning("\($0)") })
        try await storage.checkBucket()
        self.storage = storage
        for tp in context.assignment() { openWriter(tp) }
    }

    /// JsonFormat writes a value as JsonConverter without schemas does, so a value consumed in that form
    /// is copied rather than parsed and written again, unless the partitioner or the timestamp extractor
    /// reads fields of the value.
    public var takesValueJSON: Bool {
        guard let config, case .json = config.format else { return false }
        if case .field = config.partitioner { return false }
        if case .recordField = config.timestamps { return false }
        return true
    }

    public func open(_ partitions: [TopicPartition]) async throws {
        for tp in partitions { openWriter(tp) }
    }

    private func openWriter(_ tp: TopicPartition) {
        guard writers[tp] == nil, let config, let storage, let encoder else { return }
        writers[tp] = TopicPartitionWriter(partition: tp, config: config, storage: storage, encoder: encoder, now: now)
    }

    public func put(_ records: [SinkRecord]) async throws {
        guard let config, let context else { return }
        do {
            try await write(records, config, context)
        } catch {
            guard Task.isCancelled else { throw error }
            await abandonAll()
            throw CancellationError()
        }
    }

    private func write(_ records: [SinkRecord], _ config: S3SinkConfig, _ context: any SinkTaskContext) async throws {
        do {
            // The writer of the previous record's partition: a batch is mostly runs of one partition,
            // and looking it up hashed the topic name twice per record.
            var last: (topic: String, partition: Int32, writer: TopicPartitionWriter)?
            var i = 0
            while i < records.count {
                // A run of records written without an async call, read in place: an async call took a copy
                // of each record (a retain and a release per field). It ends at a record that needs one.
                let (next, written, writer) = records.withUnsafeBufferPointer {
                    buf -> (Int, TopicPartitionWriter.Written, TopicPartitionWriter?) in
                    var j = i
                    while j < buf.count {
                        let record = buf.baseAddress! + j
                        let writer = self.writer(for: record, &last)
                        switch writer.writeNow(record) {
                        case .yes: j += 1
                        case .no: return (j, .no, writer)
                        case let w: return (j + 1, w, writer)
                        }
                    }
                    return (j, .yes, nil)
                }
                i = next
                switch written {
                case .yes: break
                case .thenAppend(let bytes, let file): try await file.append(bytes)
                case .thenCommit: try await writer?.commitFiles()
                case .no:
                    guard let writer else { break }
                    do { try await writer.write(records[i]) } catch let e as ConnectError where e.kind == .data {
                        // A record that cannot be written (tombstone, missing field, wrong type): to the
                        // dead-letter queue under errors.tolerance=all, else the task fails with it.
                        guard let reporter = context.errantRecordReporter else { throw e }
                        try await reporter.report(records[i], e)
                    }
                    i += 1
                }
            }
            for w in writers.values { try await w.rotateIfScheduled() }
        } catch let e as ConnectError where e.isRetriable {
            // The writers kept what they had; the worker redelivers this batch after the backoff and the
            // records already in open files are skipped.
            context.timeout(config.retryBackoffMs)
            throw e
        }
    }

    /// The writer of `record`'s partition, `last` if it is that one's.
    private func writer(
        for record: UnsafePointer<SinkRecord>,
        _ last: inout (topic: String, partition: Int32, writer: TopicPartitionWriter)?
    ) -> TopicPartitionWriter {
        let partition = record.pointee.kafkaPartition ?? 0
        if let last, last.partition == partition, last.topic == record.pointee.topic { return last.writer }
        let tp = TopicPartition(record.pointee.topic, partition)
        if writers[tp] == nil { openWriter(tp) }
        let writer = writers[tp]!
        last = (record.pointee.topic, partition, writer)
        return writer
    }

    /// Only offsets whose records are in completed objects; partitions with nothing completed yet are
    /// left out, so the worker commits nothing for them.
    public func preCommit(_ offsets: [TopicPartition: Int64]) async throws -> [TopicPartition: Int64] {
        var out: [TopicPartition: Int64] = [:]
        for (tp, w) in writers {
            if let o = w.offsetToCommit { out[tp] = o }
        }
        return out
    }

    public func close(_ partitions: [TopicPartition]) async throws {
        for tp in partitions {
            await writers[tp]?.abandon()
            writers[tp] = nil
        }
    }

    public func stop() async { await abandonAll() }

    /// Aborts every open file's upload: nothing half-written becomes visible.
    private func abandonAll() async {
        for w in writers.values { await w.abandon() }
        writers.removeAll()
    }

}

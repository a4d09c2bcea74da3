import ConnectAPI
import KafkaClient
import Logging

/// Runs one source task: poll → transformations → converters → produce; offsets committed every
/// `offset.flush.interval.ms` (acknowledged records only) and at stop.
struct WorkerSourceTask: Sendable {
    let setup: WorkerTaskSetup
    let producerConfig: KafkaConfig
    /// Clients that read the task's topic back (`SourceTaskContext.scanDelivered`).
    let adminConfig: KafkaConfig
    let consumerConfig: KafkaConfig
    let offsets: OffsetBackingStore
    let flushIntervalMs: Int64
    let flushTimeoutMs: Int64
    /// `errors.tolerance` / `errors.log.*` of the connector (sources have no dead-letter queue).
    let errorConfig: ErrorHandler.Config
    /// KIP-158 topic creation, when the worker allows it and the connector asks for it.
    let topicCreation: TopicCreation?

    func run() async {
        let task: any SourceTask
        switch setup.plugin.makeTask() {
        case .source(let t): task = t
        case .sink:
            await setup.report(.failed, ConnectError(.connect, "\(setup.plugin.taskClass) is not a source task"))
            return
        }
        let tracker = SubmittedRecords<JSONObject, JSONObject>()
        // Only for a task that implements commitRecord: it holds every record until its acknowledgement.
        let commits = task.wantsCommitRecord ? TaskRecordCommits() : nil
        let metrics = TaskMetrics(setup.id, kind: .source)
        defer { metrics.destroy() }
        let errors = ErrorHandler(config: errorConfig, id: setup.id, logger: setup.logger, dlq: nil, metrics: metrics)
        let producer: KafkaProducer
        do {
            producer = try KafkaProducer(
                config: producerConfig,
                onDelivery: { [control = setup.control] reports in
                    // Cancelled: the reports are of purged records, which must not count as done (under
                    // errors.tolerance=all they would be tolerated, and their offsets committed).
                    if control.isCancelled { return }
                    metrics.sourceRecordWrite?.increment(by: reports.reduce(0) { $0 + ($1.error == nil ? 1 : 0) })
                    commits?.delivered(
                        reports.lazy.map { ($0.token, $0.partition, $0.offset, $0.error != nil) },
                        toleratesErrors: errors.toleratesErrors)
                    // errors.tolerance=all: a record the broker refused is logged and skipped, and its
                    // offset counts as done (Kafka Connect since KIP-779); otherwise the task fails.
                    guard errors.toleratesErrors else {
                        return tracker.ack(reports.lazy.map { (token: $0.token, error: $0.error) })
                    }
                    tracker.ack(
                        reports.lazy.map { r in
                            if let e = r.error { errors.tolerateDelivery(e, partition: r.partition) }
                            return (token: r.token, error: nil)
                        })
                },
                onError: { [logger = setup.logger] e in logger.warning("Producer error", error: e) })
        } catch {
            await setup.report(
                .failed,
                ConnectError(.connect, "Failed to create the producer for task \(setup.id): \(error)", cause: error))
            return
        }
        // Cancelled (stuck past the graceful timeout): nothing more reaches Kafka from this task.
        setup.control.onCancel { producer.fence() }
        let context = WorkerSourceTaskContext(
            logger: setup.logger,
            offsetStorageReader: ConnectorOffsetReader(connector: setup.id.connector, store: offsets),
            control: setup.control, report: setup.report,
            delivered: DeliveredRecordsReader(
                adminConfig: adminConfig, consumerConfig: consumerConfig, converters: setup.converters,
                control: setup.control, logger: setup.logger))
        do {
            try await task.start(setup.taskConfig, context: context)
        } catch {
            await setup.report(.failed, WorkerTaskSetup.wrap(error, "Failed to start task \(setup.id)"))
            await producer.close(flushTimeoutMs: Int32(clamping: flushTimeoutMs))
            return
        }
        setup.logger.info("WorkerSourceTask{id=\(setup.id)} Source task finished initialization and start")
        await setup.report(setup.control.isPaused ? .paused : .running, nil)
        let creator = topicCreation.map { TopicCreator(creation: $0, adminConfig: adminConfig, logger: setup.logger) }
        var sender = RecordSender(setup: setup, errors: errors, creator: creator, commits: commits)
        var nextFlush = monotonicMs() + flushIntervalMs
        var failure: ConnectError?
        while !setup.control.isStopping {
            if setup.control.isPaused {
                await setup.report(.paused, nil)
                await setup.control.waitWhilePaused()
                if setup.control.isStopping { break }
                await setup.report(.running, nil)
            }
            let records: [SourceRecord]
            do {
                records = try await task.poll()
            } catch let e as ConnectError where e.isRetriable {
                setup.logger.warning("Retriable error in poll of task \(setup.id)", error: e)
                continue
            } catch {
                failure = WorkerTaskSetup.wrap(error, "Task \(setup.id) threw an uncaught and unrecoverable exception")
                break
            }
            if !records.isEmpty { metrics.sourceRecordPoll?.increment(by: records.count) }
            do {
                try await sender.send(records, producer: producer, tracker: tracker)
            } catch {
                failure = WorkerTaskSetup.wrap(error, "Failed to convert or produce a record of task \(setup.id)")
                break
            }
            if let commits { await commitRecords(commits, task: task) }
            if let e = tracker.failure {
                failure = ConnectError(.connect, "Kafka rejected a record of task \(setup.id): \(e)", cause: e)
                break
            }
            if monotonicMs() >= nextFlush && !setup.control.isCancelled {
                await commitOffsets(tracker, task: task, metrics: metrics)
                nextFlush = monotonicMs() + flushIntervalMs
            }
        }
        // Stop: deliver what was produced, then commit the offsets of everything acknowledged. A
        // cancelled task commits nothing: its records were purged, and its next owner resends them.
        if !setup.control.isCancelled {
            await producer.flush(timeoutMs: Int32(clamping: flushTimeoutMs))
            if let commits { await commitRecords(commits, task: task) }
            await commitOffsets(tracker, task: task, metrics: metrics)
        }
        await task.stop()
        setup.logger.info("WorkerSourceTask{id=\(setup.id)} Task stopped")
        await creator?.close()
        if let failure {
            await setup.report(.failed, failure)
        }
        await producer.close(flushTimeoutMs: setup.control.isCancelled ? 0 : Int32(clamping: flushTimeoutMs))
    }

    /// The task's `commitRecord` for each record whose fate is known; a failure is logged, as Kafka
    /// Connect does, and does not stop the task.
    private func commitRecords(_ commits: TaskRecordCommits, task: any SourceTask) async {
        for (record, metadata) in commits.take() {
            do { try await task.commitRecord(record, metadata: metadata) } catch {
                setup.logger.error(
                    "Exception thrown while calling task.commitRecord() of task \(setup.id)", error: error)
            }
        }
    }

    private func commitOffsets(
        _ tracker: SubmittedRecords<JSONObject, JSONObject>, task: any SourceTask, metrics: TaskMetrics
    ) async {
        let committable = tracker.committableOffsets()
        if let largest = committable.largestQueue {
            // Kafka Connect's line: which source partition holds back the most records.
            setup.logger.debug(
                "Task \(setup.id): committing offsets for \(committable.committableCount) acknowledged messages; \(committable.pendingCount) pending messages remain, the most (\(largest.count)) for source partition \(JSONWriter.string(.object(largest.partition)))"
            )
        }
        let entries = committable.offsets
        guard !entries.isEmpty else { return }
        do {
            try await offsets.put(
                entries.map {
                    (
                        OffsetBackingStore.key(connector: setup.id.connector, partition: $0.key),
                        // No offset (e.g. the JDBC source in bulk mode): a tombstone, as Kafka Connect writes.
                        $0.value.isEmpty ? nil : JSONWriter.bytes(.object($0.value))
                    )
                })
            try? await task.commit()
            metrics.offsetCommitSuccess.increment()
        } catch {
            metrics.offsetCommitFailure.increment()
            setup.logger.error("Failed to commit offsets of task \(setup.id)", error: error)
        }
    }
}

/// Converts and produces the records of one poll. The hot path of every source connector: records are
/// read in place (no copies of their fields), converted into two buffers reused for every record, and
/// registered with the submitted records under one lock per poll.
private struct RecordSender {
    let setup: WorkerTaskSetup
    let errors: ErrorHandler
    let creator: TopicCreator?
    let commits: TaskRecordCommits?
    /// The tokens of one poll's records, the storage reused.
    private var tokens: [UInt] = []
    private var keyBuffer: [UInt8] = []
    private var valueBuffer: [UInt8] = []
    /// The producer's handle of every topic produced to so far, and the latest one used.
    private var topics: [String: KafkaProducer.Topic] = [:]
    private var lastTopic: KafkaProducer.Topic?
    /// `errors.retry.timeout` is set: retriable failures are retried, whatever the tolerance.
    private let retries: Bool
    /// The retries of the record being sent.
    private var retry = ErrorHandler.RecordRetries()

    init(setup: WorkerTaskSetup, errors: ErrorHandler, creator: TopicCreator?, commits: TaskRecordCommits?) {
        self.setup = setup
        self.errors = errors
        self.creator = creator
        self.commits = commits
        retries = errors.retries
        keyBuffer.reserveCapacity(256)
        valueBuffer.reserveCapacity(1024)
    }

    private enum Pause {
        case queueFull
        /// The first record for a topic: the producer learns its partitions before it is produced.
        case newTopic(String)
        /// A retriable failure within `errors.retry.timeout`: the record is tried again after a backoff.
        case retry
    }

    mutating func send(
        _ records: [SourceRecord], producer: KafkaProducer, tracker: SubmittedRecords<JSONObject, JSONObject>
    ) async throws {
        guard !records.isEmpty else { return }
        // Fields read through a pointer: `records[i]` copied whole records (retaining every field) to
        // read two of them.
        records.withUnsafeBufferPointer { buf in
            tracker.submit(count: buf.count, tokens: &tokens) { (buf[$0].sourcePartition, buf[$0].sourceOffset) }
        }
        // Bound once per poll and passed down: read from `self` in the per-record calls, the converters
        // were retained and released for every record.
        let converters = setup.converters
        var next = 0
        while next < records.count {
            // Synchronous runs between the awaits a full buffer or a new topic needs. Records are read
            // through a pointer: a copy of a record retains and later releases every field of it.
            let pause = try records.withUnsafeBufferPointer { buf -> Pause? in
                while next < buf.count {
                    let token = tokens[next]
                    if let p = try sendOne(
                        buf.baseAddress! + next, token: token, producer: producer, converters: converters,
                        tracker: tracker)
                    {
                        return p  // the record was not produced: it is sent again after the pause
                    }
                    next += 1
                    if retries { retry = ErrorHandler.RecordRetries() }
                }
                return nil
            }
            switch pause {
            case nil: return
            case .queueFull: try await Task.sleep(for: .milliseconds(2))
            case .newTopic(let topic):
                // Created first (KIP-158): the producer's metadata request for the topic would make a
                // broker with auto-creation create it with its defaults.
                try await creator?.ensure(topic) { [control = setup.control] in control.isStopping }
                await setup.onTopic(topic)
                topics[topic] = try await producer.topic(topic)
            case .retry:
                let wait = retry.failed(now: monotonicMs(), handler: errors, stopping: setup.control.isStopping)
                if wait > 0 { try await Task.sleep(for: .milliseconds(wait)) }
            }
        }
    }

    private mutating func sendOne(
        _ record: UnsafePointer<SourceRecord>, token: UInt, producer: KafkaProducer,
        converters: ConnectorConverters, tracker: SubmittedRecords<JSONObject, JSONObject>
    ) throws -> Pause? {
        var stage = ErrorHandler.Stage.transformation
        // Whether a retriable failure of this attempt is retried (checked once per attempt, and only
        // with retries configured: the fast path reads no clock).
        let retrying = retries && retry.allowRetry(now: monotonicMs())
        do {
            if setup.transformations.isEmpty {
                return try produce(
                    record, polled: record, token: token, producer: producer, converters: converters, stage: &stage)
            }
            // Each transformation its own error stage: under errors.tolerance=all a failure is logged with
            // the failing transformation's class, and the record skipped.
            let transformed =
                errors.toleratesErrors
                ? try setup.transformations.apply(record.pointee, tolerating: errors, retrying: retrying)
                : try setup.transformations.apply(record.pointee)
            guard var r = transformed else {
                // Dropped by a transformation (or its failure tolerated): its offset is done with.
                tracker.ack(token: token, error: nil)
                commits?.dropped(record.pointee, token: token)
                return nil
            }
            return try produce(
                &r, polled: record, token: token, producer: producer, converters: converters, stage: &stage)
        } catch {
            // Kafka's RetryWithToleranceOperator: a retriable failure of a transformation or converter is
            // retried up to errors.retry.timeout whatever the tolerance. The record was not produced.
            if retrying, stage != .kafkaProduce, (error as? ConnectError)?.isRetriable == true { return .retry }
            // errors.tolerance=all: a record that cannot be converted or produced (one the producer
            // refuses, e.g. larger than message.max.bytes) is logged and skipped, and its offset counts
            // as done (Kafka's RetryWithToleranceOperator for sources).
            if !errors.toleratesErrors {
                // The stage's own message, then which record (its source partition and offset).
                let e = ConnectError.from(error)
                let r = record.pointee
                throw ConnectError(
                    e.kind,
                    "\(e.message) (source record for topic \(r.topic) at \(JSONWriter.string(.object(r.sourcePartition))) offset \(JSONWriter.string(.object(r.sourceOffset))), task \(setup.id))",
                    cause: e.cause)
            }
            let className: String
            switch stage {
            case .keyConverter: className = setup.converters.keyClass
            case .valueConverter: className = setup.converters.valueClass
            case .headerConverter: className = setup.converters.headerClass
            default: className = ErrorHandler.sourceTaskClass
            }
            try errors.tolerate(stage, className: className, record: record.pointee, error)
            tracker.ack(token: token, error: nil)
            commits?.dropped(record.pointee, token: token)
            return nil
        }
    }

    /// Converts and produces `record`, the transformed `polled` record.
    private mutating func produce(
        _ record: UnsafePointer<SourceRecord>, polled: UnsafePointer<SourceRecord>, token: UInt,
        producer: KafkaProducer, converters: ConnectorConverters, stage: inout ErrorHandler.Stage
    ) throws -> Pause? {
        // The topic's name bound once: each read of `record.pointee.topic` retained and released it.
        let name = record.pointee.topic
        // A string comparison per record (the same storage compares in constant time), a hash on a change.
        let topic: KafkaProducer.Topic
        if let t = lastTopic, t.name == name {
            topic = t
        } else if let t = topics[name] {
            topic = t
            lastTopic = t
        } else {
            return .newTopic(name)
        }
        stage = .keyConverter
        keyBuffer.removeAll(keepingCapacity: true)
        valueBuffer.removeAll(keepingCapacity: true)
        let hasKey = try converters.key.fromConnectData(
            topic: name, schema: record.pointee.keySchema, value: record.pointee.key, into: &keyBuffer)
        stage = .valueConverter
        let hasValue = try converters.value.fromConnectData(
            topic: name, schema: record.pointee.valueSchema, value: record.pointee.value, into: &valueBuffer)
        stage = .headerConverter
        var headers: [KafkaHeader] = []
        // Most records have none: the array is not even read (iterating retains it).
        if !record.pointee.headers.isEmpty {
            for h in record.pointee.headers {
                let v = try converters.header.fromConnectHeader(
                    topic: name, key: h.key, schema: h.schema, value: h.value)
                headers.append(KafkaHeader(key: h.key, value: v))
            }
        }
        stage = .kafkaProduce
        // Before the produce call: its delivery report may come before the call returns.
        commits?.sending(polled.pointee, topic: name, token: token)
        do {
            try keyBuffer.withUnsafeBytes { key in
                try valueBuffer.withUnsafeBytes { value in
                    try producer.produce(
                        topic: topic, partition: record.pointee.kafkaPartition,
                        key: hasKey ? key : nil, value: hasValue ? value : nil, headers: headers,
                        timestamp: record.pointee.timestamp, token: token)
                }
            }
        } catch {
            if (error as? KafkaError)?.isRetriable == true { return .queueFull }
            throw error
        }
        return nil
    }
}

import ConnectAPI
import KafkaClient
import Logging

/// Runs one sink task: consume (group `connect-<connector>`) → converters → transformations → `put`;
/// every `offset.flush.interval.ms` (or on request) `preCommit` then commit the returned offsets.
struct WorkerSinkTask: Sendable {
    let setup: WorkerTaskSetup
    let consumerConfig: KafkaConfig
    let topics: [String]
    let flushIntervalMs: Int64
    /// Records per `put` at most (the consumer's `max.poll.records`; 1000 by default, Kafka's is 500).
    let maxPollRecords: Int
    /// `errors.*` of the connector, and the clients a dead-letter queue would use.
    let errorConfig: ErrorHandler.Config
    let dlqProducerConfig: KafkaConfig
    let adminConfig: KafkaConfig

    func run() async {
        let task: any SinkTask
        switch setup.plugin.makeTask() {
        case .sink(let t): task = t
        case .source:
            await setup.report(.failed, ConnectError(.connect, "\(setup.plugin.taskClass) is not a sink task"))
            return
        }
        let consumer: KafkaConsumer
        do {
            consumer = try KafkaConsumer(config: consumerConfig)
            try consumer.subscribe(topics)
        } catch {
            await setup.report(
                .failed, ConnectError(.connect, "Failed to create the consumer for task \(setup.id): \(error)"))
            return
        }
        defer { consumer.close() }
        var dlq: DeadLetterQueue? = nil
        if !errorConfig.dlqTopic.isEmpty {
            do {
                dlq = try await DeadLetterQueue.open(
                    topic: errorConfig.dlqTopic, replicationFactor: errorConfig.dlqReplicationFactor,
                    producerConfig: dlqProducerConfig, adminConfig: adminConfig)
            } catch {
                await setup.report(
                    .failed,
                    ConnectError(
                        .connect,
                        "Could not set up the dead letter queue \(errorConfig.dlqTopic) (errors.deadletterqueue.topic.name) for task \(setup.id): \(error)"
                    ))
                return
            }
        }
        defer { dlq?.close() }
        let metrics = TaskMetrics(setup.id, kind: .sink)
        defer { metrics.destroy() }
        let errors = ErrorHandler(config: errorConfig, id: setup.id, logger: setup.logger, dlq: dlq, metrics: metrics)
        let reporter =
            errors.toleratesErrors ? SinkErrantReporter(errors: errors, taskClass: setup.plugin.taskClass) : nil
        let context = WorkerSinkTaskContext(logger: setup.logger, errantRecordReporter: reporter)
        do {
            try await task.start(setup.taskConfig, context: context)
        } catch {
            await setup.report(.failed, WorkerTaskSetup.wrap(error, "Failed to start task \(setup.id)"))
            return
        }
        await setup.report(setup.control.isPaused ? .paused : .running, nil)
        var state = LoopState(metrics: metrics)
        let failure = await loop(task: task, consumer: consumer, context: context, errors: errors, state: &state)
        if failure == nil {
            await commit(task: task, consumer: consumer, state: &state)
        }
        try? await task.close(Array(state.assignment))
        await task.stop()
        if let failure { await setup.report(.failed, failure) }
    }

    struct LoopState {
        let metrics: TaskMetrics
        var assignment = Set<TopicPartition>() {
            didSet { metrics.partitionCount?.record(assignment.count) }
        }
        var current: [TopicPartition: Int64] = [:]
        var committed: [TopicPartition: Int64] = [:]
        var pausedForUser = false
        var topicsSeen = Set<String>()
        /// The topic of the previous record: consecutive records of one topic skip hashing its name.
        var lastTopic = ""
    }

    private func loop(
        task: any SinkTask, consumer: KafkaConsumer, context: WorkerSinkTaskContext, errors: ErrorHandler,
        state: inout LoopState
    ) async
        -> ConnectError?
    {
        var nextCommit = monotonicMs() + flushIntervalMs
        // Without error tolerance or retries, records convert without per-stage bookkeeping.
        let direct = !errors.toleratesErrors && errors.config.retryTimeoutMs == 0
        while !setup.control.isStopping {
            // Paused connectors keep polling (so the group sees us alive) with every partition paused.
            if setup.control.isPaused != state.pausedForUser {
                state.pausedForUser = setup.control.isPaused
                let parts = state.assignment.map { KafkaPartition($0.topic, $0.partition) }
                if state.pausedForUser { consumer.pause(parts) } else { consumer.resume(parts) }
                await setup.report(state.pausedForUser ? .paused : .running, nil)
            }
            let events = await consumer.poll(maxEvents: maxPollRecords, timeoutMs: 100)
            var batch: [SinkRecord] = []
            // The consumed records behind `batch`, kept only when a dead-letter queue may need their bytes.
            var originals: [KafkaMessage] = []
            let converters = setup.converters  // bound once per poll, not retained per record
            var read = 0
            defer { if read > 0 { state.metrics.sinkRecordRead?.increment(by: read) } }
            for e in events {
                switch e {
                case .assigned(let tps):
                    let new = tps.map { TopicPartition($0.topic, $0.partition) }
                    state.assignment.formUnion(new)
                    context.setAssignment(state.assignment)
                    if state.pausedForUser { consumer.pause(tps) }
                    do { try await task.open(new) } catch {
                        return WorkerTaskSetup.wrap(error, "Task \(setup.id) failed to open partitions")
                    }
                case .revoked(let tps):
                    let gone = tps.map { TopicPartition($0.topic, $0.partition) }
                    if !batch.isEmpty {
                        if let f = await put(
                            task: task, batch, originals, context: context, errors: errors, state: &state)
                        {
                            return f
                        }
                        batch.removeAll()
                        originals.removeAll()
                    }
                    await commit(task: task, consumer: consumer, state: &state)
                    try? await task.close(gone)
                    state.assignment.subtract(gone)
                    for tp in gone { state.current[tp] = nil }
                    context.setAssignment(state.assignment)
                case .message(let m):
                    read += 1
                    do {
                        let converted =
                            direct
                            ? try Self.convertDirectly(m, converters) : try await convert(m, errors, converters)
                        if let r = converted {
                            batch.append(consume r)
                            if errors.keepsOriginals { originals.append(m) }
                        } else {
                            // Skipped under errors.tolerance=all: its offset is done with.
                            state.current[TopicPartition(m.topic, m.partition)] = m.offset + 1
                        }
                    } catch {
                        return Self.located(error, m.topic, m.partition, m.offset, setup.id)
                    }
                    if m.topic != state.lastTopic {
                        state.lastTopic = m.topic
                        if state.topicsSeen.insert(m.topic).inserted { await setup.onTopic(m.topic) }
                    }
                case .error(let err):
                    if err.isFatal { return ConnectError(.connect, "Consumer of task \(setup.id) failed: \(err)") }
                    setup.logger.warning("Consumer of task \(setup.id): \(err)")
                case .partitionEOF:
                    break
                }
            }
            // An empty put too, as Kafka Connect does after every poll: time-based work in the task (the
            // S3 sink's scheduled rotation) runs even while no records arrive.
            if !state.pausedForUser || !batch.isEmpty,
                let f = await put(task: task, batch, originals, context: context, errors: errors, state: &state)
            {
                return f
            }
            let seeks = context.takeSeeks()
            if !seeks.isEmpty {
                try? consumer.seek(
                    Dictionary(
                        uniqueKeysWithValues: seeks.map { (KafkaPartition($0.key.topic, $0.key.partition), $0.value) }))
            }
            if monotonicMs() >= nextCommit || context.takeCommitRequest() {
                await commit(task: task, consumer: consumer, state: &state)
                nextCommit = monotonicMs() + flushIntervalMs
            }
        }
        return nil
    }

    /// A converter's or transformation's own message, then the record it was about (Kafka Connect puts
    /// neither in the first line: "Tolerance exceeded in error handler").
    static func located(_ error: any Error, _ topic: String, _ partition: Int32, _ offset: Int64, _ id: ConnectorTaskId)
        -> ConnectError
    {
        let e = ConnectError.from(error)
        return ConnectError(
            e.kind, "\(e.message) (record at \(topic)-\(partition) offset \(offset), task \(id))", cause: e.cause)
    }

    /// Each stage through the error handler: retried, tolerated, logged and sent to the dead-letter queue.
    private func convert(_ m: KafkaMessage, _ errors: ErrorHandler, _ c: ConnectorConverters) async throws
        -> SinkRecord?
    {
        guard
            let k = try await errors.execute(
                .keyConverter, className: c.keyClass, consumed: m,
                { try c.key.toConnectData(topic: m.topic, bytes: m.key) }),
            let v = try await errors.execute(
                .valueConverter, className: c.valueClass, consumed: m,
                { try c.value.toConnectData(topic: m.topic, bytes: m.value) })
        else { return nil }
        var headers: [ConnectHeader] = []
        for h in m.headers {
            guard
                let sv = try await errors.execute(
                    .headerConverter, className: c.headerClass, consumed: m,
                    { try c.header.toConnectHeader(topic: m.topic, key: h.key, bytes: h.value) })
            else { return nil }
            headers.append(ConnectHeader(key: h.key, schema: sv.schema, value: sv.value))
        }
        return Self.record(m, key: k, value: v, headers: headers)
    }

    /// Without error tolerance or retries: the hot path, no per-stage bookkeeping.
    private static func convertDirectly(_ m: KafkaMessage, _ c: ConnectorConverters) throws -> SinkRecord {
        let k = try c.key.toConnectData(topic: m.topic, bytes: m.key)
        let v = try c.value.toConnectData(topic: m.topic, bytes: m.value)
        var headers: [ConnectHeader] = []
        for h in m.headers {
            let sv = try c.header.toConnectHeader(topic: m.topic, key: h.key, bytes: h.value)
            headers.append(ConnectHeader(key: h.key, schema: sv.schema, value: sv.value))
        }
        return Self.record(m, key: k, value: v, headers: headers)
    }

    private static func record(
        _ m: KafkaMessage, key k: SchemaAndValue, value v: SchemaAndValue, headers: [ConnectHeader]
    )
        -> SinkRecord
    {
        SinkRecord(
            topic: m.topic, kafkaPartition: m.partition, kafkaOffset: m.offset, keySchema: k.schema, key: k.value,
            valueSchema: v.schema, value: v.value, timestamp: m.timestamp, timestampType: m.timestampType,
            headers: headers)
    }

    /// Transforms and delivers a batch; a retriable failure redelivers the same batch after the task's timeout.
    private func put(
        task: any SinkTask, _ batch: [SinkRecord], _ originals: [KafkaMessage], context: WorkerSinkTaskContext,
        errors: ErrorHandler, state: inout LoopState
    ) async -> ConnectError? {
        var out: [SinkRecord] = []
        do {
            if setup.transformations.isEmpty {
                out = batch  // shared, not copied record by record
            } else if errors.toleratesErrors {
                out.reserveCapacity(batch.count)
                for (i, r) in batch.enumerated() {
                    let t = try await setup.transformations.apply(
                        r, errors: errors, consumed: originals.isEmpty ? nil : originals[i])
                    if let t { out.append(t) }
                }
            } else {
                out.reserveCapacity(batch.count)
                for r in batch {
                    do { if let t = try setup.transformations.apply(r) { out.append(t) } } catch {
                        return Self.located(error, r.topic, r.kafkaPartition ?? 0, r.kafkaOffset, setup.id)
                    }
                }
            }
        } catch {
            return WorkerTaskSetup.wrap(error, "Transformation failed in task \(setup.id)")
        }
        context.errantRecordReporter.map { ($0 as? SinkErrantReporter)?.setOriginals(originals) }
        defer { context.errantRecordReporter.map { ($0 as? SinkErrantReporter)?.setOriginals([]) } }
        while !setup.control.isStopping {
            do {
                try await task.put(out)
                if !out.isEmpty { state.metrics.sinkRecordSend?.increment(by: out.count) }
                break
            } catch let e as ConnectError where e.isRetriable {
                // The task's SinkTaskContext.timeout, as Kafka Connect pauses before redelivering.
                let wait = context.retryTimeoutMs > 0 ? context.retryTimeoutMs : 1000
                setup.logger.warning(
                    "Retriable error in put of task \(setup.id): \(e.message); redelivering in \(wait) ms")
                await setup.control.sleep(milliseconds: wait)
            } catch {
                return WorkerTaskSetup.wrap(error, "Task \(setup.id) threw an uncaught and unrecoverable exception")
            }
        }
        // The next offset per partition: the last record of each run of one partition (no hashing per record).
        var i = batch.startIndex
        while i < batch.endIndex {
            var j = i
            while j + 1 < batch.endIndex && batch[j + 1].kafkaPartition == batch[i].kafkaPartition
                && batch[j + 1].topic == batch[i].topic
            {
                j += 1
            }
            state.current[TopicPartition(batch[j].topic, batch[j].kafkaPartition ?? 0)] = batch[j].kafkaOffset + 1
            i = j + 1
        }
        return nil
    }

    private func commit(task: any SinkTask, consumer: KafkaConsumer, state: inout LoopState) async {
        let pending = state.current.filter { state.committed[$0.key] != $0.value }
        guard !pending.isEmpty else { return }
        do {
            let offsets = try await task.preCommit(state.current)
            let toCommit = offsets.filter { state.assignment.contains($0.key) }
            guard !toCommit.isEmpty else { return }
            try await consumer.commit(
                Dictionary(
                    uniqueKeysWithValues: toCommit.map { (KafkaPartition($0.key.topic, $0.key.partition), $0.value) }))
            for (k, v) in toCommit { state.committed[k] = v }
            state.metrics.offsetCommitSuccess.increment()
        } catch {
            state.metrics.offsetCommitFailure.increment()
            setup.logger.warning("Offset commit of task \(setup.id) failed (will retry): \(error)")
        }
    }
}

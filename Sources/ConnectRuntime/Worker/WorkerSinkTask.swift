import ConnectAPI
import ConnectJSON
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
                await consumer.close()
                return
            }
        }
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
            await dlq?.close()
            await consumer.close()
            return
        }
        setup.logger.info("WorkerSinkTask{id=\(setup.id)} Sink task finished initialization and start")
        await setup.report(setup.control.isPaused ? .paused : .running, nil)
        var state = LoopState(
            metrics: metrics, offsets: SinkOffsetCommits(intervalMs: flushIntervalMs, now: monotonicMs()))
        let failure = await loop(task: task, consumer: consumer, context: context, errors: errors, state: &state)
        // A cancelled task commits nothing: it was given up on, and its partitions may already be read
        // by the task's next owner.
        if failure == nil && !setup.control.isCancelled {
            await commit(task: task, consumer: consumer, state: &state)
        }
        try? await task.close(Array(state.assignment))
        await task.stop()
        setup.logger.info("WorkerSinkTask{id=\(setup.id)} Task stopped")
        if let failure { await setup.report(.failed, failure) }
        await dlq?.close()
        await consumer.close()
    }

    struct LoopState {
        let metrics: TaskMetrics
        /// Pausing (connector paused, batch waiting for redelivery) and what to deliver next.
        var delivery = SinkDeliveryStateMachine()
        var offsets: SinkOffsetCommits
        /// The batch a retriable `put` failed on, delivered again once the task's timeout has passed.
        var kept: Batch?
        var topicsSeen = Set<String>()
        /// The topic of the previous record: consecutive records of one topic skip hashing its name.
        var lastTopic = ""

        var assignment: Set<TopicPartition> { delivery.assignment }
    }

    /// A batch as `put` gets it, with the consumed records behind it (their offsets are committed once
    /// the batch went through) and, when a dead-letter queue may need their bytes, the consumed messages.
    struct Batch {
        var records: [SinkRecord]
        var consumed: [SinkRecord]
        var originals: [KafkaMessage]

        /// Without the records of revoked partitions (the next owner reads them from the committed offset).
        mutating func drop(_ partitions: Set<TopicPartition>) {
            records.removeAll { partitions.contains(TopicPartition($0.originalTopic, $0.originalKafkaPartition)) }
            consumed.removeAll { partitions.contains(TopicPartition($0.topic, $0.kafkaPartition ?? 0)) }
            originals.removeAll { partitions.contains(TopicPartition($0.topic, $0.partition)) }
        }
    }

    private static func apply(_ actions: SinkDeliveryStateMachine.Actions, _ consumer: KafkaConsumer) {
        guard !actions.isEmpty else { return }
        if !actions.pause.isEmpty { consumer.pause(actions.pause.map { KafkaPartition($0.topic, $0.partition) }) }
        if !actions.resume.isEmpty { consumer.resume(actions.resume.map { KafkaPartition($0.topic, $0.partition) }) }
    }

    private func loop(
        task: any SinkTask, consumer: KafkaConsumer, context: WorkerSinkTaskContext, errors: ErrorHandler,
        state: inout LoopState
    ) async
        -> ConnectError?
    {
        // Without error tolerance or retries, records convert without per-stage bookkeeping.
        let direct = errors.isDirect
        let valueJSON = Self.passesValueJSON(
            task: task, converters: setup.converters, transformations: setup.transformations)
        while !setup.control.isStopping {
            // Paused connectors keep polling (so the group sees us alive) with every partition paused.
            if setup.control.isPaused != state.delivery.connectorPaused {
                Self.apply(state.delivery.connectorPaused(setup.control.isPaused), consumer)
                await setup.report(state.delivery.connectorPaused ? .paused : .running, nil)
            }
            // Each event moved out of the batch (iterating an array copied each message: a retain and a
            // release for every field).
            let events = await consumer.pollEvents(maxEvents: maxPollRecords, timeoutMs: 100)
            // While a batch waits for redelivery the partitions are paused; messages fetched before the
            // pause are read again after it.
            let waiting = state.delivery.pausedForRedelivery
            var rewind: [KafkaPartition: Int64] = [:]
            var batch: [SinkRecord] = []
            // The consumed records behind `batch`, kept only when a dead-letter queue may need their bytes.
            var originals: [KafkaMessage] = []
            let converters = setup.converters  // bound once per poll, not retained per record
            var read = 0
            defer { if read > 0 { state.metrics.sinkRecordRead?.increment(by: read) } }
            while let e = events.next() {
                switch consume e {
                case .assigned(let tps):
                    let new = tps.map { TopicPartition($0.topic, $0.partition) }
                    Self.apply(state.delivery.assigned(Set(new)), consumer)
                    state.metrics.partitionCount?.record(state.assignment.count)
                    context.setAssignment(state.assignment)
                    do { try await task.open(new) } catch {
                        return WorkerTaskSetup.wrap(error, "Task \(setup.id) failed to open partitions")
                    }
                case .revoked(let tps):
                    let gone = Set(tps.map { TopicPartition($0.topic, $0.partition) })
                    if !batch.isEmpty {
                        if let f = await deliverNew(
                            task: task, consumer: consumer, batch, originals, context: context, errors: errors,
                            state: &state)
                        {
                            return f
                        }
                        batch.removeAll()
                        originals.removeAll()
                    }
                    await commit(task: task, consumer: consumer, state: &state)
                    try? await task.close(Array(gone))
                    state.kept?.drop(gone)
                    if state.kept?.consumed.isEmpty == true { state.kept = nil }
                    Self.apply(state.delivery.revoked(gone, batchRemains: state.kept != nil), consumer)
                    state.offsets.revoked(gone)
                    state.metrics.partitionCount?.record(state.assignment.count)
                    context.setAssignment(state.assignment)
                case .message(let m):
                    if waiting {
                        let tp = KafkaPartition(m.topic, m.partition)
                        rewind[tp] = min(rewind[tp] ?? m.offset, m.offset)
                        continue
                    }
                    read += 1
                    do {
                        let converted =
                            direct
                            ? try Self.convertDirectly(m, converters, valueJSON: valueJSON)
                            : try await convert(m, errors, converters, valueJSON: valueJSON)
                        // Moved out of the optional: binding it copied the record (a retain per field).
                        if let r = consume converted {
                            batch.append(consume r)
                            if errors.keepsOriginals { originals.append(m) }
                        } else {
                            // Skipped under errors.tolerance=all: its offset is done with.
                            state.offsets.delivered(TopicPartition(m.topic, m.partition), nextOffset: m.offset + 1)
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
                    setup.logger.warning("Consumer of task \(setup.id)", error: err)
                case .partitionEOF:
                    break
                }
            }
            if !rewind.isEmpty { try? await consumer.seek(rewind) }
            switch state.delivery.delivery(now: monotonicMs()) {
            case .wait:
                break
            case .redeliver:
                if let kept = state.kept,
                    let f = await deliver(task: task, consumer: consumer, kept, context: context, state: &state)
                {
                    return f
                }
            case .deliverNew:
                // An empty put too, as Kafka Connect does after every poll: time-based work in the task (the
                // S3 sink's scheduled rotation) runs even while no records arrive.
                if !state.delivery.connectorPaused || !batch.isEmpty,
                    let f = await deliverNew(
                        task: task, consumer: consumer, batch, originals, context: context, errors: errors,
                        state: &state)
                {
                    return f
                }
            }
            // What the task asked in `put` (or `open`) of its context: its pauses apply from the next poll.
            let requests = context.takePauseRequests()
            if !requests.isEmpty { Self.apply(state.delivery.taskRequested(requests), consumer) }
            let seeks = context.takeSeeks()
            if !seeks.isEmpty {
                for (tp, offset) in seeks { state.offsets.rewound(tp, to: offset) }
                try? await consumer.seek(
                    Dictionary(
                        uniqueKeysWithValues: seeks.map { (KafkaPartition($0.key.topic, $0.key.partition), $0.value) }))
            }
            if state.offsets.isDue(now: monotonicMs(), requested: context.takeCommitRequest()) {
                await commit(task: task, consumer: consumer, state: &state)
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

    /// Whether values go to the task as their consumed JSON (`SinkRecord.valueJSON`) when they are in the
    /// form JsonConverter would write them: the task asks for it (`JSONValueSinkTask`), the value
    /// converter is JsonConverter without schemas, and no transformation needs the value.
    static func passesValueJSON(
        task: any SinkTask, converters: ConnectorConverters, transformations: TransformationChain
    ) -> Bool {
        guard transformations.isEmpty, (task as? any JSONValueSinkTask)?.takesValueJSON == true,
            let json = converters.value as? JsonConverter
        else { return false }
        return !json.schemasEnabled
    }

    /// The value's bytes when they pass through unconverted (see `passesValueJSON`).
    private static func valueJSON(_ m: KafkaMessage, _ enabled: Bool) -> [UInt8]? {
        enabled ? JsonConverterForm.passedAsValueJSON(m.value) : nil
    }

    /// Each stage through the error handler: retried, tolerated, logged and sent to the dead-letter queue.
    private func convert(_ m: KafkaMessage, _ errors: ErrorHandler, _ c: ConnectorConverters, valueJSON: Bool)
        async throws -> SinkRecord?
    {
        let json = Self.valueJSON(m, valueJSON)
        guard
            let k = try await errors.execute(
                .keyConverter, className: c.keyClass, consumed: m,
                { try c.key.toConnectData(topic: m.topic, bytes: m.key) }),
            let v =
                json != nil
                ? SchemaAndValue.null
                : try await errors.execute(
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
        return Self.record(m, key: k, value: v, headers: headers, valueJSON: json)
    }

    /// Without error tolerance or retries: the hot path, no per-stage bookkeeping.
    private static func convertDirectly(_ m: KafkaMessage, _ c: ConnectorConverters, valueJSON: Bool) throws
        -> SinkRecord
    {
        let k = try c.key.toConnectData(topic: m.topic, bytes: m.key)
        let json = Self.valueJSON(m, valueJSON)
        let v = json != nil ? SchemaAndValue.null : try c.value.toConnectData(topic: m.topic, bytes: m.value)
        var headers: [ConnectHeader] = []
        for h in m.headers {
            let sv = try c.header.toConnectHeader(topic: m.topic, key: h.key, bytes: h.value)
            headers.append(ConnectHeader(key: h.key, schema: sv.schema, value: sv.value))
        }
        return Self.record(m, key: k, value: v, headers: headers, valueJSON: json)
    }

    private static func record(
        _ m: KafkaMessage, key k: SchemaAndValue, value v: SchemaAndValue, headers: [ConnectHeader],
        valueJSON: [UInt8]?
    )
        -> SinkRecord
    {
        SinkRecord(
            topic: m.topic, kafkaPartition: m.partition, kafkaOffset: m.offset, keySchema: k.schema, key: k.value,
            valueSchema: v.schema, value: v.value, timestamp: m.timestamp, timestampType: m.timestampType,
            headers: headers, valueJSON: valueJSON)
    }

    /// Transforms a batch and delivers it.
    private func deliverNew(
        task: any SinkTask, consumer: KafkaConsumer, _ batch: [SinkRecord], _ originals: [KafkaMessage],
        context: WorkerSinkTaskContext, errors: ErrorHandler, state: inout LoopState
    ) async -> ConnectError? {
        var out: [SinkRecord] = []
        do {
            if setup.transformations.isEmpty {
                out = batch  // shared, not copied record by record
            } else if !errors.isDirect {
                // Retried within errors.retry.timeout whatever the tolerance, then tolerated or failed.
                out.reserveCapacity(batch.count)
                for (i, r) in batch.enumerated() {
                    let t: SinkRecord?
                    do {
                        t = try await setup.transformations.apply(
                            r, errors: errors, consumed: originals.isEmpty ? nil : originals[i])
                    } catch {
                        // Under errors.tolerance=all what still throws is the dead-letter queue's failure.
                        if errors.toleratesErrors { throw error }
                        return Self.located(error, r.topic, r.kafkaPartition ?? 0, r.kafkaOffset, setup.id)
                    }
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
        return await deliver(
            task: task, consumer: consumer, Batch(records: out, consumed: batch, originals: originals),
            context: context, state: &state)
    }

    /// One `put`. A retriable failure keeps the batch for redelivery after the task's timeout, with the
    /// partitions paused meanwhile (Kafka Connect's `pausedForRedelivery`); success resumes them.
    private func deliver(
        task: any SinkTask, consumer: KafkaConsumer, _ batch: Batch, context: WorkerSinkTaskContext,
        state: inout LoopState
    ) async -> ConnectError? {
        context.errantRecordReporter.map { ($0 as? SinkErrantReporter)?.setOriginals(batch.originals) }
        defer { context.errantRecordReporter.map { ($0 as? SinkErrantReporter)?.setOriginals([]) } }
        do {
            try await task.put(batch.records)
            if !batch.records.isEmpty { state.metrics.sinkRecordSend?.increment(by: batch.records.count) }
        } catch let e as ConnectError where e.isRetriable {
            // The task's SinkTaskContext.timeout, as Kafka Connect waits before redelivering.
            let wait = context.retryTimeoutMs > 0 ? context.retryTimeoutMs : 1000
            setup.logger.warning(
                "Retriable error in put of task \(setup.id): \(e.message); partitions paused, redelivering in \(wait) ms"
            )
            state.kept = batch
            Self.apply(state.delivery.putFailedRetriable(timeoutMs: wait, now: monotonicMs()), consumer)
            return nil
        } catch is CancellationError where setup.control.isStopping {
            // The worker gave up waiting for the task to stop and cancelled it: the batch was not
            // written and its offsets are not committed; the loop ends as stopping.
            return nil
        } catch {
            return WorkerTaskSetup.wrap(error, "Task \(setup.id) threw an uncaught and unrecoverable exception")
        }
        if state.delivery.pausedForRedelivery {
            state.kept = nil
            Self.apply(state.delivery.putSucceeded(), consumer)
        }
        // The next offset per partition: the last record of each run of one partition (no hashing per record).
        let consumed = batch.consumed
        var i = consumed.startIndex
        while i < consumed.endIndex {
            var j = i
            while j + 1 < consumed.endIndex && consumed[j + 1].kafkaPartition == consumed[i].kafkaPartition
                && consumed[j + 1].topic == consumed[i].topic
            {
                j += 1
            }
            state.offsets.delivered(
                TopicPartition(consumed[j].topic, consumed[j].kafkaPartition ?? 0),
                nextOffset: consumed[j].kafkaOffset + 1)
            i = j + 1
        }
        return nil
    }

    /// `preCommit`, then the consumer commits what the task returned, within Kafka Connect's rules
    /// (`SinkOffsetCommits.toCommit`).
    private func commit(task: any SinkTask, consumer: KafkaConsumer, state: inout LoopState) async {
        // A cancelled task commits nothing more: its partitions may already be its next owner's.
        guard !setup.control.isCancelled, state.offsets.beginCommit(now: monotonicMs()) else { return }
        do {
            let offsets = try await task.preCommit(state.offsets.preCommitOffsets(assignment: state.assignment))
            let (toCommit, ignored) = state.offsets.toCommit(offsets, assignment: state.assignment)
            for i in ignored { setup.logger.warning("Task \(setup.id): \(i)") }
            guard !toCommit.isEmpty else { return }
            try await consumer.commit(
                Dictionary(
                    uniqueKeysWithValues: toCommit.map { (KafkaPartition($0.key.topic, $0.key.partition), $0.value) }))
            state.offsets.committed(toCommit)
            state.metrics.offsetCommitSuccess.increment()
        } catch {
            state.metrics.offsetCommitFailure.increment()
            setup.logger.warning("Offset commit of task \(setup.id) failed (will retry)", error: error)
        }
    }
}

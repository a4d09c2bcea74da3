import ConnectAPI
import KafkaClient
import Logging

/// Runs one sink task: consume (group `connect-<connector>`) → converters → transformations → `put`;
/// every `offset.flush.interval.ms` (or on request) `preCommit` then commit the returned offsets.
struct WorkerSinkTask: Sendable {
    let id: ConnectorTaskId
    let taskConfig: [String: String]
    let plugin: ConnectorPlugin
    let converters: ConnectorConverters
    let transformations: TransformationChain
    let consumerConfig: KafkaConfig
    let topics: [String]
    let flushIntervalMs: Int64
    let control: TaskControl
    let logger: Logger
    let report: StatusReporter
    let onTopic: @Sendable (String) async -> Void

    func run() async {
        let task: any SinkTask
        switch plugin.makeTask() {
        case .sink(let t): task = t
        case .source:
            await report(.failed, ConnectError(.connect, "\(plugin.taskClass) is not a sink task"))
            return
        }
        let consumer: KafkaConsumer
        do {
            consumer = try KafkaConsumer(config: consumerConfig)
            try consumer.subscribe(topics)
        } catch {
            await report(.failed, ConnectError(.connect, "Failed to create the consumer for task \(id): \(error)"))
            return
        }
        defer { consumer.close() }
        let context = WorkerSinkTaskContext(logger: logger)
        do {
            try await task.start(taskConfig, context: context)
        } catch {
            await report(.failed, WorkerSourceTask.wrap(error, "Failed to start task \(id)"))
            return
        }
        await report(control.isPaused ? .paused : .running, nil)
        var state = LoopState()
        let failure = await loop(task: task, consumer: consumer, context: context, state: &state)
        if failure == nil {
            await commit(task: task, consumer: consumer, state: &state)
        }
        try? await task.close(Array(state.assignment))
        await task.stop()
        if let failure { await report(.failed, failure) }
    }

    struct LoopState {
        var assignment = Set<TopicPartition>()
        var current: [TopicPartition: Int64] = [:]
        var committed: [TopicPartition: Int64] = [:]
        var pausedForUser = false
        var topicsSeen = Set<String>()
    }

    private func loop(task: any SinkTask, consumer: KafkaConsumer, context: WorkerSinkTaskContext, state: inout LoopState) async
        -> ConnectError?
    {
        var nextCommit = monotonicMs() + flushIntervalMs
        while !control.isStopping {
            // Paused connectors keep polling (so the group sees us alive) with every partition paused.
            if control.isPaused != state.pausedForUser {
                state.pausedForUser = control.isPaused
                let parts = state.assignment.map { KafkaPartition($0.topic, $0.partition) }
                if state.pausedForUser { consumer.pause(parts) } else { consumer.resume(parts) }
                await report(state.pausedForUser ? .paused : .running, nil)
            }
            let events = await consumer.poll(maxEvents: 1000, timeoutMs: 100)
            var batch: [SinkRecord] = []
            for e in events {
                switch e {
                case .assigned(let tps):
                    let new = tps.map { TopicPartition($0.topic, $0.partition) }
                    state.assignment.formUnion(new)
                    context.setAssignment(state.assignment)
                    if state.pausedForUser { consumer.pause(tps) }
                    do { try await task.open(new) } catch {
                        return WorkerSourceTask.wrap(error, "Task \(id) failed to open partitions")
                    }
                case .revoked(let tps):
                    let gone = tps.map { TopicPartition($0.topic, $0.partition) }
                    if !batch.isEmpty {
                        if let f = await put(task: task, batch, state: &state) { return f }
                        batch.removeAll()
                    }
                    await commit(task: task, consumer: consumer, state: &state)
                    try? await task.close(gone)
                    state.assignment.subtract(gone)
                    for tp in gone { state.current[tp] = nil }
                    context.setAssignment(state.assignment)
                case .message(let m):
                    do { batch.append(try convert(m)) } catch {
                        return WorkerSourceTask.wrap(
                            error, "Failed to convert the record at \(m.topic)-\(m.partition) offset \(m.offset) for task \(id)")
                    }
                    if state.topicsSeen.insert(m.topic).inserted { await onTopic(m.topic) }
                case .error(let err):
                    if err.isFatal { return ConnectError(.connect, "Consumer of task \(id) failed: \(err)") }
                    logger.warning("Consumer of task \(id): \(err)")
                case .partitionEOF:
                    break
                }
            }
            if !batch.isEmpty, let f = await put(task: task, batch, state: &state) { return f }
            let seeks = context.takeSeeks()
            if !seeks.isEmpty {
                try? consumer.seek(Dictionary(uniqueKeysWithValues: seeks.map { (KafkaPartition($0.key.topic, $0.key.partition), $0.value) }))
            }
            if monotonicMs() >= nextCommit || context.takeCommitRequest() {
                await commit(task: task, consumer: consumer, state: &state)
                nextCommit = monotonicMs() + flushIntervalMs
            }
        }
        return nil
    }

    private func convert(_ m: KafkaMessage) throws -> SinkRecord {
        let k = try converters.key.toConnectData(topic: m.topic, bytes: m.key)
        let v = try converters.value.toConnectData(topic: m.topic, bytes: m.value)
        var headers: [ConnectHeader] = []
        for h in m.headers {
            let sv = try converters.header.toConnectHeader(topic: m.topic, key: h.key, bytes: h.value)
            headers.append(ConnectHeader(key: h.key, schema: sv.schema, value: sv.value))
        }
        return SinkRecord(
            topic: m.topic, kafkaPartition: m.partition, kafkaOffset: m.offset, keySchema: k.schema, key: k.value,
            valueSchema: v.schema, value: v.value, timestamp: m.timestamp, timestampType: m.timestampType, headers: headers)
    }

    /// Transforms and delivers a batch; a retriable failure redelivers the same batch after the task's timeout.
    private func put(task: any SinkTask, _ batch: [SinkRecord], state: inout LoopState) async -> ConnectError? {
        var out: [SinkRecord] = []
        out.reserveCapacity(batch.count)
        do {
            for r in batch { if let t = try transformations.apply(r) { out.append(t) } }
        } catch {
            return WorkerSourceTask.wrap(error, "Transformation failed in task \(id)")
        }
        while !control.isStopping {
            do {
                try await task.put(out)
                break
            } catch let e as ConnectError where e.isRetriable {
                logger.warning("Retriable error in put of task \(id): \(e.message); redelivering")
                await control.sleep(milliseconds: 1000)
            } catch {
                return WorkerSourceTask.wrap(error, "Task \(id) threw an uncaught and unrecoverable exception")
            }
        }
        for r in batch { state.current[TopicPartition(r.topic, r.kafkaPartition ?? 0)] = r.kafkaOffset + 1 }
        return nil
    }

    private func commit(task: any SinkTask, consumer: KafkaConsumer, state: inout LoopState) async {
        let pending = state.current.filter { state.committed[$0.key] != $0.value }
        guard !pending.isEmpty else { return }
        do {
            let offsets = try await task.preCommit(state.current)
            let toCommit = offsets.filter { state.assignment.contains($0.key) }
            guard !toCommit.isEmpty else { return }
            try await consumer.commit(Dictionary(uniqueKeysWithValues: toCommit.map { (KafkaPartition($0.key.topic, $0.key.partition), $0.value) }))
            for (k, v) in toCommit { state.committed[k] = v }
        } catch {
            logger.warning("Offset commit of task \(id) failed (will retry): \(error)")
        }
    }
}

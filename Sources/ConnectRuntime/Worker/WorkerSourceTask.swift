import ConnectAPI
import KafkaClient
import Logging

/// Runs one source task: poll → transformations → converters → produce; offsets committed every
/// `offset.flush.interval.ms` (acknowledged records only) and at stop.
struct WorkerSourceTask: Sendable {
    let setup: WorkerTaskSetup
    let producerConfig: KafkaConfig
    let offsets: OffsetBackingStore
    let flushIntervalMs: Int64
    let flushTimeoutMs: Int64

    func run() async {
        let task: any SourceTask
        switch setup.plugin.makeTask() {
        case .source(let t): task = t
        case .sink:
            await setup.report(.failed, ConnectError(.connect, "\(setup.plugin.taskClass) is not a source task"))
            return
        }
        let tracker = SourceOffsetTracker<JSONObject, JSONObject>()
        let producer: KafkaProducer
        do {
            producer = try KafkaProducer(
                config: producerConfig,
                onDelivery: { reports in for r in reports { tracker.ack(token: r.token, error: r.error) } },
                onError: { [logger = setup.logger] e in logger.warning("Producer error: \(e)") })
        } catch {
            await setup.report(
                .failed,
                ConnectError(.connect, "Failed to create the producer for task \(setup.id): \(error)", cause: error))
            return
        }
        defer { producer.close(flushTimeoutMs: Int32(clamping: flushTimeoutMs)) }
        let context = WorkerSourceTaskContext(
            logger: setup.logger,
            offsetStorageReader: ConnectorOffsetReader(connector: setup.id.connector, store: offsets),
            control: setup.control)
        do {
            try await task.start(setup.taskConfig, context: context)
        } catch {
            await setup.report(.failed, WorkerTaskSetup.wrap(error, "Failed to start task \(setup.id)"))
            return
        }
        await setup.report(setup.control.isPaused ? .paused : .running, nil)
        var topicsSeen = Set<String>()
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
                setup.logger.warning("Retriable error in poll of task \(setup.id): \(e.message)")
                continue
            } catch {
                failure = WorkerTaskSetup.wrap(error, "Task \(setup.id) threw an uncaught and unrecoverable exception")
                break
            }
            do {
                for record in records {
                    try await send(record, producer: producer, tracker: tracker, topicsSeen: &topicsSeen)
                }
            } catch {
                failure = WorkerTaskSetup.wrap(error, "Failed to convert or produce a record of task \(setup.id)")
                break
            }
            if let e = tracker.failure {
                failure = ConnectError(.connect, "Kafka rejected a record of task \(setup.id): \(e)", cause: e)
                break
            }
            if monotonicMs() >= nextFlush {
                await commitOffsets(tracker, task: task)
                nextFlush = monotonicMs() + flushIntervalMs
            }
        }
        // Stop: deliver what was produced, then commit the offsets of everything acknowledged.
        producer.flush(timeoutMs: Int32(clamping: flushTimeoutMs))
        await commitOffsets(tracker, task: task)
        await task.stop()
        if let failure {
            await setup.report(.failed, failure)
        }
    }

    private func send(
        _ record: SourceRecord, producer: KafkaProducer, tracker: SourceOffsetTracker<JSONObject, JSONObject>,
        topicsSeen: inout Set<String>
    ) async throws {
        guard let r = try setup.transformations.apply(record) else { return }
        let key = try setup.converters.key.fromConnectData(topic: r.topic, schema: r.keySchema, value: r.key)
        let value = try setup.converters.value.fromConnectData(topic: r.topic, schema: r.valueSchema, value: r.value)
        var headers: [KafkaHeader] = []
        for h in r.headers {
            let v = try setup.converters.header.fromConnectHeader(
                topic: r.topic, key: h.key, schema: h.schema, value: h.value)
            headers.append(KafkaHeader(key: h.key, value: v))
        }
        let token = tracker.submit(offsetKey: record.sourcePartition, offsetValue: record.sourceOffset)
        let msg = ProducerMessage(
            topic: r.topic, partition: r.kafkaPartition, key: key, value: value, headers: headers,
            timestamp: r.timestamp)
        try await Self.produce(msg, token: token, producer: producer)
        if topicsSeen.insert(r.topic).inserted { await setup.onTopic(r.topic) }
    }

    /// Hands one record to librdkafka, waiting for room while its buffer is full.
    static func produce(_ msg: ProducerMessage, token: UInt, producer: KafkaProducer) async throws {
        while true {
            let full: Bool
            do {
                try producer.produce(msg, token: token)
                full = false
            } catch {
                if !error.isRetriable { throw error }
                full = true
            }
            if !full { return }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    private func commitOffsets(_ tracker: SourceOffsetTracker<JSONObject, JSONObject>, task: any SourceTask) async {
        let entries = tracker.drainCommittable()
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
        } catch {
            setup.logger.error("Failed to commit offsets of task \(setup.id): \(error)")
        }
    }
}

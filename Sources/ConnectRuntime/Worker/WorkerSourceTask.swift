import ConnectAPI
import KafkaClient
import Logging

/// Runs one source task: poll → transformations → converters → produce; offsets committed every
/// `offset.flush.interval.ms` (acknowledged records only) and at stop.
struct WorkerSourceTask: Sendable {
    let id: ConnectorTaskId
    let taskConfig: [String: String]
    let plugin: ConnectorPlugin
    let converters: ConnectorConverters
    let transformations: TransformationChain
    let producerConfig: KafkaConfig
    let offsets: OffsetBackingStore
    let flushIntervalMs: Int64
    let flushTimeoutMs: Int64
    let control: TaskControl
    let logger: Logger
    let report: StatusReporter
    let onTopic: @Sendable (String) async -> Void

    func run() async {
        let task: any SourceTask
        switch plugin.makeTask() {
        case .source(let t): task = t
        case .sink:
            await report(.failed, ConnectError(.connect, "\(plugin.taskClass) is not a source task"))
            return
        }
        let tracker = SourceOffsetTracker<JSONObject, JSONObject>()
        let producer: KafkaProducer
        do {
            producer = try KafkaProducer(
                config: producerConfig,
                onDelivery: { reports in for r in reports { tracker.ack(token: r.token, error: r.error) } },
                onError: { [logger] e in logger.warning("Producer error: \(e)") })
        } catch {
            await report(.failed, ConnectError(.connect, "Failed to create the producer for task \(id): \(error)", cause: error))
            return
        }
        defer { producer.close(flushTimeoutMs: Int32(clamping: flushTimeoutMs)) }
        let context = WorkerSourceTaskContext(
            logger: logger, offsetStorageReader: ConnectorOffsetReader(connector: id.connector, store: offsets), control: control)
        do {
            try await task.start(taskConfig, context: context)
        } catch {
            await report(.failed, Self.wrap(error, "Failed to start task \(id)"))
            return
        }
        await report(control.isPaused ? .paused : .running, nil)
        var topicsSeen = Set<String>()
        var nextFlush = monotonicMs() + flushIntervalMs
        var failure: ConnectError?
        while !control.isStopping {
            if control.isPaused {
                await report(.paused, nil)
                await control.waitWhilePaused()
                if control.isStopping { break }
                await report(.running, nil)
            }
            let records: [SourceRecord]
            do {
                records = try await task.poll()
            } catch let e as ConnectError where e.isRetriable {
                logger.warning("Retriable error in poll of task \(id): \(e.message)")
                continue
            } catch {
                failure = Self.wrap(error, "Task \(id) threw an uncaught and unrecoverable exception")
                break
            }
            do {
                for record in records {
                    try await send(record, producer: producer, tracker: tracker, topicsSeen: &topicsSeen)
                }
            } catch {
                failure = Self.wrap(error, "Failed to convert or produce a record of task \(id)")
                break
            }
            if let e = tracker.failure {
                failure = ConnectError(.connect, "Kafka rejected a record of task \(id): \(e)", cause: e)
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
            await report(.failed, failure)
        }
    }

    private func send(
        _ record: SourceRecord, producer: KafkaProducer, tracker: SourceOffsetTracker<JSONObject, JSONObject>,
        topicsSeen: inout Set<String>
    ) async throws {
        guard let r = try transformations.apply(record) else { return }
        let key = try converters.key.fromConnectData(topic: r.topic, schema: r.keySchema, value: r.key)
        let value = try converters.value.fromConnectData(topic: r.topic, schema: r.valueSchema, value: r.value)
        var headers: [KafkaHeader] = []
        for h in r.headers {
            let v = try converters.header.fromConnectHeader(topic: r.topic, key: h.key, schema: h.schema, value: h.value)
            headers.append(KafkaHeader(key: h.key, value: v))
        }
        let token = tracker.submit(offsetKey: record.sourcePartition, offsetValue: record.sourceOffset)
        let msg = ProducerMessage(
            topic: r.topic, partition: r.kafkaPartition, key: key, value: value, headers: headers, timestamp: r.timestamp)
        try await Self.produce(msg, token: token, producer: producer)
        if topicsSeen.insert(r.topic).inserted { await onTopic(r.topic) }
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
                entries.map { (OffsetBackingStore.key(connector: id.connector, partition: $0.key), JSONWriter.bytes(.object($0.value))) })
            try? await task.commit()
        } catch {
            logger.error("Failed to commit offsets of task \(id): \(error)")
        }
    }

    static func wrap(_ error: any Error, _ context: String) -> ConnectError {
        if let e = error as? ConnectError { return e }
        return ConnectError(.connect, "\(context): \(error)", cause: nil)
    }
}

import ConnectAPI
import KafkaClient
import Logging
import Synchronization

/// Kafka Connect's error handling for one task (KIP-298: `RetryWithToleranceOperator`, `LogReporter`,
/// `DeadLetterQueueReporter`; reference kafka-connect.md §5): retriable failures in conversion and
/// transformation are retried for `errors.retry.timeout`, whatever `errors.tolerance`; then, with `errors.tolerance=all` a failed record is
/// logged (`errors.log.enable`), written with its original bytes to the dead-letter queue (sinks,
/// `errors.deadletterqueue.topic.name`, with `__connect.errors.*` headers when asked) and skipped.
final class ErrorHandler: Sendable {
    enum Stage: String, Sendable {
        case keyConverter = "KEY_CONVERTER"
        case valueConverter = "VALUE_CONVERTER"
        case headerConverter = "HEADER_CONVERTER"
        case transformation = "TRANSFORMATION"
        case taskPut = "TASK_PUT"
        case taskPoll = "TASK_POLL"
        case kafkaProduce = "KAFKA_PRODUCE"
        case kafkaConsume = "KAFKA_CONSUME"
    }

    struct Config: Sendable {
        var tolerateAll = false
        var retryTimeoutMs: Int64 = 0
        var retryDelayMaxMs: Int64 = 60_000
        var logEnable = false
        var logIncludeMessages = false
        var dlqTopic = ""
        var dlqReplicationFactor: Int32 = 3
        var dlqContextHeaders = false

        init() {}

        init(_ c: [String: String]) {
            func long(_ k: String, _ d: Int64) -> Int64 { c[k].flatMap { Int64($0.trimmingWhitespace()) } ?? d }
            func bool(_ k: String) -> Bool { c[k]?.trimmingWhitespace().lowercased() == "true" }
            tolerateAll = c["errors.tolerance"]?.trimmingWhitespace().lowercased() == "all"
            retryTimeoutMs = long("errors.retry.timeout", 0)
            retryDelayMaxMs = long("errors.retry.delay.max.ms", 60_000)
            logEnable = bool("errors.log.enable")
            logIncludeMessages = bool("errors.log.include.messages")
            dlqTopic = c["errors.deadletterqueue.topic.name"]?.trimmingWhitespace() ?? ""
            dlqReplicationFactor = Int32(long("errors.deadletterqueue.topic.replication.factor", 3))
            dlqContextHeaders = bool("errors.deadletterqueue.context.headers.enable")
        }
    }

    let config: Config
    private let id: ConnectorTaskId
    private let logger: Logger
    private let dlq: DeadLetterQueue?
    private let metrics: TaskMetrics?

    init(config: Config, id: ConnectorTaskId, logger: Logger, dlq: DeadLetterQueue?, metrics: TaskMetrics? = nil) {
        self.config = config
        self.id = id
        self.logger = logger
        self.dlq = dlq
        self.metrics = metrics
    }

    /// A failed record counted (task-error-metrics), before it is skipped.
    private func counted() {
        metrics?.recordErrors.increment()
        metrics?.recordsSkipped.increment()
        if config.logEnable { metrics?.errorsLogged.increment() }
    }

    static let none = ErrorHandler(
        config: Config(), id: ConnectorTaskId("", 0), logger: Logger(label: "none"), dlq: nil)

    var toleratesErrors: Bool { config.tolerateAll }
    /// Retriable failures are retried (`errors.retry.timeout` not 0), whatever the tolerance.
    var retries: Bool { config.retryTimeoutMs != 0 }
    /// Neither retries nor tolerance: each stage runs directly and its failure is the task's. The loops'
    /// fast path, with no per-record bookkeeping.
    var isDirect: Bool { !toleratesErrors && !retries }
    var keepsOriginals: Bool { dlq != nil }

    /// Runs `op` for one record, retrying it while it throws retriable errors within
    /// `errors.retry.timeout`. Returns nil when it failed and the failure is tolerated (the record is
    /// then skipped, after the log and dead-letter queue have it); rethrows otherwise.
    func execute<T>(
        _ stage: Stage, className: String, consumed: KafkaMessage?, record: (any ConnectRecord)? = nil,
        _ op: () throws -> T
    ) async throws -> T? {
        var attempt = 0
        let deadline = config.retryTimeoutMs < 0 ? Int64.max : monotonicMs() + config.retryTimeoutMs
        while true {
            do { return try op() } catch {
                attempt += 1
                if (error as? ConnectError)?.isRetriable == true, monotonicMs() < deadline {
                    try? await Task.sleep(for: .milliseconds(backoffMs(attempt: attempt, deadline: deadline)))
                    continue
                }
                guard config.tolerateAll else { throw error }
                try await report(stage, className: className, consumed: consumed, record: record, error)
                return nil
            }
        }
    }

    /// The retries of one record on the synchronous source path, which cannot wait inside a stage: a
    /// retriable failure ends the attempt, and the record is tried again, from its first
    /// transformation, after the backoff. Kafka's `RetryWithToleranceOperator.execAndRetry` deadline and
    /// backoff, kept across the attempts.
    struct RecordRetries {
        private(set) var attempts = 0
        /// When the retries end (monotonic ms); nil before the first failure.
        private(set) var deadline: Int64?

        /// Whether a retriable failure of an attempt starting at `now` is retried.
        func allowRetry(now: Int64) -> Bool { deadline.map { now < $0 } ?? true }

        /// A retriable failure at `now`: returns the wait before the next attempt. `stopping`: the task
        /// is stopping, so the next attempt is the last.
        mutating func failed(now: Int64, handler: ErrorHandler, stopping: Bool) -> Int64 {
            attempts += 1
            let timeout = handler.config.retryTimeoutMs
            if deadline == nil { deadline = timeout < 0 ? Int64.max : now + timeout }
            if stopping { deadline = now }
            return handler.backoffMs(attempt: attempts, deadline: deadline ?? now, now: now)
        }
    }

    /// The synchronous decision for the source hot path, once retries are over: logging only (there is
    /// no dead-letter queue for sources).
    func tolerate(_ stage: Stage, className: String, record: SourceRecord, _ error: any Error) throws {
        guard config.tolerateAll else { throw error }
        counted()
        if config.logEnable {
            var line = logPrefix(stage, className)
            if config.logIncludeMessages {
                line +=
                    ", where source record is {topic='\(record.topic)', partition=\(record.kafkaPartition.map(String.init) ?? "null"), sourcePartition=\(JSONWriter.string(.object(record.sourcePartition))), sourceOffset=\(JSONWriter.string(.object(record.sourceOffset))), timestamp=\(record.timestamp.map(String.init) ?? "null")}"
            }
            logger.error("\(line). \(ConnectError.from(error).description)")
        }
    }

    /// The class Kafka Connect names for a source record's KAFKA_PRODUCE stage.
    static let sourceTaskClass = "org.apache.kafka.connect.runtime.WorkerSourceTask"

    /// A produced source record the broker refused, under errors.tolerance=all (called from the
    /// producer's delivery thread, which knows the record only by its partition).
    func tolerateDelivery(_ error: any Error, partition: Int32) {
        counted()
        guard config.logEnable else { return }
        var line = logPrefix(.kafkaProduce, Self.sourceTaskClass)
        if config.logIncludeMessages { line += ", where source record was sent to partition \(partition)" }
        logger.error("\(line). \(ConnectError.from(error).description)")
    }

    /// Logs a tolerated failure and writes the consumed record to the dead-letter queue, waiting for
    /// the broker's acknowledgement.
    func report(
        _ stage: Stage, className: String, consumed: KafkaMessage?, record: (any ConnectRecord)?, _ error: any Error
    ) async throws {
        counted()
        let ce = ConnectError.from(error)
        if config.logEnable {
            var line = logPrefix(stage, className)
            if config.logIncludeMessages, let m = consumed {
                line +=
                    ", where consumed record is {topic='\(m.topic)', partition=\(m.partition), offset=\(m.offset), timestamp=\(m.timestamp.map(String.init) ?? "-1"), timestampType=\(m.timestampType)}"
            } else if config.logIncludeMessages, let r = record as? SinkRecord {
                line +=
                    ", where consumed record is {topic='\(r.topic)', partition=\(r.kafkaPartition ?? 0), offset=\(r.kafkaOffset), timestamp=\(r.timestamp.map(String.init) ?? "-1"), timestampType=\(r.timestampType)}"
            }
            logger.error("\(line). \(ce.description)")
        }
        guard let dlq, let m = consumed else { return }
        var headers = m.headers
        if config.dlqContextHeaders {
            func h(_ k: String, _ v: String) {
                headers.append(KafkaHeader(key: "__connect.errors." + k, value: Array(v.utf8)))
            }
            h("topic", m.topic)
            h("partition", String(m.partition))
            h("offset", String(m.offset))
            h("connector.name", id.connector)
            h("task.id", String(id.task))
            h("stage", stage.rawValue)
            h("class.name", className)
            h("exception.class.name", ce.kind.rawValue)
            h("exception.message", ce.message)
            h("exception.stacktrace", ce.trace)
        }
        metrics?.deadLetterRequests.increment()
        do {
            try await dlq.send(
                ProducerMessage(
                    topic: config.dlqTopic, key: m.key, value: m.value, headers: headers, timestamp: m.timestamp))
        } catch {
            metrics?.deadLetterFailures.increment()
            throw ConnectError(
                .connect, "Could not write to the dead letter queue \(config.dlqTopic) for task \(id): \(error)",
                cause: ce)
        }
    }

    /// Kafka Connect's LogReporter line, up to the record.
    private func logPrefix(_ stage: Stage, _ className: String) -> String {
        "Error encountered in task \(id). Executing stage '\(stage.rawValue)' with class '\(className)'"
    }

    /// Kafka's backoff: 300 ms doubled per attempt up to `errors.retry.delay.max.ms` (then jittered),
    /// never past the deadline.
    func backoffMs(attempt: Int, deadline: Int64, now: Int64 = monotonicMs()) -> Int64 {
        var delay = Int64(300) << Int64(min(attempt - 1, 20))
        if delay > config.retryDelayMaxMs { delay = Int64.random(in: 0...max(0, config.retryDelayMaxMs)) }
        return max(0, min(delay, deadline - now))
    }
}

/// The dead-letter queue producer of one sink task: created when the task starts (the topic with it, one
/// partition, if missing), each record sent and awaited.
final class DeadLetterQueue: Sendable {
    private let producer: KafkaProducer
    private let waiting = Mutex<(next: UInt, continuations: [UInt: CheckedContinuation<KafkaError?, Never>])>((1, [:]))

    private init(producer: KafkaProducer) { self.producer = producer }

    static func open(
        topic: String, replicationFactor: Int32, producerConfig: KafkaConfig, adminConfig: KafkaConfig
    ) async throws -> DeadLetterQueue {
        let admin = try KafkaAdmin(config: adminConfig)
        // Closed on every way out: closing waits for the client's requests, so it is awaited.
        do { try await create(topic, replicationFactor: replicationFactor, admin: admin) } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        let box = Mutex<DeadLetterQueue?>(nil)
        let producer = try KafkaProducer(config: producerConfig) { reports in
            guard let q = box.withLock({ $0 }) else { return }
            for r in reports { q.resume(token: r.token, r.error) }
        }
        let q = DeadLetterQueue(producer: producer)
        box.withLock { $0 = q }
        // The topic's metadata now: librdkafka would otherwise learn of it only at its next one-second
        // scan, after the first dead-lettered record (as the source tasks' producers do for new topics).
        // Best effort: without it the first record only waits for that scan.
        _ = try? await producer.topic(topic)
        return q
    }

    /// The topic with one partition, unless it exists.
    private static func create(_ topic: String, replicationFactor: Int32, admin: KafkaAdmin) async throws(KafkaError) {
        guard try await admin.topics()[topic] == nil else { return }
        do {
            try await admin.createTopics([
                KafkaAdmin.NewTopic(name: topic, partitions: 1, replicationFactor: replicationFactor)
            ])
        } catch {
            if error.code != 36 { throw error }  // TOPIC_ALREADY_EXISTS: another task made it
        }
    }

    func send(_ message: ProducerMessage) async throws {
        let error: KafkaError? = await withCheckedContinuation { (cont: CheckedContinuation<KafkaError?, Never>) in
            let token = waiting.withLock { w -> UInt in
                let t = w.next
                w.next += 1
                w.continuations[t] = cont
                return t
            }
            do throws(KafkaError) { try producer.produce(message, token: token) } catch {
                resume(token: token, error)
            }
        }
        if let error { throw error }
    }

    private func resume(token: UInt, _ error: KafkaError?) {
        waiting.withLock { $0.continuations.removeValue(forKey: token) }?.resume(returning: error)
    }

    func close() async { await producer.close(flushTimeoutMs: 5000) }
}

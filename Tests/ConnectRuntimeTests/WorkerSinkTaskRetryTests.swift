import ConnectAPI
import KafkaClient
import Logging
import Testing

@testable import ConnectRuntime

/// The sink loop against librdkafka's mock cluster: `errors.retry.timeout` retries a retriable
/// transformation failure under `errors.tolerance=none` (Kafka's `RetryWithToleranceOperator`), and
/// without it the failure is the task's.
@Suite struct WorkerSinkTaskRetryTests {
    enum Event: Equatable {
        case put(topics: [String])
        case failed(String)
    }

    /// Reports the records of each `put` that has any.
    final class ReportingSinkTask: SinkTask, @unchecked Sendable {
        let events: AsyncStream<Event>.Continuation
        init(_ events: AsyncStream<Event>.Continuation) { self.events = events }
        func start(_ config: [String: String], context: any SinkTaskContext) async throws {}
        func put(_ records: [SinkRecord]) async throws {
            if !records.isEmpty { events.yield(.put(topics: records.map(\.topic))) }
        }
        func stop() async {}
    }

    /// Runs the task on one produced record until a `put` gets it or the task fails; returns that, and
    /// the transformation's calls.
    func run(retryTimeoutMs: Int64) async throws -> (Event?, Int) {
        let admin = try KafkaAdmin(config: KafkaConfig([("test.mock.num.brokers", "1")]))
        let broker = try #require(try await admin.brokers().first)
        let config = KafkaConfig([("bootstrap.servers", "\(broker.host):\(broker.port)")])
        _ = try await admin.metadata(topic: "in")  // auto-created: the mock cluster has no CreateTopics
        let producer = try KafkaProducer(config: config)
        try producer.produce(ProducerMessage(topic: "in", partition: 0, key: nil, value: Array("v".utf8)), token: 1)
        let flushed = await producer.flush(timeoutMs: 10_000)
        await producer.close()
        try #require(flushed)

        let (stream, events) = AsyncStream.makeStream(of: Event.self)
        let task = ReportingSinkTask(events)
        let step = TransformationChainTests.Step("-r", failing: 2, with: ConnectError(.retriable, "busy"))
        let plugin = ConnectorPlugin(
            className: "test.ReportingSink", type: .sink, version: "1", configDef: ConfigDef(),
            taskClass: "test.ReportingSinkTask", makeConnector: { WorkerSourceTaskRetryTests.NoConnector() },
            makeTask: { .sink(task) })
        let control = TaskControl()
        let setup = try TestWorker.taskSetup(
            plugin: plugin, transformations: TransformationChainTests.chain([("r", step)]), control: control,
            report: { state, error in if state == .failed { events.yield(.failed(error?.message ?? "")) } })
        var errors = ErrorHandler.Config()
        errors.retryTimeoutMs = retryTimeoutMs
        errors.retryDelayMaxMs = 0  // no waiting between attempts
        let worker = WorkerSinkTask(
            setup: setup,
            consumerConfig: config.withDefaults([
                ("group.id", "connect-c"), ("enable.auto.commit", "false"), ("auto.offset.reset", "earliest"),
            ]),
            topics: ["in"], flushIntervalMs: 60_000, maxPollRecords: 100, errorConfig: errors,
            dlqProducerConfig: config, adminConfig: config)
        let running = Task { await worker.run() }
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        control.stop()
        await running.value
        await admin.close()
        return (first, step.calls)
    }

    @Test func aRetriableTransformationFailureIsRetriedUnderToleranceNone() async throws {
        let (event, calls) = try await run(retryTimeoutMs: 60_000)
        #expect(event == .put(topics: ["in-r"]))
        #expect(calls == 3)
    }

    @Test func withoutARetryTimeoutTheFailureIsTheTasks() async throws {
        let (event, calls) = try await run(retryTimeoutMs: 0)
        guard case .failed(let message) = event else {
            Issue.record("not failed: \(String(describing: event))")
            return
        }
        #expect(message.hasPrefix("busy (transformation r, class test.R)"))
        #expect(calls == 1)
    }
}

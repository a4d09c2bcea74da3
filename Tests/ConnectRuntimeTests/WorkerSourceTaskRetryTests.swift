import ConnectAPI
import KafkaClient
import Logging
import Synchronization
import Testing

@testable import ConnectRuntime

/// The source loop against librdkafka's mock cluster: `errors.retry.timeout` retries a retriable
/// transformation failure under `errors.tolerance=none` (Kafka's `RetryWithToleranceOperator`), and
/// without it the failure is the task's.
@Suite struct WorkerSourceTaskRetryTests {
    enum Event: Equatable {
        case acknowledged(topic: String)
        case failed(String)
    }

    /// Polls one record, then nothing; reports what became of it.
    final class OneRecordTask: SourceTask, @unchecked Sendable {
        let events: AsyncStream<Event>.Continuation
        private let polled = Mutex(false)
        init(_ events: AsyncStream<Event>.Continuation) { self.events = events }
        func start(_ config: [String: String], context: any SourceTaskContext) async throws {}
        func poll() async throws -> [SourceRecord] {
            guard
                polled.withLock({ p in
                    defer { p = true }
                    return !p
                })
            else {
                try await Task.sleep(for: .milliseconds(10))  // a source with nothing new waits a little
                return []
            }
            return [
                SourceRecord(
                    sourcePartition: ["f": "a"], sourceOffset: ["p": 1], topic: "t", valueSchema: nil,
                    value: .string("v"))
            ]
        }
        var wantsCommitRecord: Bool { true }
        func commitRecord(_ record: SourceRecord, metadata: RecordMetadata?) async throws {
            if let metadata { events.yield(.acknowledged(topic: metadata.topic)) }
        }
        func stop() async {}
    }

    final class NoConnector: Connector {
        func start(_ config: [String: String], context: any ConnectorContext) async throws {}
        func taskConfigs(maxTasks: Int) async throws -> [[String: String]] { [] }
        func stop() async {}
    }

    /// Runs the task until its record is acknowledged or the task fails; returns that, and the
    /// transformation's calls.
    func run(retryTimeoutMs: Int64) async throws -> (Event?, Int) {
        let admin = try KafkaAdmin(config: KafkaConfig([("test.mock.num.brokers", "1")]))
        let broker = try #require(try await admin.brokers().first)
        let config = KafkaConfig([("bootstrap.servers", "\(broker.host):\(broker.port)")])
        _ = try await admin.metadata(topic: "offsets")  // auto-created: the mock cluster has no CreateTopics
        let offsets = try OffsetBackingStore(
            topic: "offsets", partitions: 1, producerConfig: config, consumerConfig: config,
            logger: Logger(label: "test"))
        try await offsets.start()

        let (stream, events) = AsyncStream.makeStream(of: Event.self)
        let task = OneRecordTask(events)
        let step = TransformationChainTests.Step("-r", failing: 2, with: ConnectError(.retriable, "busy"))
        let plugin = ConnectorPlugin(
            className: "test.OneRecordSource", type: .source, version: "1", configDef: ConfigDef(),
            taskClass: "test.OneRecordTask", makeConnector: { NoConnector() }, makeTask: { .source(task) })
        let control = TaskControl()
        let setup = try TestWorker.taskSetup(
            plugin: plugin, transformations: TransformationChainTests.chain([("r", step)]), control: control,
            report: { state, error in if state == .failed { events.yield(.failed(error?.message ?? "")) } })
        var errors = ErrorHandler.Config()
        errors.retryTimeoutMs = retryTimeoutMs
        errors.retryDelayMaxMs = 0  // no waiting between attempts
        let worker = WorkerSourceTask(
            setup: setup, producerConfig: config, adminConfig: config, consumerConfig: config, offsets: offsets,
            flushIntervalMs: 60_000, flushTimeoutMs: 5000, errorConfig: errors, topicCreation: nil)
        let running = Task { await worker.run() }
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        control.stop()
        await running.value
        await offsets.stop()
        await admin.close()
        return (first, step.calls)
    }

    @Test func aRetriableTransformationFailureIsRetriedUnderToleranceNone() async throws {
        let (event, calls) = try await run(retryTimeoutMs: 60_000)
        #expect(event == .acknowledged(topic: "t-r"))
        // Two failures, then the attempt that meets the new topic, then the one produced (a record is
        // transformed again after the producer learned of its topic).
        #expect(calls == 4)
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

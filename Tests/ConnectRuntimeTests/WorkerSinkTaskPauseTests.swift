import ConnectAPI
import KafkaClient
import Logging
import Synchronization
import Testing

@testable import ConnectRuntime

/// `SinkTaskContext.pause`/`resume` through the sink loop, against librdkafka's mock cluster: a paused
/// partition's next record reaches `put` only after the task resumed it.
@Suite struct WorkerSinkTaskPauseTests {
    /// Pauses its partition on the record "1", resumes it after five empty puts, and logs what it saw.
    final class PausingSinkTask: SinkTask, @unchecked Sendable {
        let done: AsyncStream<Void>.Continuation
        private let state = Mutex<(context: (any SinkTaskContext)?, emptyPuts: Int?, log: [String])>((nil, nil, []))
        init(_ done: AsyncStream<Void>.Continuation) { self.done = done }
        var log: [String] { state.withLock { $0.log } }

        func start(_ config: [String: String], context: any SinkTaskContext) async throws {
            state.withLock { $0.context = context }
        }
        func put(_ records: [SinkRecord]) async throws {
            let p = TopicPartition("in", 0)
            try state.withLock { s in
                guard let context = s.context else { return }
                if records.isEmpty, let n = s.emptyPuts {
                    s.emptyPuts = n + 1
                    if n + 1 == 5 {
                        try context.resume([p])
                        s.log.append("resumed")
                        s.emptyPuts = nil
                    }
                }
                for r in records {
                    s.log.append("put \(r.value)")
                    if r.value == .string("1") {
                        do { try context.pause([TopicPartition("other", 0)]) } catch { s.log.append("refused") }
                        try context.pause([p])
                        s.log.append("paused")
                        s.emptyPuts = 0
                    }
                }
            }
            if records.contains(where: { $0.value == .string("2") }) { done.yield() }
        }
        func stop() async { done.finish() }
    }

    @Test func aPausedPartitionIsReadAgainOnlyAfterTheTaskResumedIt() async throws {
        let admin = try KafkaAdmin(config: KafkaConfig([("test.mock.num.brokers", "1")]))
        let broker = try #require(try await admin.brokers().first)
        let config = KafkaConfig([("bootstrap.servers", "\(broker.host):\(broker.port)")])
        _ = try await admin.metadata(topic: "in")  // auto-created: the mock cluster has no CreateTopics
        let producer = try KafkaProducer(config: config)
        for (i, v) in ["1", "2"].enumerated() {
            try producer.produce(
                ProducerMessage(topic: "in", partition: 0, key: nil, value: Array(v.utf8)), token: UInt(i))
        }
        let flushed = await producer.flush(timeoutMs: 10_000)
        await producer.close()
        try #require(flushed)

        let (stream, done) = AsyncStream.makeStream(of: Void.self)
        let task = PausingSinkTask(done)
        let plugin = ConnectorPlugin(
            className: "test.PausingSink", type: .sink, version: "1", configDef: ConfigDef(),
            taskClass: "test.PausingSinkTask", makeConnector: { WorkerSourceTaskRetryTests.NoConnector() },
            makeTask: { .sink(task) })
        let control = TaskControl()
        let failure = Mutex<String?>(nil)
        let setup = try TestWorker.taskSetup(
            plugin: plugin, transformations: .empty, control: control,
            report: { state, error in
                if state == .failed {
                    failure.withLock { $0 = error?.message }
                    done.finish()
                }
            })
        let worker = WorkerSinkTask(
            setup: setup,
            consumerConfig: config.withDefaults([
                ("group.id", "connect-c"), ("enable.auto.commit", "false"), ("auto.offset.reset", "earliest"),
            ]),
            topics: ["in"], flushIntervalMs: 60_000, maxPollRecords: 1, errorConfig: ErrorHandler.Config(),
            dlqProducerConfig: config, adminConfig: config)
        let running = Task { await worker.run() }
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        control.stop()
        await running.value
        await admin.close()
        #expect(failure.withLock { $0 } == nil)
        #expect(task.log == ["put \(Value.string("1"))", "refused", "paused", "resumed", "put \(Value.string("2"))"])
    }
}

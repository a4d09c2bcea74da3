import ConnectAPI
import KafkaClient
import KafkaClientConfigs
import Logging
import Synchronization

/// Runs the connectors and tasks the Herder gives this worker (Kafka's `Worker`): builds each task's
/// converters, transformations and Kafka clients, runs it, and stops it.
///
/// Every connector and task runs as a child of the task group of `run()`, which the worker's service
/// runs for the life of the process. Stopping a task is Kafka's `awaitStopTask`, made stronger: signal,
/// wait `task.shutdown.graceful.timeout.ms`, then cancel. Kafka Connect abandons a task that does not
/// stop in time; here cancelling fences its producer at once (it can write nothing more), makes it skip
/// its final offset commit, and cancels its Swift task, which a sink's external writes observe (the JDBC
/// sink cancels its statement and rolls back, the S3 sink aborts its multipart uploads).
///
/// The Herder decides what runs here and speaks for it (statuses, task configs); the Worker only does it.
final class Worker: Sendable {
    let config: WorkerConfig
    let registry: PluginRegistry
    let logger: Logger

    struct RunningTask: Sendable {
        let control: TaskControl
        let config: JSONObject
        let runId: Int
    }
    struct RunningConnector: Sendable {
        let handle: ConnectorHandle?
        let rawConfig: JSONObject
        var failed: Bool
        let runId: Int
    }
    private struct Running {
        var tasks: [ConnectorTaskId: RunningTask] = [:]
        var connectors: [String: RunningConnector] = [:]
    }
    private let running = Mutex(Running())
    private let children: AsyncStream<@Sendable () async -> Void>.Continuation
    private let childStream: AsyncStream<@Sendable () async -> Void>
    let metrics = WorkerMetrics()

    init(config: WorkerConfig, registry: PluginRegistry, logger: Logger) {
        self.config = config
        self.registry = registry
        self.logger = logger
        (childStream, children) = AsyncStream.makeStream()
    }

    /// Runs every connector and task started here, until `shutdown()` and the last of them has returned.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await child in childStream { group.addTask { await child() } }
        }
    }

    /// No more work starts; `run()` returns once the running work has returned.
    func shutdown() {
        shutDown.store(true, ordering: .relaxed)
        children.finish()
    }

    var isShutDown: Bool { shutDown.load(ordering: .relaxed) }
    private let shutDown = Atomic<Bool>(false)

    /// Runs `body` as a child of `run()`'s task group; false once the Worker is shut down (or `run()`
    /// was cancelled), when nothing more can start. Without `run()`, it never runs.
    @discardableResult
    func spawn(_ body: @escaping @Sendable () async -> Void) -> Bool {
        if case .enqueued = children.yield(body) { return true }
        return false
    }

    // MARK: What runs here

    var taskIds: [ConnectorTaskId] { running.withLock { $0.tasks.keys.sorted() } }
    var connectorNames: [String] { running.withLock { $0.connectors.keys.sorted() } }
    func task(_ id: ConnectorTaskId) -> RunningTask? { running.withLock { $0.tasks[id] } }
    func connector(_ name: String) -> RunningConnector? { running.withLock { $0.connectors[name] } }
    func taskIds(of connector: String) -> [ConnectorTaskId] {
        running.withLock { $0.tasks.keys.filter { $0.connector == connector }.sorted() }
    }

    // MARK: Connectors

    /// Starts a connector instance; returns its start error, if any (a connector that failed to start is
    /// kept, so its FAILED state holds until a restart or reconfiguration).
    func startConnector(
        _ name: String, plugin: ConnectorPlugin, rawConfig: JSONObject, config: [String: String],
        context: any ConnectorContext, runId: Int
    ) async -> ConnectError? {
        let (handle, error) = await ConnectorHandle.start(
            plugin: plugin, rawConfig: rawConfig, config: config, context: context, spawn: spawn)
        running.withLock {
            $0.connectors[name] = RunningConnector(
                handle: handle, rawConfig: rawConfig, failed: error != nil, runId: runId)
        }
        metrics.connectorCount.record(running.withLock { $0.connectors.count })
        return error
    }

    func connectorFailed(_ name: String) { running.withLock { $0.connectors[name]?.failed = true } }

    func stopConnector(_ name: String) async -> Bool {
        guard let c = running.withLock({ $0.connectors.removeValue(forKey: name) }) else { return false }
        metrics.connectorCount.record(running.withLock { $0.connectors.count })
        await c.handle?.stop()
        return true
    }

    // MARK: Tasks

    /// A task that could not be built stays known here (so it is not started again and again) without
    /// running: the Herder records it FAILED.
    private func failedTask(_ id: ConnectorTaskId, _ rawTask: JSONObject, runId: Int, _ error: ConnectError)
        -> ConnectError
    {
        let control = TaskControl()
        control.finish()
        running.withLock { $0.tasks[id] = RunningTask(control: control, config: rawTask, runId: runId) }
        metrics.taskState(id, .failed)
        return error
    }

    /// Builds and starts a task. Returns the error that kept it from starting, if any.
    func startTask(
        _ id: ConnectorTaskId, config rawTask: JSONObject, plugin: ConnectorPlugin, connectorConfig: [String: String],
        paused: Bool, runId: Int, offsets: OffsetBackingStore, report: @escaping StatusReporter,
        onTopic: @escaping @Sendable (String) async -> Void
    ) -> ConnectError? {
        let control = TaskControl(paused: paused)
        let taskConfig = config.configProviders.resolve(Herder.stringMap(rawTask))
        let taskLogger = logger.about(id)
        taskLogger.info("Creating task \(id)")
        // As Kafka Connect re-checks the override policy when it builds a task's clients: a config stored
        // before (by an older worker, under another policy) is not trusted. Before anything is made from it.
        let refused = config.clients.refusedOverrides(for: plugin.type, connector: connectorConfig)
        if !refused.isEmpty {
            let message = refused.sorted { $0.key < $1.key }.flatMap(\.value).joined(separator: "; ")
            return failedTask(id, rawTask, runId: runId, ConnectError(.config, message))
        }
        let converters: ConnectorConverters
        let chain: TransformationChain
        do {
            converters = try ConnectorConverters(
                connectorConfig: connectorConfig, workerConfig: config.converterConfig(), registry: registry)
            chain = try TransformationChain.build(config: connectorConfig, registry: registry)
        } catch {
            return failedTask(id, rawTask, runId: runId, ConnectError.from(error))
        }
        let setup = WorkerTaskSetup(
            id: id, taskConfig: taskConfig, plugin: plugin, converters: converters, transformations: chain,
            control: control, logger: taskLogger, report: report, onTopic: onTopic)
        // Kafka clients: the worker's client keys, then the connector's overrides (ClientConfigs).
        let clients = config.clients
        var translated: [ClientType: KafkaConfig] = [:]
        do {
            var ignored: [String] = []
            for type in ClientConfigs.taskClients(plugin.type) {
                let t = try clients.translate(type, connector: connectorConfig)
                translated[type] = t.config
                // The worker's own keys were named at start; a task names its connector's.
                for k in t.ignored where k.contains(".override.") && !ignored.contains(k) { ignored.append(k) }
            }
            if !ignored.isEmpty {
                taskLogger.warning(
                    "These Kafka client properties have no meaning for librdkafka and are ignored: \(ignored.joined(separator: ", "))"
                )
            }
        } catch {
            return failedTask(id, rawTask, runId: runId, ConnectError(.config, error.message))
        }
        let body: @Sendable () async -> Void
        switch plugin.type {
        case .source:
            // KIP-158: validation refused configs this cannot read; a config stored before is a failure.
            var topicCreation: TopicCreation? = nil
            if config.topicCreationEnabled && TopicCreation.isUsed(by: connectorConfig) {
                do { topicCreation = try TopicCreation.parse(connectorConfig) } catch {
                    return failedTask(id, rawTask, runId: runId, ConnectError(.config, error.message))
                }
            }
            let runner = WorkerSourceTask(
                setup: setup, producerConfig: TaskClientConfigs.sourceProducer(translated[.producer]!, id: id),
                adminConfig: TaskClientConfigs.sourceAdmin(translated[.admin]!, id: id),
                consumerConfig: translated[.consumer]!, offsets: offsets,
                flushIntervalMs: config.offsetFlushIntervalMs, flushTimeoutMs: config.offsetFlushTimeoutMs,
                errorConfig: ErrorHandler.Config(connectorConfig), topicCreation: topicCreation)
            body = { await runner.run() }
        case .sink:
            var topics = (taskConfig["topics"] ?? "").split(separator: ",").map { String($0).trimmingWhitespace() }
                .filter { !$0.isEmpty }
            if let regex = taskConfig["topics.regex"], !regex.isEmpty { topics = ["^" + regex] }
            // max.poll.records is the Java consumer's, not librdkafka's: it bounds the records of one put.
            let maxPollRecords =
                clients.taskClient(.consumer, connector: connectorConfig)["max.poll.records"].flatMap {
                    Int($0.trimmingWhitespace())
                } ?? 1000
            let runner = WorkerSinkTask(
                setup: setup, consumerConfig: TaskClientConfigs.sinkConsumer(translated[.consumer]!, id: id),
                topics: topics, flushIntervalMs: config.offsetFlushIntervalMs, maxPollRecords: max(1, maxPollRecords),
                errorConfig: ErrorHandler.Config(connectorConfig),
                dlqProducerConfig: TaskClientConfigs.deadLetterQueueProducer(translated[.producer]!, id: id),
                adminConfig: translated[.admin]!)
            body = { await runner.run() }
        }
        guard spawn({ await Self.runCancellable(body, control: control) }) else {
            return failedTask(id, rawTask, runId: runId, ConnectError(.connect, "The worker is shutting down"))
        }
        running.withLock { $0.tasks[id] = RunningTask(control: control, config: rawTask, runId: runId) }
        metrics.taskCount.record(running.withLock { $0.tasks.count })
        return nil
    }

    /// Runs a task's loop; cancelling the task (`TaskControl.cancel()`) cancels the loop's Swift task.
    /// The loop's own return marks it finished. A loop blocked in a call that ignores cancellation stays
    /// a child until that call returns (fenced, it can write nothing to Kafka meanwhile); at shutdown
    /// the worker service gives such a child a deadline, then exits the process anyway.
    static func runCancellable(_ body: @escaping @Sendable () async -> Void, control: TaskControl) async {
        await withTaskGroup(of: Void.self) { g in
            g.addTask {
                await body()
                control.finish()
            }
            g.addTask { await control.wait { $0.cancelled || $0.finished } }
            await g.next()
            g.cancelAll()
        }
    }

    /// Registers a task run by `body` elsewhere (tests drive `runCancellable` themselves).
    func adopt(_ id: ConnectorTaskId, control: TaskControl, config: JSONObject = JSONObject(), runId: Int = 0) {
        running.withLock { $0.tasks[id] = RunningTask(control: control, config: config, runId: runId) }
    }

    /// Stops the given tasks: all are signalled at once, then each gets the graceful timeout (counted
    /// from the signal) and is cancelled if it has not returned. Returns the ids that had to be cancelled.
    @discardableResult
    func stopTasks(_ ids: [ConnectorTaskId]) async -> [ConnectorTaskId] {
        let stopping = running.withLock { r in ids.compactMap { id in r.tasks.removeValue(forKey: id).map { (id, $0) } }
        }
        guard !stopping.isEmpty else { return [] }
        metrics.taskCount.record(running.withLock { $0.tasks.count })
        for (id, t) in stopping {
            metrics.taskStopped(id)
            t.control.stop()
        }
        let deadline = ContinuousClock.now + .milliseconds(config.taskShutdownTimeoutMs)
        var cancelled: [ConnectorTaskId] = []
        for (id, t) in stopping {
            let left = deadline - ContinuousClock.now
            let ms = max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            if await t.control.waitFinished(timeoutMs: ms) { continue }
            logger.about(id).warning(
                "Task \(id) did not stop within \(config.taskShutdownTimeoutMs) ms (task.shutdown.graceful.timeout.ms); cancelling it"
            )
            t.control.cancel()
            cancelled.append(id)
        }
        return cancelled
    }
}

import ConnectAPI
import KafkaClient
import Logging

/// The control plane: owns connector configs, target states, task configs and statuses, and makes the
/// running connectors and tasks match them.
///
/// Every change a REST call makes is a write to the config topic, acted on when read back. A single
/// job loop (`process`) converges running work to the snapshot, one connector at a time, so changes
/// never interleave.
public actor Herder {
    public let workerConfig: WorkerConfig
    public let registry: PluginRegistry
    let logger: Logger
    let logLevels: LogLevels
    public nonisolated let workerId: String

    var admin: KafkaAdmin?
    var configStore: ConfigBackingStore?
    var statusStore: StatusBackingStore?
    var offsetStore: OffsetBackingStore?
    public private(set) var clusterId: String?
    /// Kafka Connect's `/health` turns healthy once the worker has joined its group and started the work
    /// assigned to it, not when its REST server answers.
    public internal(set) var isReady = false
    var generation: Int32 = 0
    /// The worker group of the current generation; nil before the first join and during a rebalance,
    /// when this worker runs nothing.
    var group: WorkerGroup?
    var groupMember: WorkerGroupMember?
    var stopping = false

    /// Runs the connectors and tasks this worker owns.
    let worker: Worker
    var metrics: WorkerMetrics { worker.metrics }
    var nextRunId = 1
    /// Connectors and tasks owned here that wait for their previous owner (`Handover`), and since when.
    var waitingConnectors: [String: ContinuousClock.Instant] = [:]
    var waitingTasks: [ConnectorTaskId: ContinuousClock.Instant] = [:]
    /// Set while anything waits: the worker's ticker then asks for a re-check.
    nonisolated let handoversPending = LockedBox(false)

    enum Job: Sendable {
        case reconcile(String)
        case restart(RestartRequest)
        case restartConnector(String)
        case restartTask(ConnectorTaskId)
        case reconfigure(String)
        /// A rebalance ended with this group: stop what moved away, start what is ours now.
        case assigned(WorkerGroup)
        /// Re-check the work that waits for its previous owner to record it stopped.
        case handovers
    }
    private let jobs: AsyncStream<Job>.Continuation
    private let jobStream: AsyncStream<Job>
    /// Finished when the job loop has ended.
    private let jobsEnded = AsyncStream<Void>.makeStream()

    public init(
        workerConfig: WorkerConfig, registry: PluginRegistry, logger: Logger, logLevels: LogLevels = .shared
    ) {
        self.logLevels = logLevels
        self.workerConfig = workerConfig
        self.registry = registry
        self.logger = logger
        self.workerId = workerConfig.workerId
        self.worker = Worker(config: workerConfig, registry: registry, logger: logger)
        (jobStream, jobs) = AsyncStream<Job>.makeStream()
    }

    /// Runs this worker's connectors and tasks, each as a child task, until `stop()` has stopped them.
    /// The worker's service runs it beside `start()`.
    public nonisolated func runWork() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.worker.run() }
            group.addTask { await self.tickHandovers() }
            group.addTask { await self.runJobs() }
        }
    }

    /// The job loop: one job at a time, so changes never interleave.
    private func runJobs() async {
        for await job in jobStream { await process(job) }
        jobsEnded.continuation.finish()
    }

    /// While work waits for its previous owner, asks for a re-check four times a second.
    private nonisolated func tickHandovers() async {
        while !worker.isShutDown && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            if handoversPending.mutex.withLock({ $0 }) { enqueue(.handovers) }
        }
    }

    nonisolated func enqueue(_ job: Job) { jobs.yield(job) }

    // MARK: Start-up and shutdown

    /// Creates or verifies the internal topics, reads them to the end, and starts every connector.
    public func start() async throws {
        let admin = try KafkaAdmin(config: workerConfig.clientConfig("admin"))
        self.admin = admin
        do { clusterId = try await admin.clusterId() } catch {
            throw ConnectError(
                .connect, "Could not reach Kafka at bootstrap.servers=\(workerConfig.bootstrapServers): \(error)",
                cause: error)
        }
        let partitions = try await InternalTopics.ensure(admin: admin, config: workerConfig, logger: logger)

        // Idempotent, as Kafka Connect's internal producers: a retried status or offset write is not doubled.
        let producer = TaskClientConfigs.internalProducer(workerConfig.clientConfig("producer"))
        let consumer = workerConfig.clientConfig("consumer")
        let status = try StatusBackingStore(
            topic: workerConfig.statusTopic, partitions: partitions[workerConfig.statusTopic] ?? 1,
            producerConfig: producer, consumerConfig: consumer, logger: logger)
        let offsets = try OffsetBackingStore(
            topic: workerConfig.offsetTopic, partitions: partitions[workerConfig.offsetTopic] ?? 1,
            producerConfig: producer, consumerConfig: consumer, logger: logger)
        let config = try ConfigBackingStore(
            topic: workerConfig.configTopic, producerConfig: producer, consumerConfig: consumer, logger: logger
        ) { [weak self] changes in
            await self?.configChanged(changes)
        }
        statusStore = status
        offsetStore = offsets
        configStore = config
        async let s: Void = status.start()
        async let o: Void = offsets.start()
        try await s
        try await o
        generation = status.statuses.maxGeneration + 1
        try await config.start()
        // Work starts when the group has been joined (`.assigned`), which reconciles every connector.
        let member = try WorkerGroupMember(
            config: workerConfig, admin: admin, logger: logger,
            onAssigned: { [weak self] group in self?.enqueue(.assigned(group)) })
        groupMember = member
        try member.start(spawn: worker.spawn)
        logger.info(
            "Worker \(workerId) started (generation \(generation)); \(config.snapshot.connectorConfigs.count) connector(s) configured"
        )
    }

    /// Graceful shutdown: tasks stop and commit their offsets, statuses become UNASSIGNED, stores close.
    public func stop() async {
        isReady = false
        stopping = true
        // From here a completed join is ignored; our work is stopped below, then we leave the group.
        groupMember?.prepareToLeave()
        jobs.finish()
        for await _ in jobsEnded.stream {}  // the jobs still queued are skipped
        await stopAllWork(unassign: true)
        await groupMember?.stop()
        await configStore?.stop()
        await offsetStore?.stop()
        await statusStore?.stop()
        await admin?.close()
        worker.shutdown()
        logger.info("Worker \(workerId) stopped")
    }

    func configChanged(_ changes: [ConfigRecords.Change]) {
        for c in changes {
            switch c {
            case .connector(let n), .tasks(let n), .targetState(let n): enqueue(.reconcile(n))
            case .restart(let r): enqueue(.restart(r))
            case .logger(let namespace):
                if let level = snapshot.loggerLevels[namespace] {
                    _ = logLevels.set(namespace, level, at: wallClockMs())
                }
            }
        }
    }

    var snapshot: ConfigSnapshot { configStore?.snapshot ?? ConfigSnapshot() }

    func status(_ state: ConnectorState, _ error: ConnectError? = nil) -> StatusRecord {
        StatusRecord(state: state, trace: error?.trace, workerId: workerId, generation: generation)
    }
}

import ConnectAPI
import KafkaClient
import KafkaClientConfigs
import Logging

extension Herder {
    func process(_ job: Job) async {
        if stopping {
            if case .revoke(let waiting) = job { waiting.resume() }
            return
        }
        switch job {
        case .revoke(let waiting):
            group = nil
            await stopAllWork(unassign: false)
            waiting.resume()
        case .assigned(let newGroup):
            group = newGroup
            for name in snapshot.connectorNames { await reconcile(name) }
            isReady = true
        case .reconcile(let name): await reconcile(name)
        case .reconfigure(let name): await reconcile(name, regenerateTasks: true)
        case .restartConnector(let name):
            await stopConnector(name, unassign: false)
            await reconcile(name)
        case .restartTask(let id):
            await stopTask(id, unassign: false)
            await reconcile(id.connector)
        case .restart(let r):
            await performRestart(r)
        }
    }

    /// Stops every task (all asked at once, then awaited) and every connector of this worker.
    func stopAllWork(unassign: Bool) async {
        for t in tasks.values { t.control.stop() }
        for id in tasks.keys.sorted() { await stopTask(id, unassign: unassign) }
        for name in connectors.keys.sorted() { await stopConnector(name, unassign: unassign) }
    }

    func ownsConnector(_ name: String) -> Bool { group?.ownsConnector(name) ?? false }
    func ownsTask(_ id: ConnectorTaskId) -> Bool { group?.ownsTask(id) ?? false }

    /// Makes the running connector and tasks of `name` match the config snapshot, for the part of them
    /// this worker owns in the current group. The owner of the connector also speaks for it: its
    /// status, its task configs, the cleanup after a delete.
    func reconcile(_ name: String, regenerateTasks: Bool = false) async {
        let snap = snapshot
        let ownsConnector = ownsConnector(name)
        guard let raw = snap.connectorConfigs[name] else {
            // Deleted: stop everything and remove its statuses.
            let ids = tasks.keys.filter { $0.connector == name }
            for id in ids { await stopTask(id, unassign: false) }
            await stopConnector(name, unassign: false)
            if ownsConnector { await statusStore?.removeConnector(name, taskCount: ids.count) }
            return
        }
        let target = snap.targetState(name)
        let config = workerConfig.configProviders.resolve(Self.stringMap(raw))
        guard let plugin = registry.connector(named: config["connector.class"] ?? "") else {
            if ownsConnector {
                await statusStore?.putConnector(
                    name,
                    status(
                        .failed, ConnectError(.config, "Unknown connector class \(config["connector.class"] ?? "")")))
            }
            return
        }

        if target == .stopped {
            for id in tasks.keys.filter({ $0.connector == name }) { await stopTask(id, unassign: false) }
            await stopConnector(name, unassign: false)
            if ownsConnector {
                await statusStore?.putConnector(name, status(.stopped))
                if (snap.taskConfigs[name]?.count ?? 0) != 0 { try? await configStore?.putTaskConfigs(name, []) }
            }
            return
        }

        if ownsConnector {
            guard
                await reconcileConnector(
                    name, raw: raw, config: config, plugin: plugin, regenerateTasks: regenerateTasks)
            else { return }
        } else if connectors[name] != nil {
            await stopConnector(name, unassign: false)  // moved to another worker
        }
        await reconcileTasks(name, plugin: plugin, config: config, paused: target == .paused)
    }

    /// Starts or restarts the connector instance and brings its task configs up to date. Returns false
    /// when the tasks must wait: the connector failed, or new task configs were written (their commit
    /// record brings us back here).
    private func reconcileConnector(
        _ name: String, raw: JSONObject, config: [String: String], plugin: ConnectorPlugin, regenerateTasks: Bool
    ) async -> Bool {
        let snap = snapshot
        let target = snap.targetState(name)
        var justStarted = false
        if let running = connectors[name], running.handle.rawConfig != raw {
            for id in tasks.keys.filter({ $0.connector == name }) { await stopTask(id, unassign: false) }
            await stopConnector(name, unassign: false)
        }
        if connectors[name] == nil {
            let runId = nextRunId
            nextRunId += 1
            let context = WorkerConnectorContext(
                logger: logger.with("connector", name),
                offsetStorageReader: ConnectorOffsetReader(connector: name, store: offsetStore!),
                onReconfigure: { [weak self] in self?.enqueue(.reconfigure(name)) },
                onError: { [weak self] e in
                    Task { await self?.connectorFailed(name, runId: runId, ConnectError.from(e)) }
                })
            let (handle, error) = await ConnectorHandle.start(
                plugin: plugin, rawConfig: raw, config: config, context: context)
            connectors[name] = RunningConnector(handle: handle, failed: error != nil, runId: runId)
            if let error {
                logger.error("Connector \(name) failed to start: \(error.message)")
                await statusStore?.putConnector(name, status(.failed, error))
                return false
            }
            justStarted = true
        }
        guard let running = connectors[name], !running.failed else { return false }
        await statusStore?.putConnector(name, status(target == .paused ? .paused : .running))

        // Task configs: ask the connector after a (re)start or a reconfiguration request; write them if they changed.
        let stored = snap.taskConfigs[name]
        guard justStarted || regenerateTasks || stored == nil || snap.inconsistent.contains(name) else { return true }
        let maxTasks = Int(config["tasks.max"] ?? "1") ?? 1
        do {
            let generated = try await running.handle.taskConfigs(maxTasks: maxTasks)
            if generated.count > maxTasks {
                throw ConnectError(
                    .connect,
                    "The connector \(name) has generated \(generated.count) tasks, which is greater than \(maxTasks), the maximum number of tasks it is configured to create."
                )
            }
            let ordered = generated.map { Self.taskConfig($0, raw: raw, plugin: plugin) }
            let storedDicts = (stored ?? []).map(Self.stringMap)
            if stored == nil || snap.inconsistent.contains(name) || ordered.map(Self.stringMap) != storedDicts {
                try await configStore?.putTaskConfigs(name, ordered)
                return false
            }
            return true
        } catch {
            let e = ConnectError.from(error)
            logger.error("Connector \(name) failed to generate task configs: \(e.message)")
            connectors[name]?.failed = true
            await statusStore?.putConnector(name, status(.failed, e))
            return false
        }
    }

    /// Tasks of `name` owned here: start missing ones, restart changed ones, apply pause/resume; stop
    /// the ones that are gone or now belong to another worker.
    private func reconcileTasks(_ name: String, plugin: ConnectorPlugin, config: [String: String], paused: Bool) async {
        let taskConfigs = snapshot.taskConfigs[name] ?? []
        for (i, tc) in taskConfigs.enumerated() {
            let id = ConnectorTaskId(name, i)
            guard ownsTask(id) else {
                await stopTask(id, unassign: false)  // its new owner reports its status
                continue
            }
            if let t = tasks[id] {
                if t.config != tc {
                    await stopTask(id, unassign: false)
                } else {
                    if paused { t.control.pause() } else { t.control.resume() }
                    continue
                }
            }
            await startTask(id, config: tc, plugin: plugin, connectorConfig: config, paused: paused)
        }
        for id in tasks.keys where id.connector == name && id.task >= taskConfigs.count {
            await stopTask(id, unassign: false)
            await statusStore?.putTask(name, id.task, status(.unassigned))
        }
    }

    func startTask(
        _ id: ConnectorTaskId, config rawTask: JSONObject, plugin: ConnectorPlugin, connectorConfig: [String: String],
        paused: Bool
    ) async {
        let runId = nextRunId
        nextRunId += 1
        let control = TaskControl(paused: paused)
        let taskConfig = workerConfig.configProviders.resolve(Self.stringMap(rawTask))
        let report: StatusReporter = { [weak self] state, error in
            await self?.taskStatusChanged(id, runId: runId, state, error)
        }
        let topicTracker: @Sendable (String) async -> Void = { [weak self] topic in await self?.topicUsed(id, topic) }
        let taskLogger = logger.with("connector", id.connector).with("task", String(id.task))
        // As Kafka Connect re-checks the override policy when it builds a task's clients: a config stored
        // before (by an older worker, under another policy) is not trusted. Before anything is made from it.
        let refused = workerConfig.clients.refusedOverrides(for: plugin.type, connector: connectorConfig)
        if !refused.isEmpty {
            let message = refused.sorted { $0.key < $1.key }.flatMap(\.value).joined(separator: "; ")
            await statusStore?.putTask(id.connector, id.task, status(.failed, ConnectError(.config, message)))
            tasks[id] = RunningTask(control: control, config: rawTask, task: Task {}, runId: runId)
            metrics.taskState(id, .failed)
            return
        }
        let converters: ConnectorConverters
        let chain: TransformationChain
        do {
            converters = try ConnectorConverters(
                connectorConfig: connectorConfig, workerConfig: workerConfig.converterConfig(), registry: registry)
            chain = try TransformationChain.build(config: connectorConfig, registry: registry)
        } catch {
            await statusStore?.putTask(id.connector, id.task, status(.failed, ConnectError.from(error)))
            tasks[id] = RunningTask(control: control, config: rawTask, task: Task {}, runId: runId)
            metrics.taskState(id, .failed)
            return
        }
        let setup = WorkerTaskSetup(
            id: id, taskConfig: taskConfig, plugin: plugin, converters: converters, transformations: chain,
            control: control,
            logger: taskLogger, report: report, onTopic: topicTracker)
        // Kafka clients: the worker's client keys, then the connector's overrides (ClientConfigs).
        let clients = workerConfig.clients
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
            await statusStore?.putTask(
                id.connector, id.task, status(.failed, ConnectError(.config, error.message)))
            tasks[id] = RunningTask(control: control, config: rawTask, task: Task {}, runId: runId)
            metrics.taskState(id, .failed)
            return
        }
        let run: Task<Void, Never>
        switch plugin.type {
        case .source:
            // 25 000 buffered records (~100 ms at full speed) keep the broker busy; more only raised the
            // peak RSS of the JDBC benchmark (bench/README.md). producer.* and producer.override.* win.
            var producer = translated[.producer]!.withDefaults([
                ("acks", "all"), ("enable.idempotence", "false"), ("partitioner", "murmur2_random"),
                ("linger.ms", "5"), ("compression.type", "none"), ("queue.buffering.max.messages", "25000"),
            ])
            producer["client.id"] = "connector-producer-\(id.connector)-\(id.task)"
            var admin = translated[.admin]!
            admin["client.id"] = admin["client.id"] ?? "connector-adminclient-\(id.connector)-\(id.task)"
            // KIP-158: validation refused configs this cannot read; a config stored before is a failure.
            var topicCreation: TopicCreation? = nil
            if workerConfig.topicCreationEnabled && TopicCreation.isUsed(by: connectorConfig) {
                do { topicCreation = try TopicCreation.parse(connectorConfig) } catch {
                    await statusStore?.putTask(
                        id.connector, id.task, status(.failed, ConnectError(.config, error.message)))
                    tasks[id] = RunningTask(control: control, config: rawTask, task: Task {}, runId: runId)
                    metrics.taskState(id, .failed)
                    return
                }
            }
            let runner = WorkerSourceTask(
                setup: setup, producerConfig: producer, adminConfig: admin,
                consumerConfig: translated[.consumer]!, offsets: offsetStore!,
                flushIntervalMs: workerConfig.offsetFlushIntervalMs, flushTimeoutMs: workerConfig.offsetFlushTimeoutMs,
                errorConfig: ErrorHandler.Config(connectorConfig), topicCreation: topicCreation)
            run = Task { await runner.run() }
        case .sink:
            // fetch.queue.backoff.ms: librdkafka (≥ 2.4) waits a full second, by default, before fetching
            // again once its prefetch queue has been full; a sink that drains the queue faster than that
            // then sits idle. Measured on bench/s3_sink.sh: 96k → 170k records/s. The prefetch queue is
            // held to 16 MB (librdkafka's default is 64 MB per consumer): it only needs to cover one put.
            var consumer = translated[.consumer]!.withDefaults([
                ("enable.auto.commit", "false"), ("auto.offset.reset", "earliest"), ("fetch.queue.backoff.ms", "20"),
                ("queued.max.messages.kbytes", "16384"),
            ])
            consumer["group.id"] = Self.sinkGroup(id.connector)
            consumer["client.id"] = "connector-consumer-\(id.connector)-\(id.task)"
            var topics = (taskConfig["topics"] ?? "").split(separator: ",").map { String($0).trimmingWhitespace() }
                .filter { !$0.isEmpty }
            if let regex = taskConfig["topics.regex"], !regex.isEmpty { topics = ["^" + regex] }
            // max.poll.records is the Java consumer's, not librdkafka's: it bounds the records of one put.
            let maxPollRecords =
                clients.taskClient(.consumer, connector: connectorConfig)["max.poll.records"].flatMap {
                    Int($0.trimmingWhitespace())
                } ?? 1000
            var dlqProducer = translated[.producer]!.withDefaults([("acks", "all")])
            dlqProducer["client.id"] = "connector-dlq-producer-\(id.connector)-\(id.task)"
            let runner = WorkerSinkTask(
                setup: setup, consumerConfig: consumer, topics: topics,
                flushIntervalMs: workerConfig.offsetFlushIntervalMs, maxPollRecords: max(1, maxPollRecords),
                errorConfig: ErrorHandler.Config(connectorConfig), dlqProducerConfig: dlqProducer,
                adminConfig: translated[.admin]!)
            run = Task { await runner.run() }
        }
        tasks[id] = RunningTask(control: control, config: rawTask, task: run, runId: runId)
    }

    /// Stops a task and waits up to `task.shutdown.graceful.timeout.ms` for it (then abandons it).
    func stopTask(_ id: ConnectorTaskId, unassign: Bool) async {
        guard let t = tasks.removeValue(forKey: id) else { return }
        metrics.taskStopped(id)
        t.control.stop()
        let finished = await Self.wait(t.task, timeoutMs: workerConfig.taskShutdownTimeoutMs)
        if !finished {
            logger.warning("Task \(id) did not stop within \(workerConfig.taskShutdownTimeoutMs) ms; abandoned")
        }
        if unassign { await statusStore?.putTask(id.connector, id.task, status(.unassigned)) }
    }

    func stopConnector(_ name: String, unassign: Bool) async {
        guard let c = connectors.removeValue(forKey: name) else { return }
        await c.handle.stop()
        if unassign { await statusStore?.putConnector(name, status(.unassigned)) }
    }

    static func wait(_ task: Task<Void, Never>, timeoutMs: Int64) async -> Bool {
        await withTaskGroup(of: Bool.self) { g in
            g.addTask {
                await task.value
                return true
            }
            g.addTask {
                try? await Task.sleep(for: .milliseconds(timeoutMs))
                return false
            }
            let first = await g.next() ?? false
            g.cancelAll()
            return first
        }
    }

    func taskStatusChanged(_ id: ConnectorTaskId, runId: Int, _ state: ConnectorState, _ error: ConnectError?) async {
        guard tasks[id]?.runId == runId else { return }  // a report from a task we already replaced
        metrics.taskState(id, state)
        if state == .failed { logger.error("Task \(id) failed: \(error?.message ?? "")") }
        await statusStore?.putTask(id.connector, id.task, status(state, error))
    }

    func connectorFailed(_ name: String, runId: Int, _ error: ConnectError) async {
        guard connectors[name]?.runId == runId else { return }
        connectors[name]?.failed = true
        await statusStore?.putConnector(name, status(.failed, error))
    }

    func topicUsed(_ id: ConnectorTaskId, _ topic: String) async {
        guard workerConfig.topicTrackingEnabled else { return }
        if statusStore?.statuses.topics[id.connector]?[topic] != nil { return }
        await statusStore?.putTopic(connector: id.connector, task: id.task, topic: topic, timestamp: wallClockMs())
    }

    func performRestart(_ r: RestartRequest) async {
        let statuses = statusStore?.statuses
        let connectorFailed = statuses?.connectors[r.connector]?.state == .failed
        if !r.onlyFailed || connectorFailed {
            await stopConnector(r.connector, unassign: false)
        }
        if r.includeTasks {
            for id in tasks.keys.filter({ $0.connector == r.connector }) {
                let failed = statuses?.tasks[r.connector]?[id.task]?.state == .failed
                if !r.onlyFailed || failed { await stopTask(id, unassign: false) }
            }
        }
        await reconcile(r.connector)
    }

    // MARK: helpers

    static func stringMap(_ o: JSONObject) -> [String: String] {
        var d: [String: String] = [:]
        for m in o { if let s = m.value.stringValue { d[m.key] = s } }
        return d
    }

    /// A task config in a stable key order: keys in the connector config's order, the rest sorted,
    /// `task.class` last (and for sinks `topics`/`topics.regex` copied from the connector).
    static func taskConfig(_ generated: [String: String], raw: JSONObject, plugin: ConnectorPlugin) -> JSONObject {
        var d = generated
        d["task.class"] = nil
        if plugin.type == .sink {
            let rawMap = stringMap(raw)
            if let t = rawMap["topics"] { d["topics"] = t }
            if let t = rawMap["topics.regex"] { d["topics.regex"] = t }
        }
        var o = JSONObject()
        for k in raw.keys where d[k] != nil { o[k] = .string(d[k]!) }
        for k in d.keys.sorted() where o[k] == nil { o[k] = .string(d[k]!) }
        o["task.class"] = .string(plugin.taskClass)
        return o
    }
}

extension Logger {
    func with(_ key: String, _ value: String) -> Logger {
        var l = self
        l[metadataKey: key] = .string(value)
        return l
    }
}

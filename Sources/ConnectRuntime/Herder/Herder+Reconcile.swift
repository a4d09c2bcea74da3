import ConnectAPI
import KafkaClient
import KafkaClientConfigs
import Logging

extension Herder {
    func process(_ job: Job) async {
        if stopping { return }
        switch job {
        case .assigned(let newGroup):
            let moved = group.map { old in old.members.map(\.workerId) != newGroup.members.map(\.workerId) } ?? true
            group = newGroup
            // Everything we know of: configured connectors, and what runs here (a deleted connector's tasks).
            let names = Set(snapshot.connectorNames).union(worker.connectorNames).union(
                worker.taskIds.map(\.connector))
            if moved {
                logger.info("Rebalance: \(newGroup.members.count) worker(s); reconciling \(names.count) connector(s)")
            }
            // Step one of the handover first, for every connector at once: what moved away is stopped
            // (in parallel, within one graceful timeout) and recorded UNASSIGNED before anything else,
            // so the new owners wait for no more than that.
            let snap = snapshot
            let movedTasks = worker.taskIds.filter { id in
                let count = snap.taskConfigs[id.connector]?.count ?? 0
                return id.task < count && !ownsTask(id, taskCount: count)
            }
            await stopTasks(movedTasks, unassign: true)
            for name in worker.connectorNames where !ownsConnector(name) && snap.connectorConfigs[name] != nil {
                await stopConnector(name, unassign: true)
            }
            for name in names.sorted() { await reconcile(name) }
            logger.info(
                "Assignment of \(newGroup.members.count) worker(s) applied: \(worker.connectorNames.count) connector(s) and \(worker.taskIds.count) task(s) run here, \(waitingTasks.count) task(s) wait for their previous owner"
            )
            isReady = true
        case .handovers:
            let names = Set(waitingConnectors.keys).union(waitingTasks.keys.map(\.connector))
            for name in names.sorted() { await reconcile(name) }
        case .reconcile(let name): await reconcile(name)
        case .reconfigure(let name): await reconcile(name, regenerateTasks: true)
        case .restartConnector(let name):
            await stopConnector(name, unassign: false)
            await reconcile(name)
        case .restartTask(let id):
            await stopTasks([id], unassign: false)
            await reconcile(id.connector)
        case .restart(let r):
            await performRestart(r)
        }
        handoversPending.mutex.withLock { $0 = !waitingConnectors.isEmpty || !waitingTasks.isEmpty }
    }

    /// Stops every task (all asked at once, then awaited) and every connector of this worker.
    func stopAllWork(unassign: Bool) async {
        await stopTasks(worker.taskIds, unassign: unassign)
        for name in worker.connectorNames { await stopConnector(name, unassign: unassign) }
    }

    func ownsConnector(_ name: String) -> Bool { group?.ownsConnector(name) ?? false }
    func ownsTask(_ id: ConnectorTaskId, taskCount: Int) -> Bool {
        group.map { $0.ownerOfTask(id, taskCount: taskCount).memberId == $0.me } ?? false
    }

    /// Work last recorded by another worker is claimed before it starts here: a RESTARTING record (the
    /// state Kafka Connect writes for a restart) says this worker has it, so a worker the next
    /// rebalance gives it to waits for us even while our `start()` has written nothing yet.
    static func isTakeover(_ last: StatusRecord?, me: String) -> Bool {
        guard let last else { return false }
        return last.workerId != me
    }

    /// The second step of the handover: may this worker start what the group gave it?
    private func mayStart(last: StatusRecord?, waitingSince: inout ContinuousClock.Instant?, what: String) -> Bool {
        guard let group else { return false }
        let since = waitingSince ?? ContinuousClock.now
        let waited = ContinuousClock.now - since
        let handover = Handover(
            me: workerId,
            releaseTimeoutMs: Int64(workerConfig.sessionTimeoutMs) + workerConfig.taskShutdownTimeoutMs,
            scheduledRebalanceMaxDelayMs: workerConfig.scheduledRebalanceMaxDelayMs)
        switch handover.decide(
            last: last, group: group,
            waitedMs: waited.components.seconds * 1000 + waited.components.attoseconds / 1_000_000_000_000_000)
        {
        case .start:
            waitingSince = nil
            return true
        case .wait(let reason):
            if waitingSince == nil { logger.info("\(what) is assigned here; \(reason)") }
            waitingSince = since
            return false
        }
    }

    /// Makes the running connector and tasks of `name` match the config snapshot, for the part of them
    /// this worker owns in the current group. The owner of the connector also speaks for it: its
    /// status, its task configs, the cleanup after a delete.
    func reconcile(_ name: String, regenerateTasks: Bool = false) async {
        let snap = snapshot
        let ownsConnector = ownsConnector(name)
        guard let raw = snap.connectorConfigs[name] else {
            // Deleted: stop everything and remove its statuses.
            let ids = worker.taskIds(of: name)
            await stopTasks(ids, unassign: false)
            await stopConnector(name, unassign: false)
            waitingConnectors[name] = nil
            for id in waitingTasks.keys where id.connector == name { waitingTasks[id] = nil }
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
            // Recorded UNASSIGNED: when the connector resumes, whichever worker then owns a task
            // finds it released instead of waiting for this one.
            await stopTasks(worker.taskIds(of: name), unassign: true)
            await stopConnector(name, unassign: false)
            if ownsConnector {
                await statusStore?.putConnector(name, status(.stopped))
                if (snap.taskConfigs[name]?.count ?? 0) != 0 { try? await configStore?.putTaskConfigs(name, []) }
            }
            return
        }

        if ownsConnector {
            // New task configs were written: their commit record brings us back here.
            guard
                await reconcileConnector(
                    name, raw: raw, config: config, plugin: plugin, regenerateTasks: regenerateTasks)
            else { return }
        } else if worker.connector(name) != nil {
            await stopConnector(name, unassign: true)  // moved to another worker: step one of the handover
        } else {
            waitingConnectors[name] = nil
        }
        await reconcileTasks(name, plugin: plugin, config: config, paused: target == .paused)
    }

    /// Starts or restarts the connector instance and brings its task configs up to date. Returns false
    /// when the tasks must wait for new task configs (just written, or none stored yet). A connector that
    /// failed or waits for its previous owner leaves its tasks running on their stored configs, as in
    /// Kafka Connect.
    private func reconcileConnector(
        _ name: String, raw: JSONObject, config: [String: String], plugin: ConnectorPlugin, regenerateTasks: Bool
    ) async -> Bool {
        let snap = snapshot
        let target = snap.targetState(name)
        var justStarted = false
        if let running = worker.connector(name), running.rawConfig != raw {
            await stopTasks(worker.taskIds(of: name), unassign: false)
            await stopConnector(name, unassign: false)
        }
        if worker.connector(name) == nil {
            var since = waitingConnectors[name]
            let may = mayStart(
                last: statusStore?.statuses.connectors[name], waitingSince: &since, what: "Connector \(name)")
            waitingConnectors[name] = since
            // Its tasks do not wait for it: they have their stored configs and their own handover.
            guard may else { return snap.taskConfigs[name] != nil }
            if Self.isTakeover(statusStore?.statuses.connectors[name], me: workerId) {
                await statusStore?.putConnector(name, status(.restarting))
            }
            let runId = nextRunId
            nextRunId += 1
            let context = WorkerConnectorContext(
                logger: logger.with("connector", name),
                offsetStorageReader: ConnectorOffsetReader(connector: name, store: offsetStore!),
                onReconfigure: { [weak self] in self?.enqueue(.reconfigure(name)) },
                onError: { [weak self] e in
                    Task { await self?.connectorFailed(name, runId: runId, ConnectError.from(e)) }
                })
            logger.about(name).info("Creating connector \(name) of type \(plugin.className)")
            if let error = await worker.startConnector(
                name, plugin: plugin, rawConfig: raw, config: config, context: context, runId: runId)
            {
                logger.about(name).error("Connector \(name) failed to start", error: error)
                await statusStore?.putConnector(name, status(.failed, error))
                return snap.taskConfigs[name] != nil
            }
            justStarted = true
        }
        guard let running = worker.connector(name), !running.failed, let handle = running.handle else {
            return snap.taskConfigs[name] != nil
        }
        // Written when it changes, not at every reconcile (the handover re-checks four times a second).
        let state: ConnectorState = target == .paused ? .paused : .running
        let last = statusStore?.statuses.connectors[name]
        if justStarted || last?.state != state || last?.workerId != workerId {
            await statusStore?.putConnector(name, status(state))
        }

        // Task configs: ask the connector after a (re)start or a reconfiguration request; write them if they changed.
        let stored = snap.taskConfigs[name]
        guard justStarted || regenerateTasks || stored == nil || snap.inconsistent.contains(name) else { return true }
        let maxTasks = Int(config["tasks.max"] ?? "1") ?? 1
        do {
            let generated = try await handle.taskConfigs(maxTasks: maxTasks)
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
            logger.about(name).error("Connector \(name) failed to generate task configs", error: e)
            worker.connectorFailed(name)
            await statusStore?.putConnector(name, status(.failed, e))
            return stored != nil
        }
    }

    /// Tasks of `name`: those that moved away are stopped and recorded UNASSIGNED (step one of the
    /// handover); those owned here are started once their previous owner let them go (step two),
    /// restarted when their config changed, paused or resumed; those that are gone are stopped.
    private func reconcileTasks(_ name: String, plugin: ConnectorPlugin, config: [String: String], paused: Bool) async {
        let taskConfigs = snapshot.taskConfigs[name] ?? []
        let owners = group?.taskOwners(connector: name, taskCount: taskConfigs.count) ?? []
        var running: [Int: JSONObject] = [:]
        for id in worker.taskIds(of: name) { running[id.task] = worker.task(id)?.config }
        let plan = TaskReconciliation(
            connector: name, taskConfigs: taskConfigs, ownedHere: owners.map { $0.memberId == group?.me },
            running: running)
        await stopTasks(plan.release, unassign: true)
        await stopTasks(plan.remove, unassign: true)
        await stopTasks(plan.restart, unassign: false)
        for id in plan.keep {
            if paused { worker.task(id)?.control.pause() } else { worker.task(id)?.control.resume() }
        }
        for id in plan.restart + plan.start {
            var since = waitingTasks[id]
            let may = mayStart(
                last: statusStore?.statuses.tasks[name]?[id.task], waitingSince: &since, what: "Task \(id)")
            waitingTasks[id] = since
            guard may else { continue }
            if Self.isTakeover(statusStore?.statuses.tasks[name]?[id.task], me: workerId) {
                await statusStore?.putTask(name, id.task, status(.restarting))
            }
            await startTask(id, config: taskConfigs[id.task], plugin: plugin, connectorConfig: config, paused: paused)
        }
        let waiting = Set(plan.restart + plan.start)
        for id in waitingTasks.keys where id.connector == name && !waiting.contains(id) { waitingTasks[id] = nil }
    }

    func startTask(
        _ id: ConnectorTaskId, config rawTask: JSONObject, plugin: ConnectorPlugin, connectorConfig: [String: String],
        paused: Bool
    ) async {
        let runId = nextRunId
        nextRunId += 1
        let report: StatusReporter = { [weak self] state, error in
            await self?.taskStatusChanged(id, runId: runId, state, error)
        }
        let onTopic: @Sendable (String) async -> Void = { [weak self] topic in await self?.topicUsed(id, topic) }
        if let error = worker.startTask(
            id, config: rawTask, plugin: plugin, connectorConfig: connectorConfig, paused: paused, runId: runId,
            offsets: offsetStore!, report: report, onTopic: onTopic)
        {
            logger.about(id).error("Task \(id) failed to start", error: error)
            await statusStore?.putTask(id.connector, id.task, status(.failed, error))
        }
    }

    /// Stops tasks through the Worker (signal, graceful timeout, cancel); with `unassign`, records each
    /// UNASSIGNED, which is also what lets its next owner start it.
    func stopTasks(_ ids: [ConnectorTaskId], unassign: Bool) async {
        let running = ids.filter { worker.task($0) != nil }
        guard !running.isEmpty else { return }
        await worker.stopTasks(running)
        if unassign {
            for id in running { await statusStore?.putTask(id.connector, id.task, status(.unassigned)) }
        }
    }

    func stopConnector(_ name: String, unassign: Bool) async {
        guard await worker.stopConnector(name) else { return }
        if unassign { await statusStore?.putConnector(name, status(.unassigned)) }
    }

    func taskStatusChanged(_ id: ConnectorTaskId, runId: Int, _ state: ConnectorState, _ error: ConnectError?) async {
        guard worker.task(id)?.runId == runId else { return }  // a report from a task we already replaced
        metrics.taskState(id, state)
        if state == .failed { logger.about(id).error("Task \(id) failed", error: error) }
        await statusStore?.putTask(id.connector, id.task, status(state, error))
    }

    func connectorFailed(_ name: String, runId: Int, _ error: ConnectError) async {
        guard worker.connector(name)?.runId == runId else { return }
        worker.connectorFailed(name)
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
            let ids = worker.taskIds(of: r.connector).filter {
                !r.onlyFailed || statuses?.tasks[r.connector]?[$0.task]?.state == .failed
            }
            await stopTasks(ids, unassign: false)
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

    /// This logger for lines about one connector (KIP-721's connector context: `[name|worker]`).
    func about(_ connector: String) -> Logger { with("connector", connector) }

    /// This logger for lines about one task (`[name|task-N]`).
    func about(_ task: ConnectorTaskId) -> Logger { with("connector", task.connector).with("task", String(task.task)) }
}

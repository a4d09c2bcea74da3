import ConnectAPI

/// What one connector's tasks need on this worker: the desired state (its task configs and their owners
/// in the current group) against what runs here. A pure value, so every case is tested without Kafka;
/// `Herder.reconcileTasks` carries it out.
struct TaskReconciliation: Equatable, Sendable {
    /// Running here, now owned by another worker: stop, and record UNASSIGNED (handover step one).
    var release: [ConnectorTaskId] = []
    /// Running here with a config that changed: stop, then start anew.
    var restart: [ConnectorTaskId] = []
    /// Owned here and not running: start once its previous owner let it go (handover step two).
    var start: [ConnectorTaskId] = []
    /// Running here, unchanged: only the target state (paused or running) is applied.
    var keep: [ConnectorTaskId] = []
    /// Running here, but the connector no longer has that many tasks: stop, record UNASSIGNED.
    var remove: [ConnectorTaskId] = []

    /// - Parameters:
    ///   - taskConfigs: the connector's task configs, in task order.
    ///   - ownedHere: per task, whether the current group gives it to this worker.
    ///   - running: the configs of the connector's tasks running here.
    init(connector: String, taskConfigs: [JSONObject], ownedHere: [Bool], running: [Int: JSONObject]) {
        for (i, config) in taskConfigs.enumerated() {
            let id = ConnectorTaskId(connector, i)
            let mine = i < ownedHere.count && ownedHere[i]
            switch (mine, running[i]) {
            case (false, nil): break
            case (false, .some): release.append(id)
            case (true, nil): start.append(id)
            case (true, .some(let current)):
                if current == config { keep.append(id) } else { restart.append(id) }
            }
        }
        remove = running.keys.filter { $0 >= taskConfigs.count }.sorted().map { ConnectorTaskId(connector, $0) }
    }
}

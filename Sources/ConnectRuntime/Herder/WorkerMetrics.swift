import ConnectAPI
import CoreMetrics
import Synchronization

/// This worker's `connect-worker-metrics` (connectors and tasks it runs) and each of its tasks' state
/// as `kafka_connect_connector_task_status{connector,task,status}` 1, the JMX exporter's rendering of
/// the `status` attribute of `connector-task-metrics`: a FAILED task can be alerted on.
final class WorkerMetrics: Sendable {
    let connectorCount = Gauge(label: "kafka_connect_connect_worker_connector_count")
    let taskCount = Gauge(label: "kafka_connect_connect_worker_task_count")
    private let statuses = Mutex<[ConnectorTaskId: (state: ConnectorState, gauge: Gauge)]>([:])

    func taskState(_ id: ConnectorTaskId, _ state: ConnectorState) {
        let previous = statuses.withLock { $0[id] }
        if previous?.state == state { return }
        previous?.gauge.destroy()
        let gauge = Gauge(
            label: "kafka_connect_connector_task_status",
            dimensions: [
                ("connector", id.connector), ("task", String(id.task)), ("status", state.rawValue.lowercased()),
            ])
        gauge.record(1)
        statuses.withLock { $0[id] = (state, gauge) }
    }

    func taskStopped(_ id: ConnectorTaskId) {
        statuses.withLock { $0.removeValue(forKey: id) }?.gauge.destroy()
    }
}

import ConnectAPI
import CoreMetrics

/// Kafka Connect's task metrics (its JMX groups `source-task-metrics`, `sink-task-metrics`,
/// `connector-task-metrics` and `task-error-metrics`) through swift-metrics. The worker binary exports
/// them for Prometheus at `GET /metrics` as `kafka_connect_<group>_<name>{connector,task}`, the shape
/// the JMX exporter gives Kafka Connect's MBeans (docs/metrics.md). Counted per poll or batch, never
/// per record; without a metrics backend (unit tests) they are no-ops.
final class TaskMetrics: Sendable {
    enum Kind { case source, sink }

    // source-task-metrics
    let sourceRecordPoll: Counter?
    let sourceRecordWrite: Counter?
    // sink-task-metrics
    let sinkRecordRead: Counter?
    let sinkRecordSend: Counter?
    let partitionCount: Gauge?
    // connector-task-metrics
    let offsetCommitSuccess: Counter
    let offsetCommitFailure: Counter
    // task-error-metrics
    let recordErrors: Counter
    let recordsSkipped: Counter
    let errorsLogged: Counter
    let deadLetterRequests: Counter
    let deadLetterFailures: Counter

    init(_ id: ConnectorTaskId, kind: Kind) {
        let d = [("connector", id.connector), ("task", String(id.task))]
        func counter(_ name: String) -> Counter { Counter(label: "kafka_connect_" + name, dimensions: d) }
        sourceRecordPoll = kind == .source ? counter("source_task_source_record_poll_total") : nil
        sourceRecordWrite = kind == .source ? counter("source_task_source_record_write_total") : nil
        sinkRecordRead = kind == .sink ? counter("sink_task_sink_record_read_total") : nil
        sinkRecordSend = kind == .sink ? counter("sink_task_sink_record_send_total") : nil
        partitionCount = kind == .sink ? Gauge(label: "kafka_connect_sink_task_partition_count", dimensions: d) : nil
        offsetCommitSuccess = counter("connector_task_offset_commit_success_total")
        offsetCommitFailure = counter("connector_task_offset_commit_failure_total")
        recordErrors = counter("task_error_total_record_errors")
        recordsSkipped = counter("task_error_total_records_skipped")
        errorsLogged = counter("task_error_total_errors_logged")
        deadLetterRequests = counter("task_error_deadletterqueue_produce_requests")
        deadLetterFailures = counter("task_error_deadletterqueue_produce_failures")
    }

    /// A stopped task's series go away with it (a deleted connector leaves nothing behind).
    func destroy() {
        for c in [
            sourceRecordPoll, sourceRecordWrite, sinkRecordRead, sinkRecordSend, offsetCommitSuccess,
            offsetCommitFailure, recordErrors, recordsSkipped, errorsLogged, deadLetterRequests, deadLetterFailures,
        ] {
            c?.destroy()
        }
        partitionCount?.destroy()
    }
}

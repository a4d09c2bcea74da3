import ConnectAPI

/// What the sink loop does with its consumer between polls, decided from events alone (no consumer, no
/// clock of its own): Kafka Connect's `WorkerSinkTask` rules for redelivery and pausing.
///
/// After a retriable `put` the batch is kept and delivered again once the task's `timeout` has passed;
/// meanwhile every assigned partition is paused and the consumer keeps being polled, so it stays in its
/// group (`max.poll.interval.ms`) and takes part in rebalances. When the batch went through, the
/// partitions are resumed, except those paused for another reason: by the task
/// (`SinkTaskContext.pause`) or because the connector is paused.
///
/// Each event returns the pause changes to apply to the consumer, worked out as the difference between
/// the partitions that should be paused before and after it.
struct SinkDeliveryStateMachine: Equatable {
    /// Pause changes for the consumer.
    struct Actions: Equatable {
        var pause: Set<TopicPartition> = []
        var resume: Set<TopicPartition> = []

        var isEmpty: Bool { pause.isEmpty && resume.isEmpty }
    }

    /// What the loop does after a poll.
    enum Delivery: Equatable {
        /// `put` the records just polled (possibly none: time-based work in the task runs on empty puts).
        case deliverNew
        /// `put` the batch kept from the failed `put` again.
        case redeliver
        /// Keep polling: the batch waits for the task's timeout.
        case wait
    }

    private(set) var assignment: Set<TopicPartition> = []
    /// Partitions the task paused itself (`SinkTaskContext.pause`), of the assignment.
    private(set) var pausedByTask: Set<TopicPartition> = []
    /// The connector is paused (REST `PUT …/pause`): every partition stays paused.
    private(set) var connectorPaused = false
    /// When the kept batch is delivered again (monotonic ms); nil when no batch is kept.
    private(set) var redeliverAt: Int64?

    var pausedForRedelivery: Bool { redeliverAt != nil }

    /// The partitions the consumer should have paused.
    var paused: Set<TopicPartition> {
        connectorPaused || pausedForRedelivery ? assignment : pausedByTask
    }

    /// A rebalance assigned `partitions`; the consumer starts them unpaused.
    mutating func assigned(_ partitions: Set<TopicPartition>) -> Actions {
        let before = paused.subtracting(partitions)
        assignment.formUnion(partitions)
        return change(from: before)
    }

    /// A rebalance revoked `partitions` (the consumer forgets their pause state). `batchRemains`: some of
    /// the kept batch is of partitions still assigned, so it is still to be delivered again; otherwise
    /// the redelivery ends, and the partitions still assigned are resumed.
    mutating func revoked(_ partitions: Set<TopicPartition>, batchRemains: Bool) -> Actions {
        assignment.subtract(partitions)
        pausedByTask.subtract(partitions)
        let before = paused
        if !batchRemains { redeliverAt = nil }
        return change(from: before)
    }

    mutating func connectorPaused(_ isPaused: Bool) -> Actions {
        let before = paused
        connectorPaused = isPaused
        return change(from: before)
    }

    /// `SinkTaskContext.pause`: only assigned partitions count. While a batch waits, the consumer has
    /// them paused already.
    mutating func taskPaused(_ partitions: Set<TopicPartition>) -> Actions {
        let before = paused
        pausedByTask.formUnion(partitions.intersection(assignment))
        return change(from: before)
    }

    /// `SinkTaskContext.resume`: not applied to the consumer while a batch waits for redelivery.
    mutating func taskResumed(_ partitions: Set<TopicPartition>) -> Actions {
        let before = paused
        pausedByTask.subtract(partitions)
        return change(from: before)
    }

    /// A `SinkTaskContext.pause` or `resume` call of the task.
    enum TaskRequest: Equatable, Sendable {
        case pause(Set<TopicPartition>)
        case resume(Set<TopicPartition>)

        var partitions: Set<TopicPartition> {
            switch self {
            case .pause(let p), .resume(let p): p
            }
        }
    }

    /// The task's pause and resume calls since the last ones, in order: one change for the consumer.
    mutating func taskRequested(_ requests: [TaskRequest]) -> Actions {
        let before = paused
        for r in requests {
            switch r {
            case .pause(let p): _ = taskPaused(p)
            case .resume(let p): _ = taskResumed(p)
            }
        }
        return change(from: before)
    }

    /// The task's `put` failed with a retriable error: the batch is kept and the partitions paused until
    /// `now + timeoutMs`.
    mutating func putFailedRetriable(timeoutMs: Int64, now: Int64) -> Actions {
        let before = paused
        redeliverAt = now + max(0, timeoutMs)
        return change(from: before)
    }

    /// The task's `put` took the batch (a new one or the kept one).
    mutating func putSucceeded() -> Actions {
        let before = paused
        redeliverAt = nil
        return change(from: before)
    }

    /// After a poll: what to deliver.
    func delivery(now: Int64) -> Delivery {
        guard let redeliverAt else { return .deliverNew }
        return now >= redeliverAt ? .redeliver : .wait
    }

    private func change(from before: Set<TopicPartition>) -> Actions {
        let after = paused
        return Actions(pause: after.subtracting(before), resume: before.subtracting(after).intersection(assignment))
    }
}

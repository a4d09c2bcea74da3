import ConnectAPI

/// The sink loop's offsets: what was consumed and delivered (the next offset to read per partition), what
/// was committed, when the next commit is due, and which of the offsets a task returns from `preCommit`
/// may be committed (Kafka Connect's `WorkerSinkTask.commitOffsets` rules). No consumer, no clock of its
/// own.
struct SinkOffsetCommits: Equatable {
    /// An offset a task returned that is not committed, and why.
    struct Ignored: Equatable, CustomStringConvertible {
        enum Reason: Equatable {
            /// The partition is not assigned to the task (any more).
            case notAssigned
            /// Beyond what was delivered to the task (`consumed` is the next offset it was given, nil
            /// when nothing of the partition was).
            case notYetConsumed(consumed: Int64?)
        }
        let partition: TopicPartition
        let offset: Int64
        let reason: Reason

        /// Kafka Connect's warning, word for word where it has one.
        var description: String {
            switch reason {
            case .notAssigned:
                "Ignoring invalid task provided offset \(partition)/\(offset) -- partition not assigned"
            case .notYetConsumed(let consumed):
                "Ignoring invalid task provided offset \(partition)/\(offset) -- not yet consumed, taskOffset=\(offset) currentOffset=\(consumed.map(String.init) ?? "none")"
            }
        }
    }

    /// The next offset to read per partition, after the records delivered to the task.
    private(set) var consumed: [TopicPartition: Int64] = [:]
    /// What the consumer committed per partition.
    private(set) var committed: [TopicPartition: Int64] = [:]
    let intervalMs: Int64
    /// When the interval's commit is due (monotonic ms).
    private(set) var nextCommitAt: Int64

    init(intervalMs: Int64, now: Int64) {
        self.intervalMs = intervalMs
        nextCommitAt = now + intervalMs
    }

    /// Records up to `nextOffset - 1` of `partition` were delivered.
    mutating func delivered(_ partition: TopicPartition, nextOffset: Int64) { consumed[partition] = nextOffset }

    /// A commit is due: the interval has passed, or the task asked (`SinkTaskContext.requestCommit`).
    /// Rebalances and stopping commit regardless.
    func isDue(now: Int64, requested: Bool) -> Bool { requested || now >= nextCommitAt }

    /// Something was delivered since the last commit, so `preCommit` has something to decide.
    var hasUncommitted: Bool { consumed.contains { committed[$0.key] != $0.value } }

    /// A commit begins (due, or a rebalance or stop): the interval restarts. False when nothing was
    /// delivered since the last commit: then `preCommit` is not called (nothing could change).
    mutating func beginCommit(now: Int64) -> Bool {
        nextCommitAt = now + intervalMs
        return hasUncommitted
    }

    /// The offsets `preCommit` is given: the consumed positions of the assigned partitions.
    func preCommitOffsets(assignment: Set<TopicPartition>) -> [TopicPartition: Int64] {
        consumed.filter { assignment.contains($0.key) }
    }

    /// Which of the task's offsets to commit: those of assigned partitions, at most what was delivered,
    /// and different from what is committed (empty: nothing to commit).
    func toCommit(_ taskOffsets: [TopicPartition: Int64], assignment: Set<TopicPartition>)
        -> (commit: [TopicPartition: Int64], ignored: [Ignored])
    {
        var commit: [TopicPartition: Int64] = [:]
        var ignored: [Ignored] = []
        for (tp, offset) in taskOffsets {
            guard assignment.contains(tp) else {
                ignored.append(Ignored(partition: tp, offset: offset, reason: .notAssigned))
                continue
            }
            guard let current = consumed[tp], offset <= current else {
                ignored.append(Ignored(partition: tp, offset: offset, reason: .notYetConsumed(consumed: consumed[tp])))
                continue
            }
            if committed[tp] != offset { commit[tp] = offset }
        }
        ignored.sort { $0.partition < $1.partition }
        return (commit, ignored)
    }

    /// The task rewound (or skipped) `partition` to `offset` (`SinkTaskContext.offset`): reading goes on
    /// from there, and nothing is committed for it until records from there were delivered.
    mutating func rewound(_ partition: TopicPartition, to offset: Int64) {
        consumed[partition] = offset
        committed[partition] = offset
    }

    /// The consumer committed `offsets`.
    mutating func committed(_ offsets: [TopicPartition: Int64]) { committed.merge(offsets) { _, new in new } }

    /// Partitions revoked (after their commit): their positions are the next owner's business.
    mutating func revoked(_ partitions: Set<TopicPartition>) {
        for tp in partitions {
            consumed[tp] = nil
            committed[tp] = nil
        }
    }
}

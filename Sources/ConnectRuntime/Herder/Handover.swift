/// Whether a connector or task that the current group gives this worker may start here now: the second
/// step of the two-step handover.
///
/// Work that moves is stopped by its old owner, which then records it UNASSIGNED in the status topic
/// (step one); the new owner starts it once it reads that record (step two). Between the two, nobody
/// runs it, so nothing runs twice. The latest status record of the item says who had it last:
/// - nobody, or this worker (a restart under the same worker id, or its own release): start;
/// - a worker that has left the group: start once `scheduled.rebalance.max.delay.ms` has passed, so a
///   worker restarting within that time gets its work back instead of it moving twice;
/// - a live worker that recorded it UNASSIGNED: start;
/// - a live worker that still has it (RUNNING, PAUSED, FAILED, or RESTARTING: claimed, starting): wait
///   for its record, at most `releaseTimeoutMs`. Every worker
///   stops all the work it gives away first thing after a rebalance, in parallel, within
///   `task.shutdown.graceful.timeout.ms` (then cancels it), so the Herder waits `session.timeout.ms`
///   plus that: a worker that has still not recorded the stop is stuck, or about to leave the group.
///
/// A worker that takes over work last recorded by another writes RESTARTING before it starts it
/// (`Herder.isTakeover`), so work that moves A → B → A within B's `start()` finds B's claim, not A's
/// own UNASSIGNED, and A waits for B to let it go.
struct Handover: Equatable, Sendable {
    enum Decision: Equatable, Sendable {
        case start
        /// Ask again later; `reason` is for the log.
        case wait(reason: String)
    }

    let me: String
    let releaseTimeoutMs: Int64
    let scheduledRebalanceMaxDelayMs: Int64

    /// - Parameters:
    ///   - last: the item's latest status record, if any.
    ///   - group: the current group.
    ///   - waitedMs: how long this worker has been waiting to start the item.
    func decide(last: StatusRecord?, group: WorkerGroup, waitedMs: Int64) -> Decision {
        guard let last, last.workerId != me else { return .start }
        if !group.isMember(workerId: last.workerId) {
            if waitedMs >= scheduledRebalanceMaxDelayMs { return .start }
            return .wait(reason: "its last worker \(last.workerId) left the group; waiting for it to come back")
        }
        if last.state == .unassigned { return .start }
        if waitedMs >= releaseTimeoutMs { return .start }
        return .wait(reason: "waiting for \(last.workerId) to stop it")
    }
}

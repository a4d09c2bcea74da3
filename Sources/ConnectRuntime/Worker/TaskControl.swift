import Synchronization

/// The signals between the Worker and one running task or connector: stop, pause, cancel, and the
/// task's own "finished".
///
/// Stopping is cooperative: the loop sees `isStopping` between batches, commits and returns. A task
/// blocked in `poll` or `put` never looks, so past `task.shutdown.graceful.timeout.ms` the Worker
/// cancels it: the hooks registered with `onCancel` run at once (the source producer is fenced, so the
/// task can write nothing more to Kafka), the loop skips its final offset commit, and the Swift task is
/// cancelled, which reaches a sink's external writes (the JDBC sink cancels its statement).
final class TaskControl: Sendable {
    private struct Waiter {
        let id: UInt64
        let ready: @Sendable (State) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }
    struct State: Sendable {
        var stopping = false
        var paused = false
        var cancelled = false
        var finished = false
    }
    private struct Box {
        var state: State
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
        var cancelHooks: [@Sendable () -> Void] = []
    }
    private let box: Mutex<Box>

    init(paused: Bool = false) { box = Mutex(Box(state: State(paused: paused))) }

    var isStopping: Bool { box.withLock { $0.state.stopping } }
    var isPaused: Bool { box.withLock { $0.state.paused } }
    /// True once the Worker gave up waiting: the task must not commit offsets or write anything more.
    var isCancelled: Bool { box.withLock { $0.state.cancelled } }
    var isFinished: Bool { box.withLock { $0.state.finished } }

    func stop() { update { $0.stopping = true } }
    func pause() { update { $0.paused = true } }
    func resume() { update { $0.paused = false } }
    /// Called by the task's runner when it has returned.
    func finish() { update { $0.finished = true } }

    /// Cancels the task: runs the cancel hooks (once), then wakes every waiter.
    func cancel() {
        let hooks = box.withLock { b -> [@Sendable () -> Void] in
            if b.state.cancelled { return [] }
            b.state.cancelled = true
            b.state.stopping = true
            defer { b.cancelHooks.removeAll() }
            return b.cancelHooks
        }
        for hook in hooks { hook() }
        update { _ in }
    }

    /// Registers what cancelling must do at once (close a producer). Runs now if already cancelled.
    func onCancel(_ hook: @escaping @Sendable () -> Void) {
        let now = box.withLock { b -> Bool in
            if b.state.cancelled { return true }
            b.cancelHooks.append(hook)
            return false
        }
        if now { hook() }
    }

    private func update(_ change: (inout State) -> Void) {
        let ready = box.withLock { b -> [Waiter] in
            change(&b.state)
            let state = b.state
            let (ready, waiting) = (b.waiters.filter { $0.ready(state) }, b.waiters.filter { !$0.ready(state) })
            b.waiters = waiting
            return ready
        }
        for w in ready { w.continuation.resume() }
    }

    /// Waits until `ready` holds; checked under the lock, so a change between the check and the wait
    /// cannot be missed. Returns early when the calling Swift task is cancelled.
    func wait(until ready: @escaping @Sendable (State) -> Bool) async {
        let id = box.withLock { b -> UInt64 in
            b.nextWaiter += 1
            return b.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = box.withLock { b -> Bool in
                    if ready(b.state) || Task.isCancelled { return true }
                    b.waiters.append(Waiter(id: id, ready: ready, continuation: c))
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            let w = box.withLock { b -> Waiter? in
                guard let i = b.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return b.waiters.remove(at: i)
            }
            w?.continuation.resume()
        }
    }

    /// Returns at once unless paused; otherwise when resumed or stopped.
    func waitWhilePaused() async {
        await wait { !$0.paused || $0.stopping }
    }

    /// Waits up to `ms` for the task to finish; false if it did not.
    func waitFinished(timeoutMs ms: Int64) async -> Bool {
        if isFinished { return true }
        return await withTaskGroup(of: Bool.self) { g in
            g.addTask {
                await self.wait { $0.finished }
                return self.isFinished
            }
            g.addTask {
                try? await Task.sleep(for: .milliseconds(ms))
                return false
            }
            let first = await g.next() ?? false
            g.cancelAll()
            return first
        }
    }

    /// Sleeps up to `ms`, ending early when the task is asked to stop.
    func sleep(milliseconds ms: Int64) async {
        await withTaskGroup(of: Void.self) { g in
            g.addTask { await self.wait { $0.stopping } }
            g.addTask { try? await Task.sleep(for: .milliseconds(ms)) }
            await g.next()
            g.cancelAll()
        }
    }
}

/// `<connector>-<task>`, as Kafka Connect names tasks.
public struct ConnectorTaskId: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let connector: String
    public let task: Int
    public init(_ connector: String, _ task: Int) {
        self.connector = connector
        self.task = task
    }
    public var description: String { "\(connector)-\(task)" }
    public static func < (a: Self, b: Self) -> Bool { (a.connector, a.task) < (b.connector, b.task) }
}

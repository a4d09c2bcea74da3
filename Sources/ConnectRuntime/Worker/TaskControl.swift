import Synchronization

/// Stop and pause signals for one running task or connector, shared between the herder and its loop.
final class TaskControl: Sendable {
    private struct State {
        var stopping = false
        var paused = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    init(paused: Bool = false) { state = Mutex(State(paused: paused)) }

    var isStopping: Bool { state.withLock { $0.stopping } }
    var isPaused: Bool { state.withLock { $0.paused } }

    func stop() { update { $0.stopping = true } }
    func pause() { update { $0.paused = true } }
    func resume() { update { $0.paused = false } }

    private func update(_ change: (inout State) -> Void) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            change(&s)
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Waits for the next stop, pause or resume, unless `ready` already holds (checked under the lock,
    /// so a change between the check and the wait cannot be missed).
    private func waitForChange(unless ready: (State) -> Bool) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if ready(s) { return true }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    /// Returns at once unless paused; otherwise when resumed or stopped.
    func waitWhilePaused() async {
        while isPaused && !isStopping {
            await waitForChange { !$0.paused || $0.stopping }
        }
    }

    /// Sleeps up to `ms`, ending early when the task is asked to stop.
    func sleep(milliseconds ms: Int64) async {
        let deadline = ContinuousClock.now + .milliseconds(ms)
        while !isStopping && ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.milliseconds(50), deadline - ContinuousClock.now))
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

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

    /// Returns at once unless paused; otherwise when resumed or stopped.
    func waitWhilePaused() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if !s.paused || s.stopping { return true }
                s.waiters.append(c)
                return false
            }
            if ready { c.resume() }
        }
    }

    /// Sleeps up to `ms`, waking early on stop, pause or resume.
    func sleep(milliseconds ms: Int64) async {
        await withTaskGroup(of: Void.self) { g in
            g.addTask { try? await Task.sleep(for: .milliseconds(ms)) }
            g.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let ready = self.state.withLock { s -> Bool in
                        if s.stopping { return true }
                        s.waiters.append(c)
                        return false
                    }
                    if ready { c.resume() }
                }
            }
            await g.next()
            g.cancelAll()
            // Release the waiter if the timer won.
            self.update { _ in }
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

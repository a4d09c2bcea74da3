import Logging
import Synchronization
import Testing

@testable import ConnectRuntime

/// Stop, pause, cancel and finish, signal by signal; and a stuck task's cancellation through the Worker.
@Suite struct TaskControlTests {
    @Test func aWaiterWakesOnTheChangeItWaitsFor() async {
        let control = TaskControl(paused: true)
        async let resumed: Void = control.waitWhilePaused()
        control.resume()
        await resumed
        #expect(!control.isPaused)
    }

    @Test func stoppingEndsAPauseAndASleep() async {
        let control = TaskControl(paused: true)
        async let paused: Void = control.waitWhilePaused()
        async let slept: Void = control.sleep(milliseconds: 3_600_000)
        control.stop()
        await paused
        await slept
        #expect(control.isStopping && !control.isCancelled)
    }

    @Test func cancelRunsItsHooksOnceAndStops() {
        let control = TaskControl()
        let runs = Mutex(0)
        control.onCancel { runs.withLock { $0 += 1 } }
        control.cancel()
        control.cancel()
        #expect(runs.withLock { $0 } == 1)
        #expect(control.isCancelled && control.isStopping)
        // A hook registered after the cancel runs at once.
        control.onCancel { runs.withLock { $0 += 1 } }
        #expect(runs.withLock { $0 } == 2)
    }

    @Test func waitFinishedAnswersFalseOnTimeoutAndTrueOnceFinished() async {
        let control = TaskControl()
        #expect(await control.waitFinished(timeoutMs: 1) == false)
        control.finish()
        #expect(await control.waitFinished(timeoutMs: 3_600_000))
    }

    /// A task blocked in a call that ignores `isStopping` (a `put` waiting on a row lock): past the
    /// graceful timeout the Worker cancels it, its cancel hook runs, the blocked call sees the Swift
    /// task's cancellation, and it writes nothing afterwards.
    @Test func aStuckTaskIsCancelledAndWritesNothingMore() async throws {
        let config = try TestWorker.config([("task.shutdown.graceful.timeout.ms", "50")])
        let worker = Worker(config: config, registry: PluginRegistry(), logger: Logger(label: "test"))
        let control = TaskControl()
        let writes = Mutex<[String]>([])
        let fenced = Mutex(false)
        let blocked = AsyncStream<Void>.makeStream()
        control.onCancel { fenced.withLock { $0 = true } }
        let body: @Sendable () async -> Void = {
            writes.withLock { $0.append("before") }
            blocked.continuation.yield()
            // Blocked until cancelled, like a statement waiting on a lock; never looks at isStopping.
            try? await Task.sleep(for: .seconds(3600))
            if !Task.isCancelled && !fenced.withLock({ $0 }) { writes.withLock { $0.append("after") } }
        }
        let id = ConnectorTaskId("stuck", 0)
        worker.adopt(id, control: control)
        worker.spawn { await Worker.runCancellable(body, control: control) }
        async let run: Void = worker.run()
        for await _ in blocked.stream { break }
        let cancelled = await worker.stopTasks([id])
        #expect(cancelled == [id])
        #expect(control.isCancelled)
        await control.wait { $0.finished }
        #expect(writes.withLock { $0 } == ["before"])
        worker.shutdown()
        await run
    }
}

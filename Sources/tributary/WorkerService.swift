import ConnectRuntime
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// Starts the herder, applies `connectors.json` at start and on SIGHUP, and stops everything gracefully.
struct WorkerService: Service {
    let herder: Herder
    let connectorsFile: String?
    let logger: Logger
    let urls: [String]

    func run() async throws {
        async let _ = releaseStartupCodeWhenHealthy()
        // The connectors and tasks run as children of this service's task group, for as long as it runs.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await herder.runWork()
                return true
            }
            try await runHerder()
            // Stopped: every task returned or was cancelled. A cancelled task blocked in a call that
            // ignores cancellation keeps its child task, and with it the process, alive: it is fenced
            // and can write nothing, so past a deadline the process exits anyway.
            group.addTask {
                try? await Task.sleep(for: .milliseconds(herder.workerConfig.taskShutdownTimeoutMs + 5000))
                return false
            }
            if try await group.next() == false {
                logger.error("A cancelled task did not return after the worker stopped; exiting anyway")
                exit(0)
            }
            group.cancelAll()
        }
    }

    private func runHerder() async throws {
        let started = ContinuousClock.now
        do { try await herder.start() } catch {
            await herder.stop()
            throw error
        }
        if let connectorsFile { await apply(connectorsFile) }
        let elapsed = (ContinuousClock.now - started).components
        let ms = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        // On standard output, unbuffered, for whoever waits for it (a JSON log line in JSON log format).
        LogOutput.announce(
            "Tributary worker \(herder.workerId) ready in \(ms) ms; Kafka Connect REST API: \(urls.joined(separator: ", "))"
        )
        StartupCode.release()
        // SIGHUP re-applies the connectors file; graceful shutdown ends the loop.
        let hups = await UnixSignalsSequence(trapping: .sighup)
        await withGracefulShutdownHandler {
            for await _ in hups.cancelOnGracefulShutdown() {
                if let connectorsFile { await apply(connectorsFile) }
            }
        } onGracefulShutdown: {
        }
        await herder.stop()
    }

    /// Start-up ends when the worker first turns healthy (group joined, its work started): the code that
    /// ran only for that goes back to the kernel too.
    private func releaseStartupCodeWhenHealthy() async {
        while !Task.isCancelled {
            if await herder.isReady {
                StartupCode.release()
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    func apply(_ path: String) async {
        do {
            let file = try ConnectorsFile.load(path: path)
            let done = try await file.apply(to: herder)
            logger.info("Applied \(path): \(done.isEmpty ? "no changes" : done.joined(separator: ", "))")
        } catch {
            logger.error("\(error.message)")
        }
    }
}

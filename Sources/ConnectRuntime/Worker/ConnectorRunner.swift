import ConnectAPI
import Logging

/// A running connector instance. The instance itself lives inside its own task, a child of the Worker's
/// task group (it is not Sendable); the herder talks to it through commands.
final class ConnectorHandle: Sendable {
    enum Command: Sendable {
        case taskConfigs(maxTasks: Int, reply: CheckedContinuation<[[String: String]], any Error>)
        case stop(reply: CheckedContinuation<Void, Never>)
    }
    let rawConfig: JSONObject
    private let commands: AsyncStream<Command>.Continuation

    private init(rawConfig: JSONObject, commands: AsyncStream<Command>.Continuation) {
        self.rawConfig = rawConfig
        self.commands = commands
    }

    /// Starts a connector; returns its handle and the start error, if any (a failed connector's handle is
    /// kept so its FAILED state is remembered until a restart or reconfiguration).
    static func start(
        plugin: ConnectorPlugin, rawConfig: JSONObject, config: [String: String], context: any ConnectorContext,
        spawn: (@escaping @Sendable () async -> Void) -> Bool
    ) async -> (ConnectorHandle, ConnectError?) {
        let (stream, continuation) = AsyncStream<Command>.makeStream()
        let startResult = AsyncStream<ConnectError?>.makeStream()
        let spawned = spawn {
            let connector = plugin.makeConnector()
            var failed = false
            do {
                try await connector.start(config, context: context)
                startResult.continuation.yield(nil)
            } catch {
                failed = true
                startResult.continuation.yield(ConnectError.from(error))
            }
            startResult.continuation.finish()
            for await command in stream {
                switch command {
                case .taskConfigs(let maxTasks, let reply):
                    if failed {
                        reply.resume(throwing: ConnectError(.connect, "Connector failed to start"))
                        continue
                    }
                    do { reply.resume(returning: try await connector.taskConfigs(maxTasks: maxTasks)) } catch {
                        reply.resume(throwing: error)
                    }
                case .stop(let reply):
                    if !failed { await connector.stop() }
                    reply.resume()
                    return
                }
            }
        }
        guard spawned else {
            continuation.finish()
            return (
                ConnectorHandle(rawConfig: rawConfig, commands: continuation),
                ConnectError(.connect, "The worker is shutting down")
            )
        }
        var error: ConnectError? = nil
        for await e in startResult.stream { error = e }
        return (ConnectorHandle(rawConfig: rawConfig, commands: continuation), error)
    }

    func taskConfigs(maxTasks: Int) async throws -> [[String: String]] {
        try await withCheckedThrowingContinuation { c in commands.yield(.taskConfigs(maxTasks: maxTasks, reply: c)) }
    }

    func stop() async {
        await withCheckedContinuation { c in
            if case .terminated = commands.yield(.stop(reply: c)) { c.resume() }
        }
        commands.finish()
    }
}

/// What a running connector may ask of the herder.
struct WorkerConnectorContext: ConnectorContext {
    let logger: Logger
    let offsetStorageReader: any OffsetStorageReader
    let onReconfigure: @Sendable () -> Void
    let onError: @Sendable (any Error) -> Void
    func requestTaskReconfiguration() { onReconfigure() }
    func raiseError(_ error: any Error) { onError(error) }
}

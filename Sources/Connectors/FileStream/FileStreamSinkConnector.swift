import ConnectAPI

/// Kafka's `FileStreamSinkConnector`: each record's value as a line of a file (or standard output).
public final class FileStreamSinkConnector: Connector {
    public static let className = "org.apache.kafka.connect.file.FileStreamSinkConnector"
    public static let taskClass = "org.apache.kafka.connect.file.FileStreamSinkTask"

    public static let configDef = ConfigDef()
        .define(
            "file", .string, defaultValue: .some(nil), importance: .high,
            documentation: "Destination filename. If not specified, the standard output will be used")

    /// The plugin, writing only files under `allowedPaths` (the worker's `filestream.allowed.paths`).
    public static func plugin(allowedPaths: AllowedPaths) -> ConnectorPlugin {
        ConnectorPlugin(
            className: className, type: .sink, version: "3.9.0", configDef: configDef, taskClass: taskClass,
            makeConnector: { FileStreamSinkConnector(allowedPaths: allowedPaths) },
            makeTask: { .sink(FileStreamSinkTask(allowedPaths: allowedPaths)) })
    }

    private var config: [String: String] = [:]
    let allowedPaths: AllowedPaths
    public init(allowedPaths: AllowedPaths) { self.allowedPaths = allowedPaths }
    public func start(_ config: [String: String], context: any ConnectorContext) async throws { self.config = config }
    public func validate(_ config: [String: String]) -> [String: [String]] {
        FileStreamPaths.refusal(config["file"], allowedPaths).map { ["file": [$0]] } ?? [:]
    }
    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] {
        Array(repeating: config, count: max(maxTasks, 1))
    }
    public func stop() async {}
}

public final class FileStreamSinkTask: SinkTask {
    private var file: PosixFile?
    private var pending: [UInt8] = []
    let allowedPaths: AllowedPaths
    public init(allowedPaths: AllowedPaths) { self.allowedPaths = allowedPaths }

    public func start(_ config: [String: String], context: any SinkTaskContext) async throws {
        if let why = FileStreamPaths.refusal(config["file"], allowedPaths) { throw ConnectError(.config, why) }
        guard let path = config["file"], !path.isEmpty else {
            file = .standardOutput
            return
        }
        do {
            file = try PosixFile.openForAppending(path)
        } catch {
            throw ConnectError(.connect, "Couldn't find or create file '\(path)' for FileStreamSinkTask: \(error)")
        }
    }

    public func put(_ records: [SinkRecord]) async throws {
        for r in records {
            pending.append(contentsOf: r.value.javaString.utf8)
            pending.append(0x0A)
        }
        if pending.count >= 1 << 20 { try writePending() }
    }

    public func flush(_ offsets: [TopicPartition: Int64]) async throws {
        try writePending()
        do { try file?.sync() } catch { throw ConnectError(.connect, "FileStreamSinkTask: \(error)") }
    }

    private func writePending() throws {
        guard !pending.isEmpty, let file else { return }
        do { try file.write(pending) } catch { throw ConnectError(.connect, "FileStreamSinkTask: \(error)") }
        pending.removeAll(keepingCapacity: true)
    }

    public func stop() async {
        try? writePending()
        file?.close()
        file = nil
    }
}

import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's log handler: its level follows `LogLevels` (`/admin/loggers`) and its layout
/// `LogFormat.current`, both read on every call; lines go to standard error.
public struct DynamicLogHandler: LogHandler {
    private let label: String
    private let levels: LogLevels
    public var metadata: Logger.Metadata = [:]

    public init(label: String, levels: LogLevels = .shared) {
        self.label = label
        self.levels = levels
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    public var logLevel: Logger.Level {
        get { levels.level(for: label) }
        set {}
    }

    public func log(event: LogEvent) {
        guard event.level >= levels.level(for: label) else { return }
        LogOutput.standardError.write(line(event).rendered(LogFormat.current))
    }

    /// The line `event` makes, now.
    func line(_ event: LogEvent) -> LogLine {
        var merged = metadata
        if let m = event.metadata { merged.merge(m) { _, new in new } }
        var error = event.error.map { "\($0)" }
        if error == nil, let e = merged["error"] { error = "\(e)" }
        return LogLine(
            epochMs: LogLine.nowMs(), level: event.level, logger: label, message: "\(event.message)", error: error,
            metadata: merged)
    }
}

/// Standard error or output, written one whole line per `write(2)` loop under one lock, so lines of
/// concurrent tasks never interleave.
public struct LogOutput: Sendable {
    let fd: Int32
    private static let lock = Mutex(())

    public static let standardError = LogOutput(fd: 2)
    public static let standardOutput = LogOutput(fd: 1)

    /// Writes `line` and a newline.
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        Self.lock.withLock { _ in
            bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = writeBytes(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { return }
                    done += n
                }
            }
        }
    }

    /// A line for whoever waits on standard output (the worker's "ready" line, the listeners' URLs): as
    /// it is in text, as a JSON log line (`logger`, INFO) in JSON.
    public static func announce(_ message: String, logger: String = "tributary") {
        switch LogFormat.current {
        case .text: standardOutput.write(message)
        case .json:
            standardOutput.write(
                LogLine(epochMs: LogLine.nowMs(), level: .info, logger: logger, message: message).json())
        }
    }
}

/// libc's `write` (inside `LogOutput`, `write` names its own method).
private func writeBytes(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

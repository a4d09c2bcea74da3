public import Logging
import Synchronization

/// The lines a connector or task logged, for tests that assert what a user would read.
public final class CapturedLog: Sendable {
    public struct Line: Sendable, Equatable {
        public let level: Logger.Level
        public let message: String
    }
    private let captured = Mutex<[Line]>([])

    public init() {}

    public var lines: [Line] { captured.withLock { $0 } }

    /// Messages at `level` or above.
    public func messages(atLeast level: Logger.Level = .trace) -> [String] {
        lines.filter { $0.level >= level }.map(\.message)
    }

    /// A logger writing here (and nowhere else).
    public func logger(_ label: String) -> Logger {
        Logger(label: label) { _ in Handler(log: self) }
    }

    func append(_ line: Line) { captured.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { log.append(Line(level: event.level, message: "\(event.message)")) }
    }
}

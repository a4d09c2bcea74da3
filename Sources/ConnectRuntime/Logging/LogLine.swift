import ConnectAPI
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One log line, rendered in the worker's `log.format`: Kafka Connect's text layout with KIP-721's
/// connector context (`[my-connector|task-0]`), or one JSON object.
///
/// The connector context comes from the logger's metadata: `connector` (the connector's name) and
/// `task` (the task number). Connector and task loggers carry them (`Logger.with`), so every line a
/// connector, a task or the runtime logs about one says which.
public struct LogLine: Sendable {
    /// Milliseconds since the Unix epoch.
    public var epochMs: Int64
    public var level: Logger.Level
    /// The logger's label (`tributary`, `tributary.kafka`, ...).
    public var logger: String
    public var message: String
    /// The error the line reports, if any (swift-log's `error:` argument, else the `error` metadata key).
    public var error: String?
    public var metadata: Logger.Metadata

    public init(
        epochMs: Int64, level: Logger.Level, logger: String, message: String, error: String? = nil,
        metadata: Logger.Metadata = [:]
    ) {
        self.epochMs = epochMs
        self.level = level
        self.logger = logger
        self.message = message
        self.error = error
        self.metadata = metadata
    }

    /// The metadata keys rendered as the connector context rather than as plain metadata.
    static let contextKeys: Set<String> = ["connector", "task", "error"]

    /// log4j's level names, which Kafka Connect's logs and `/admin/loggers` use (swift-log's `notice`
    /// has no log4j level: it is INFO).
    public static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: return "TRACE"
        case .debug: return "DEBUG"
        case .info, .notice: return "INFO"
        case .warning: return "WARN"
        case .error: return "ERROR"
        case .critical: return "FATAL"
        }
    }

    /// RFC 3339 in UTC with milliseconds: `2026-12-07T10:19:32.123Z`.
    public static func timestamp(epochMs: Int64) -> String {
        var seconds = time_t(epochMs / 1000)
        let ms = Int(epochMs % 1000)
        var t = tm()
        gmtime_r(&seconds, &t)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return
            "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(ms), 3))Z"
    }

    /// The connector's name, when the line is about one.
    public var connector: String? { metadata["connector"].map { "\($0)" } }
    /// The task number, when the line is about one task.
    public var task: String? { metadata["task"].map { "\($0)" } }

    /// KIP-721's connector context, as Kafka Connect's text logs show it: `[name|task-0] ` for a task,
    /// `[name|worker] ` for the connector, nothing otherwise.
    public var contextPrefix: String {
        guard let connector else { return "" }
        guard let task else { return "[\(connector)|worker] " }
        return "[\(connector)|task-\(task)] "
    }

    /// Kafka Connect's layout (`[%d] %p %X{connector.context}%m (%c)`) on one line: the error after the
    /// message, other metadata after the logger as `key=value`.
    public func text() -> String {
        var line = "[\(Self.timestamp(epochMs: epochMs))] \(Self.levelName(level)) \(contextPrefix)\(message)"
        if let error { line += ": \(error)" }
        line += " (\(logger))"
        for key in metadata.keys.sorted() where !Self.contextKeys.contains(key) {
            line += " \(key)=\(metadata[key]!)"
        }
        return line
    }

    /// One JSON object: `ts`, `level`, `logger`, `message`, then `connector` and `task` (a number) when the
    /// line is about one, `error` when there is one, then the other metadata keys in order.
    public func json() -> String {
        var o = JSONObject()
        o["ts"] = .string(Self.timestamp(epochMs: epochMs))
        o["level"] = .string(Self.levelName(level))
        o["logger"] = .string(logger)
        o["message"] = .string(message)
        if let connector { o["connector"] = .string(connector) }
        if let task { o["task"] = Int64(task).map { .int($0) } ?? .string(task) }
        if let error { o["error"] = .string(error) }
        for key in metadata.keys.sorted() where !Self.contextKeys.contains(key) && o[key] == nil {
            o[key] = Self.json(metadata[key]!)
        }
        return JSONWriter.string(.object(o))
    }

    public func rendered(_ format: LogFormat) -> String {
        switch format {
        case .text: return text()
        case .json: return json()
        }
    }

    static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .stringConvertible(let c): return .string(c.description)
        case .array(let a): return .array(a.map(json))
        case .dictionary(let d):
            var o = JSONObject()
            for k in d.keys.sorted() { o[k] = json(d[k]!) }
            return .object(o)
        }
    }

    /// Now, in milliseconds since the Unix epoch.
    public static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

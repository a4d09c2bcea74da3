import ConnectAPI
import Synchronization

/// How the process writes its log lines: Kafka Connect's text layout (the default) or one JSON object
/// per line (`log.format=json`, or `TRIBUTARY_LOG_FORMAT=json`).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// The environment variable that chooses the format for the whole process. It wins over `log.format`:
    /// it is read before anything is logged, so even a worker properties file that cannot be read or
    /// parsed is reported in that format.
    public static let environmentVariable = "TRIBUTARY_LOG_FORMAT"

    private static let isJSON = Atomic<Bool>(false)

    /// The format every `DynamicLogHandler` writes in; switchable after `LoggingSystem.bootstrap`, which
    /// can run only once and before the worker properties are read.
    public static var current: LogFormat {
        get { isJSON.load(ordering: .relaxed) ? .json : .text }
        set { isJSON.store(newValue == .json, ordering: .relaxed) }
    }

    /// `value` as a format (any case, spaces around it ignored), or an error naming `key` and the value.
    public static func parse(_ value: String, key: String) throws(ConfigException) -> LogFormat {
        guard let f = LogFormat(rawValue: value.trimmingWhitespace().lowercased()) else {
            throw ConfigException(
                name: key, value: value,
                reason: "String must be one of (case insensitive): \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return f
    }

    /// The format `TRIBUTARY_LOG_FORMAT` chooses, nil when it is unset or empty.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigException) -> LogFormat? {
        guard let v = environment[environmentVariable], !v.trimmingWhitespace().isEmpty else { return nil }
        return try parse(v, key: environmentVariable)
    }
}

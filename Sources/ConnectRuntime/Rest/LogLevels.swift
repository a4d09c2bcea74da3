import Logging
import Synchronization

/// Logger levels changed through `/admin/loggers`, read by `DynamicLogHandler` on every log call.
public final class LogLevels: Sendable {
    public struct Entry: Sendable {
        public var level: String
        public var lastModified: Int64?
    }
    private let levels: Mutex<[String: Entry]>
    public static let shared = LogLevels()

    public init(rootLevel: String = "INFO") { levels = Mutex(["root": Entry(level: rootLevel, lastModified: nil)]) }

    public var all: [String: Entry] { levels.withLock { $0 } }

    public func set(_ name: String, _ level: String, at time: Int64) -> [String] {
        levels.withLock { l in
            // Setting a namespace sets every known logger below it too (as Kafka Connect does).
            var changed: [String] = []
            for k in l.keys.sorted() where k == name || k.hasPrefix(name + ".") || name == "root" {
                if l[k]?.level != level { changed.append(k) }
                l[k] = Entry(level: level, lastModified: time)
            }
            if l[name] == nil {
                l[name] = Entry(level: level, lastModified: time)
                changed.append(name)
            }
            return changed.sorted()
        }
    }

    /// The effective level for `label` (longest matching namespace, else root), as swift-log's level.
    public func level(for label: String) -> Logger.Level {
        let entries = levels.withLock { $0 }
        var best = entries["root"]?.level ?? "INFO"
        var bestLen = -1
        for (k, e) in entries where k != "root" && (label == k || label.hasPrefix(k + ".")) && k.count > bestLen {
            best = e.level
            bestLen = k.count
        }
        return Self.swiftLevel(best) ?? .info
    }

    public static func swiftLevel(_ s: String) -> Logger.Level? {
        switch s.uppercased() {
        case "TRACE": return .trace
        case "DEBUG": return .debug
        case "INFO": return .info
        case "WARN": return .warning
        case "ERROR": return .error
        case "FATAL": return .critical
        case "OFF": return .critical
        default: return nil
        }
    }
}

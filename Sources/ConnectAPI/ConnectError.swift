/// An error raised by a connector, task, converter or transformation, with Kafka Connect's exception
/// class names so statuses and dead-letter headers read as users expect.
public struct ConnectError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case connect = "org.apache.kafka.connect.errors.ConnectException"
        case data = "org.apache.kafka.connect.errors.DataException"
        case retriable = "org.apache.kafka.connect.errors.RetriableException"
        case config = "org.apache.kafka.common.config.ConfigException"
        case notFound = "org.apache.kafka.connect.errors.NotFoundException"
    }

    public let kind: Kind
    public let message: String
    public let cause: (any Error & Sendable)?

    public init(_ kind: Kind = .connect, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    public var isRetriable: Bool { kind == .retriable }

    public var description: String { "\(kind.rawValue): \(message)" }

    /// Status trace: the first line is the actionable cause, then each underlying cause.
    public var trace: String {
        var lines = [description]
        var next = cause
        while let c = next {
            if let ce = c as? ConnectError {
                lines.append("Caused by: \(ce.description)")
                next = ce.cause
            } else {
                lines.append("Caused by: \(String(describing: c))")
                next = nil
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension ConnectError {
    /// Any error as a ConnectError (wrapping those that are not).
    public static func from(_ error: any Error) -> ConnectError {
        if let e = error as? ConnectError { return e }
        if let e = error as? ConfigException { return ConnectError(.config, e.message) }
        return ConnectError(.connect, String(describing: error))
    }
}

/// Why the herder refused or could not carry out a request. The REST layer maps each case to Kafka
/// Connect's status code (`ConnectExceptionMapper`); the message is the one Kafka Connect answers.
public enum HerderError: Error, Sendable, CustomStringConvertible {
    /// No such connector, task, status or plugin.
    case notFound(String)
    /// A connector of that name exists and the request may not replace it.
    case alreadyExists(String)
    /// The request itself is wrong (a name, an offset, a missing connector class).
    case badRequest(String)
    /// The connector config fails validation; the message lists every error.
    case invalidConfig(ConfigInfos)
    /// The group is rebalancing, or the worker asked to run the work does not own it either.
    case rebalanceInProgress
    /// The operation is disabled by the worker's configuration.
    case forbidden(String)
    /// Kafka (config, offset or status topic, or the admin client) refused or failed the write or read.
    case storeFailure(String)

    public var message: String {
        switch self {
        case .notFound(let m), .alreadyExists(let m), .badRequest(let m), .forbidden(let m), .storeFailure(let m):
            return m
        case .invalidConfig(let infos): return infos.invalidMessage
        case .rebalanceInProgress:
            return "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"
        }
    }

    public var description: String { message }
}

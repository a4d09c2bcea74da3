import CRdKafka

/// A librdkafka error translated once into Swift: code, name, message, and whether retrying can help.
public struct KafkaError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: Int32
    public let name: String
    public let message: String
    public let isRetriable: Bool
    public let isFatal: Bool

    public init(code: Int32, name: String, message: String, isRetriable: Bool = false, isFatal: Bool = false) {
        self.code = code
        self.name = name
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
    }

    /// `retriable`/`fatal` add what an `rd_kafka_error_t` knows beyond its code.
    init(_ err: rd_kafka_resp_err_t, message: String? = nil, retriable: Bool = false, fatal: Bool = false) {
        self.code = err.rawValue
        self.name = String(cString: rd_kafka_err2name(err))
        self.message = message ?? String(cString: rd_kafka_err2str(err))
        // Transport, timeout and leadership errors clear up by themselves; everything else needs a person.
        switch err {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
            RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
            RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
            RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
            RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
            self.isRetriable = true
        default:
            self.isRetriable = retriable
        }
        self.isFatal = fatal || err == RD_KAFKA_RESP_ERR__FATAL
    }

    /// Takes ownership of `error` and destroys it.
    init(consuming error: OpaquePointer) {
        defer { rd_kafka_error_destroy(error) }
        self.init(
            rd_kafka_error_code(error), message: String(cString: rd_kafka_error_string(error)),
            retriable: rd_kafka_error_is_retriable(error) != 0, fatal: rd_kafka_error_is_fatal(error) != 0)
    }

    public var description: String { "\(name): \(message)" }

    public static func local(_ message: String) -> KafkaError {
        KafkaError(code: -1, name: "Local", message: message)
    }
}

/// The three kinds of Kafka client Kafka Connect configures (`producer.`, `consumer.`, `admin.`).
public enum ClientType: String, Sendable, CaseIterable {
    case producer, consumer, admin
}

/// A client configuration Tributary cannot use, naming the key as the user wrote it. Never holds a
/// secret value.
public struct ClientConfigException: Error, Equatable, CustomStringConvertible, Sendable {
    public let key: String
    public let message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { message }
}

import ConnectAPI
import RestServing

/// The worker properties of the embedded Schema Registry, under Confluent's names where one exists.
public struct SchemaRegistryConfig: Sendable {
    /// `schema.registry.listeners`; empty switches the registry off.
    public let listeners: [RestListener]
    /// `kafkastore.topic` (default `_schemas`).
    public let topic: String
    /// `kafkastore.topic.replication.factor` (default 3, fewer when the cluster has fewer brokers).
    public let replicationFactor: Int
    /// `schema.compatibility.level` (default `backward`).
    public let compatibility: String

    public init(
        listeners: [RestListener], topic: String = "_schemas", replicationFactor: Int = 3,
        compatibility: String = "BACKWARD"
    ) {
        self.listeners = listeners
        self.topic = topic
        self.replicationFactor = replicationFactor
        self.compatibility = compatibility
    }
}

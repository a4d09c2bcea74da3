import ConnectAPI
import KafkaClient
import KafkaClientConfigs

/// The Kafka clients' configurations, built as Kafka Connect's `Worker` builds them
/// (`baseProducerConfigs`, `baseConsumerConfigs`, `adminConfigs`), in the keys of Kafka's Java clients,
/// then translated for librdkafka (`JavaClientConfig`):
///
/// 1. `bootstrap.servers`;
/// 2. the worker's common client keys (security and connection settings at the top level);
/// 3. for tasks' clients, the worker's `producer.`, `consumer.` or `admin.` keys;
/// 4. for tasks' clients, the connector's `producer.override.`, `consumer.override.` or
///    `admin.override.` keys.
///
/// Later layers win. The worker's own clients (internal topics, the group, the Schema Registry and
/// REST Proxy) take steps 1 and 2 only, as in Kafka Connect. Kafka Connect gives step 2 to tasks' admin
/// clients but not to their producers and consumers; Tributary gives it to all three (their prefixed
/// keys still win), so the security settings of a cluster need writing only once.
public struct ClientConfigs: Sendable {
    public let worker: [String: String]
    public let bootstrapServers: String
    public let environment: [String: String]
    /// `connector.client.config.override.policy`.
    public let policy: ClientOverridePolicy

    public init(
        worker: [String: String], bootstrapServers: String, environment: [String: String],
        policy: ClientOverridePolicy = .all
    ) {
        self.worker = worker
        self.bootstrapServers = bootstrapServers
        self.environment = environment
        self.policy = policy
    }

    /// The prefix of a connector's overrides for a client of `type`.
    public static func overridePrefix(_ type: ClientType) -> String { type.rawValue + ".override." }

    /// A worker's own client of `type` (steps 1 and 2).
    public func internalClient(_ type: ClientType) -> JavaClientConfig {
        var j = JavaClientConfig()
        j.set("bootstrap.servers", bootstrapServers)
        j.merge(worker, prefix: "", include: JavaClientConfig.isCommonClientKey)
        return j
    }

    /// A task's client of `type` for a connector with config `connector` (all four steps).
    public func taskClient(_ type: ClientType, connector: [String: String]) -> JavaClientConfig {
        var j = internalClient(type)
        // `admin.listeners` and `admin.listeners.https.*` are the REST API's (KIP-495), not the admin client's.
        j.merge(worker, prefix: type.rawValue + ".") {
            type != .admin || !($0 == "listeners" || $0.hasPrefix("listeners."))
        }
        j.merge(connector, prefix: Self.overridePrefix(type))
        return j
    }

    public func translateInternal(_ type: ClientType) throws(ClientConfigException) -> JavaClientConfig.Translation {
        try internalClient(type).translate(for: type, environment: environment)
    }

    public func translate(_ type: ClientType, connector: [String: String]) throws(ClientConfigException)
        -> JavaClientConfig.Translation
    {
        try taskClient(type, connector: connector).translate(for: type, environment: environment)
    }

    /// The clients a connector's tasks make: sources produce (and read their topics back, and create
    /// topics); sinks consume, and produce to the dead letter queue.
    public static func taskClients(_ type: ConnectorType) -> [ClientType] {
        type == .source ? [.producer, .consumer, .admin] : [.consumer, .producer, .admin]
    }

    /// Problems with a connector's client configuration, by the key at fault, as `config/validate`
    /// reports them: a key that cannot be translated, or one librdkafka refuses.
    public func problems(for type: ConnectorType, connector: [String: String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        // The policy and the deny-list first: a refused key is never handed to librdkafka, even to check it.
        var refused = Set<String>()
        for client in Self.taskClients(type) {
            let prefix = Self.overridePrefix(client)
            for (k, _) in connector where k.hasPrefix(prefix) {
                let key = String(k.dropFirst(prefix.count))
                if let why = ClientOverridePolicy.deniedReason(key) {
                    out[k, default: []].append(
                        "\(k) is not allowed in a connector configuration: \(why). Set it in the worker properties if the operator means it"
                    )
                    refused.insert(k)
                } else if let message = policy.refusal(key) {
                    out[k, default: []].append(message)
                    refused.insert(k)
                }
            }
        }
        if !refused.isEmpty { return out }
        for client in Self.taskClients(type) {
            do {
                for r in try translate(client, connector: connector).config.refusals()
                where !(out[r.key]?.contains(r.message) ?? false) {
                    out[r.key, default: []].append(r.message)
                }
            } catch  where !(out[error.key]?.contains(error.message) ?? false) {
                out[error.key, default: []].append(error.message)
            } catch {}
        }
        return out
    }
}

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
    ///
    /// A connector that sends a client to another cluster (`<client>.override.bootstrap.servers`) brings
    /// its own credentials: the worker's SASL settings and client certificate are not given to it, so a
    /// REST caller cannot have them presented to a broker of its choosing.
    public func taskClient(_ type: ClientType, connector: [String: String]) -> JavaClientConfig {
        let prefix = Self.overridePrefix(type)
        let otherCluster = connector[prefix + "bootstrap.servers"] != nil
        var j = JavaClientConfig()
        j.set("bootstrap.servers", bootstrapServers)
        j.merge(worker, prefix: "") {
            JavaClientConfig.isCommonClientKey($0) && !(otherCluster && Self.isCredential($0))
        }
        // `admin.listeners` and `admin.listeners.https.*` are the REST API's (KIP-495), not the admin client's.
        j.merge(worker, prefix: type.rawValue + ".") {
            !(type == .admin && ($0 == "listeners" || $0.hasPrefix("listeners.")))
                && !(otherCluster && Self.isCredential($0))
        }
        j.merge(connector, prefix: prefix)
        return j
    }

    /// Keys that identify the worker to a cluster: SASL settings and the client certificate's store.
    static func isCredential(_ key: String) -> Bool {
        key.hasPrefix("sasl.") || key.hasPrefix("ssl.keystore.") || key == "ssl.key.password"
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

    /// Override keys a connector may not set, by key, with the reason: keys with control characters
    /// (librdkafka would read `debug\u{0}` as `debug`), the deny-list (`ClientOverridePolicy.deniedReason`),
    /// then `connector.client.config.override.policy`. Checked at `config/validate`, at creation and
    /// again when a task starts (a config stored earlier, under another policy, is not trusted).
    public func refusedOverrides(for type: ConnectorType, connector: [String: String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for client in Self.taskClients(type) {
            let prefix = Self.overridePrefix(client)
            for (k, _) in connector where k.hasPrefix(prefix) {
                let key = String(k.dropFirst(prefix.count))
                if key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    out[k, default: []].append("\(k.debugDescription) contains a control character")
                } else if let why = ClientOverridePolicy.deniedReason(key) {
                    out[k, default: []].append(
                        "\(k) is not allowed in a connector configuration: \(why). Set it in the worker properties if the operator means it"
                    )
                } else if let message = policy.refusal(key) {
                    out[k, default: []].append(message)
                }
            }
        }
        return out
    }

    /// Problems with a connector's client configuration, by the key at fault, as `config/validate`
    /// reports them: a refused override, a key that cannot be translated, one that translates into a
    /// denied librdkafka property, or one librdkafka refuses.
    public func problems(for type: ConnectorType, connector: [String: String]) -> [String: [String]] {
        // The policy and the deny-list first: a refused key is never handed to librdkafka, even to check it.
        var out = refusedOverrides(for: type, connector: connector)
        if !out.isEmpty { return out }
        for client in Self.taskClients(type) {
            do {
                let config = try translate(client, connector: connector).config
                // What a connector's key became in librdkafka's names is checked against the deny-list too.
                for (k, _) in config.properties where ClientOverridePolicy.deniedReason(k) != nil {
                    let origin = config.userKey(k)
                    guard origin.hasPrefix(Self.overridePrefix(client)) else { continue }
                    out[origin, default: []].append(
                        "\(origin) sets librdkafka's \(k), which is not allowed in a connector configuration: \(ClientOverridePolicy.deniedReason(k)!)"
                    )
                }
                for r in config.refusals() where !(out[r.key]?.contains(r.message) ?? false) {
                    out[r.key, default: []].append(r.message)
                }
            } catch  where !(out[error.key]?.contains(error.message) ?? false) {
                out[error.key, default: []].append(error.message)
            } catch {}
        }
        return out
    }
}

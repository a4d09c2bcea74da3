import KafkaClientConfigs

/// `connector.client.config.override.policy`: which Kafka client keys a connector may override with
/// `producer.override.*`, `consumer.override.*` and `admin.override.*` (KIP-458), as Kafka Connect's
/// `All` (its 3.x default), `None` and `Principal` policies decide. Whatever the policy, librdkafka
/// properties that load code, run commands, or read files and reach URLs the operator did not configure
/// are refused in connector configs (`deniedReason`).
public enum ClientOverridePolicy: String, Sendable, CaseIterable {
    case all = "All"
    case none = "None"
    case principal = "Principal"

    /// `All`, `None`, `Principal`, or the class names (`AllConnectorClientConfigOverridePolicy`, with or
    /// without `org.apache.kafka.connect.connector.policy.`).
    public init?(className: String) {
        for p in Self.allCases {
            let simple = p.rawValue + "ConnectorClientConfigOverridePolicy"
            if className == p.rawValue || className == simple
                || className == "org.apache.kafka.connect.connector.policy." + simple
            {
                self = p
                return
            }
        }
        return nil
    }

    /// The keys `Principal` lets a connector set: its own credentials.
    static let principalKeys: Set<String> = ["sasl.jaas.config", "sasl.mechanism", "security.protocol"]

    /// Kafka Connect's message when the policy refuses `key` (the client key, without its prefix).
    public func refusal(_ key: String) -> String? {
        switch self {
        case .all: return nil
        case .principal where Self.principalKeys.contains(key): return nil
        default:
            return "The '\(rawValue)' policy does not allow '\(key)' to be overridden in the connector configuration."
        }
    }

    /// Why a client key must not come from a REST caller, or nil. These make librdkafka load a shared
    /// library (`plugin.library.paths`, `ssl.engine.location`, `ssl.providers`), run a command
    /// (`sasl.kerberos.kinit.cmd`, and the keytab and principal pasted into it), read or write files of
    /// the worker's host (`ssl.*.location`, `ssl.keystore.location`/`ssl.truststore.location` read by
    /// Tributary, `ssl.crl.location`, `sasl.kerberos.keytab`, `offset.store.path`), send the worker's
    /// requests to a URL (`sasl.oauthbearer.token.endpoint.url`), take over process signals
    /// (`internal.termination.signal`), replace the cluster with an in-memory fake or call a string as
    /// a function (librdkafka's hidden test properties), or print secrets to the log (`debug`).
    public static func deniedReason(_ key: String) -> String? {
        switch key {
        case "plugin.library.paths", "ssl.engine.location", "ssl.engine.id", "ssl.providers":
            return "it makes librdkafka load code into the worker"
        case "sasl.kerberos.kinit.cmd", "sasl.kerberos.keytab", "sasl.kerberos.principal":
            return "it makes librdkafka run a shell command on the worker"
        case "ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.keystore.location",
            "ssl.truststore.location", "ssl.crl.location", "ssl.ca.certificate.stores", "offset.store.path",
            "offset.store.method", "offset.store.sync.interval.ms":
            return
                "it reads or writes files on the worker's host; give certificates inline (ssl.truststore.certificates, ssl.keystore.key and ssl.keystore.certificate.chain)"
        case "sasl.oauthbearer.token.endpoint.url", "https.ca.location", "https.ca.pem":
            return "it makes the worker send requests to a URL the operator did not configure"
        case "internal.termination.signal", "test.mock.num.brokers", "test.mock.broker.rtt",
            "ut_handle_ProduceResponse",
            "enable_sasl_queue", "opaque", "default_topic_conf", "interceptors", "log_cb", "error_cb":
            return "it is an internal property of librdkafka"
        case "debug": return "librdkafka's debug output includes credentials"
        case "metadata.broker.list":
            return
                "it is librdkafka's name for bootstrap.servers; a connector that uses another cluster sets <client>.override.bootstrap.servers (and its own credentials)"
        default: return nil
        }
    }

    /// Denied keys that load code or run commands: allowed in worker properties (the operator is trusted),
    /// with a warning.
    public static func loadsCodeOrRunsCommands(_ key: String) -> Bool {
        [
            "plugin.library.paths", "ssl.engine.location", "ssl.providers", "sasl.kerberos.kinit.cmd",
            "internal.termination.signal", "test.mock.num.brokers", "ut_handle_ProduceResponse",
        ].contains(key)
    }
}

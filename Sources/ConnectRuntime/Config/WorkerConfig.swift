import ConnectAPI
import KafkaClient
import KafkaClientConfigs
import Logging
import RestServing

/// The worker's configuration, with Kafka Connect's distributed-mode property names.
public struct WorkerConfig: Sendable {
    public let raw: [String: String]
    public let bootstrapServers: String
    public let groupId: String
    public let configTopic: String
    public let offsetTopic: String
    public let statusTopic: String
    public let configReplicationFactor: Int32
    public let offsetPartitions: Int32
    public let offsetReplicationFactor: Int32
    public let statusPartitions: Int32
    public let statusReplicationFactor: Int32
    public let offsetFlushIntervalMs: Int64
    public let offsetFlushTimeoutMs: Int64
    public let taskShutdownTimeoutMs: Int64
    /// `producer.max.block.ms`: the REST Proxy's wait for a new topic's metadata.
    public let restProxyMaxBlockMs: Int
    public let listeners: [RestListener]
    /// `admin.listeners` (KIP-495): nil serves `/admin/*` on `listeners`; empty serves it nowhere.
    public let adminListeners: [RestListener]?
    /// The scheme other workers reach this one with (`rest.advertised.listener`, else http if a
    /// listener is http).
    public let advertisedScheme: RestListener.Scheme
    public let advertisedHost: String
    /// Group membership timing (`session.timeout.ms`, `heartbeat.interval.ms`, `rebalance.timeout.ms`).
    public let sessionTimeoutMs: Int
    public let heartbeatIntervalMs: Int
    public let rebalanceTimeoutMs: Int
    /// `scheduled.rebalance.max.delay.ms`: how long a departed worker's work waits for it to come back.
    public let scheduledRebalanceMaxDelayMs: Int64
    public let advertisedPort: Int
    public let topicTrackingEnabled: Bool
    /// `topic.creation.enable`: source tasks create their topics (KIP-158) when the connector asks.
    public let topicCreationEnabled: Bool
    public let topicTrackingAllowReset: Bool
    /// `filestream.allowed.paths`: where the FileStream connectors may read and write.
    public let fileStreamAllowedPaths: AllowedPaths
    /// The config providers the worker properties declare (none: placeholders stay literal).
    public let configProviders: ConfigProviders
    /// How the worker's and its tasks' Kafka clients are configured (Java keys, translated).
    public let clients: ClientConfigs
    /// The worker's own clients (internal topics, the group, the registry and proxy), translated at start.
    private let internalClients: [ClientType: KafkaConfig]
    /// Tasks' clients before any connector's overrides (checked at start).
    private let taskClientBase: [KafkaConfig]
    /// Java-only client keys of the worker properties that librdkafka has no use for (one warning).
    public let ignoredClientKeys: [String]
    /// `log.format`: the layout of the worker's log lines.
    public let logFormat: LogFormat

    public static let configDef = ConfigDef()
        .define(
            "bootstrap.servers", .list, defaultValue: "localhost:9092", importance: .high,
            documentation:
                "A list of host/port pairs to use for establishing the initial connection to the Kafka cluster."
        )
        .define(
            "group.id", .string, importance: .high,
            documentation: "A unique string that identifies the Connect cluster group this worker belongs to."
        )
        .define(
            "config.storage.topic", .string, importance: .high,
            documentation: "The name of the Kafka topic where connector configurations are stored"
        )
        .define(
            "offset.storage.topic", .string, importance: .high,
            documentation: "The name of the Kafka topic where source connector offsets are stored"
        )
        .define(
            "status.storage.topic", .string, importance: .high,
            documentation: "The name of the Kafka topic where connector and task status are stored"
        )
        .define(
            "config.storage.replication.factor", .short, defaultValue: "3", importance: .low,
            documentation: "Replication factor used when creating the configuration storage topic (-1: broker default)"
        )
        .define(
            "offset.storage.partitions", .int, defaultValue: "25", importance: .low,
            documentation: "The number of partitions used when creating the offset storage topic (-1: broker default)"
        )
        .define(
            "offset.storage.replication.factor", .short, defaultValue: "3", importance: .low,
            documentation: "Replication factor used when creating the offset storage topic (-1: broker default)"
        )
        .define(
            "status.storage.partitions", .int, defaultValue: "5", importance: .low,
            documentation: "The number of partitions used when creating the status storage topic (-1: broker default)"
        )
        .define(
            "status.storage.replication.factor", .short, defaultValue: "3", importance: .low,
            documentation: "Replication factor used when creating the status storage topic (-1: broker default)"
        )
        .define(
            "key.converter", .class, importance: .high,
            documentation:
                "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka."
        )
        .define(
            "value.converter", .class, importance: .high,
            documentation:
                "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka."
        )
        .define(
            "header.converter", .class, defaultValue: "org.apache.kafka.connect.storage.SimpleHeaderConverter",
            importance: .low,
            documentation:
                "HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka."
        )
        .define(
            "offset.flush.interval.ms", .long, defaultValue: "60000", validator: .range(atLeast: 1), importance: .low,
            documentation: "Interval at which to try committing offsets for tasks."
        )
        .define(
            "offset.flush.timeout.ms", .long, defaultValue: "5000", validator: .range(atLeast: 1), importance: .low,
            documentation:
                "Maximum number of milliseconds to wait for records to flush and partition offset data to be committed to offset storage before cancelling the process and restoring the offset data to be committed in a future attempt."
        )
        .define(
            "producer.max.block.ms", .long, defaultValue: "60000", validator: .range(atLeast: 0), importance: .low,
            documentation:
                "How long the REST Proxy's v2 produce waits for a topic it has not produced to before to appear (the broker may create it), as the Java producer's max.block.ms bounds its metadata wait. Then each record fails with 50003."
        )
        .define(
            "task.shutdown.graceful.timeout.ms", .long, defaultValue: "5000", importance: .low,
            documentation: "Amount of time to wait for tasks to shutdown gracefully."
        )
        .define(
            "listeners", .list, defaultValue: "http://:8083", importance: .low,
            documentation:
                "List of comma-separated URIs the REST API will listen on. The supported protocols are HTTP and HTTPS.\n Specify hostname as 0.0.0.0 to bind to all interfaces.\n Leave hostname empty to bind to default interface.\n Examples of legal listener lists: HTTP://myhost:8083,HTTPS://myhost:8084"
        )
        .define(
            "rest.advertised.listener", .string, defaultValue: .some(nil), importance: .low,
            documentation: "Sets the advertised listener (HTTP or HTTPS) which will be given to other workers to use."
        )
        .define(
            "admin.listeners", .list, defaultValue: .some(nil), importance: .low,
            documentation:
                "List of comma-separated URIs the Admin REST API will listen on. The supported protocols are HTTP and HTTPS. An empty or blank string will disable this feature. The default behavior is to use the regular listener (specified by the 'listeners' property)."
        )
        .define(
            "rest.extension.classes", .list, defaultValue: "", importance: .low,
            documentation:
                "Comma-separated names of <code>ConnectRestExtension</code> classes, loaded and called in the order specified. Tributary has org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension (HTTP Basic authentication with a JAAS file)."
        )
        .define(
            "rest.authentication.skip.paths", .list, defaultValue: "", importance: .low,
            documentation:
                "Paths of the REST API that need no authentication (e.g. /health for probes): exact paths, or prefixes written /path/*. Tributary's."
        )
        .define(
            "filestream.allowed.paths", .list, defaultValue: "", importance: .medium,
            documentation:
                "Absolute paths (files or directories) the FileStream connectors may read and write; empty: none, only standard input and output. Tributary's: Kafka leaves these connectors off its default plugin path since 3.2, because they give REST callers the worker's files."
        )
        .define(
            "access.control.allow.origin", .string, defaultValue: "", importance: .low,
            documentation:
                "Value to set the Access-Control-Allow-Origin header to for REST API requests.To enable cross origin access, set this to the domain of the application that should be permitted to access the API, or '*' to allow access from any domain. The default value only allows access from the domain of the REST API."
        )
        .define(
            "access.control.allow.methods", .string, defaultValue: "", importance: .low,
            documentation:
                "Sets the methods supported for cross origin requests by setting the Access-Control-Allow-Methods header. The default value of the Access-Control-Allow-Methods header allows cross origin requests for GET, POST and HEAD."
        )
        .define(
            "ssl.client.auth", .string, defaultValue: "none", validator: .oneOf(["required", "requested", "none"]),
            importance: .low,
            documentation:
                "Configures kafka broker to request client authentication. The following settings are common:  <ul> <li><code>ssl.client.auth=required</code> If set to required client authentication is required. <li><code>ssl.client.auth=requested</code> This means client authentication is optional. unlike required, if this option is set client can choose not to provide authentication information about itself <li><code>ssl.client.auth=none</code> This means client authentication is not needed.</ul>"
        )
        .define(
            "rest.advertised.host.name", .string, defaultValue: .some(nil), importance: .low,
            documentation: "If this is set, this is the hostname that will be given out to other workers to connect to."
        )
        .define(
            "rest.advertised.port", .int, defaultValue: .some(nil), importance: .low,
            documentation: "If this is set, this is the port that will be given out to other workers to connect to."
        )
        .define(
            "session.timeout.ms", .int, defaultValue: "10000", importance: .high,
            documentation:
                "The timeout used to detect worker failures. The worker sends periodic heartbeats to indicate its liveness to the broker. If no heartbeats are received by the broker before the expiration of this session timeout, then the broker will remove the worker from the group and initiate a rebalance."
        )
        .define(
            "scheduled.rebalance.max.delay.ms", .int, defaultValue: "0", importance: .low,
            documentation:
                "How long the work of a worker that left the group waits for it to come back before other workers take it over. Kafka Connect defaults to 300000 (5 minutes), which makes a worker's failure cost up to 5 minutes of downtime; Tributary defaults to 0, so work fails over as soon as the group notices (session.timeout.ms). Set it to cover a rolling restart, so a restarting worker gets its work back instead of it moving twice."
        )
        .define(
            "heartbeat.interval.ms", .int, defaultValue: "3000", importance: .high,
            documentation:
                "The expected time between heartbeats to the group coordinator when using Kafka's group management facilities. Heartbeats are used to ensure that the worker's session stays active and to facilitate rebalancing when new members join or leave the group."
        )
        .define(
            "rebalance.timeout.ms", .int, defaultValue: "60000", importance: .high,
            documentation:
                "The maximum allowed time for each worker to join the group once a rebalance has begun. This is basically a limit on the amount of time needed for all tasks to flush any pending data and commit offsets."
        )
        .define(
            "connector.client.config.override.policy", .string, defaultValue: "All", importance: .medium,
            documentation:
                "Class name or alias of implementation of <code>ConnectorClientConfigOverridePolicy</code>. Defines what client configurations can be overridden by the connector. The default implementation is `All`, meaning connector configurations can override all client properties. The other possible policies in the framework include `None` to disallow connectors from overriding client properties, and `Principal` to allow connectors to override only client principals."
        )
        .define(
            "topic.creation.enable", .boolean, defaultValue: "true", importance: .low,
            documentation:
                "Whether to allow automatic creation of topics used by source connectors, when source connectors are configured with `topic.creation.` properties. Each task will use an admin client to create its topics and will not depend on the Kafka brokers to create topics automatically."
        )
        .define(
            "topic.tracking.enable", .boolean, defaultValue: "true", importance: .low,
            documentation: "Enable tracking the set of active topics per connector during runtime."
        )
        .define(
            "topic.tracking.allow.reset", .boolean, defaultValue: "true", importance: .low,
            documentation: "If set to true, it allows user requests to reset the set of active topics per connector."
        )
        .define(
            "log.format", .string, defaultValue: "text",
            validator: .oneOfIgnoringCase(LogFormat.allCases.map(\.rawValue)), importance: .low,
            documentation:
                "How the worker writes its log lines to standard error: text (Kafka Connect's layout, with the connector context [name|task-N]) or json (one object per line with ts, level, logger, message, connector, task and error). Tributary's. The TRIBUTARY_LOG_FORMAT environment variable, when set, wins over this key."
        )

    /// `log.format` as the worker will read it (the properties, `CONNECT_LOG_FORMAT`, then overrides),
    /// checked against its definition: read before the rest, so that what the worker logs while it reads
    /// its properties is already in that format.
    public static func logFormat(
        properties: [(String, String)], environment: [String: String] = [:], overrides: [(String, String)] = []
    ) throws(ConfigException) -> LogFormat {
        let key = "log.format"
        var value: String? = nil
        for (k, v) in properties where k == key { value = v }
        for (k, v) in PropertiesFile.environmentOverrides(environment) where k == key { value = v }
        for (k, v) in overrides where k == key { value = v }
        guard let value else { return .text }
        let trimmed = value.trimmingWhitespace()
        // A config provider's placeholder is resolved by the full parse, which sets the format then.
        if trimmed.contains("${") { return .text }
        if let e = configDef.key(key)?.validator?.check(key, trimmed) { throw ConfigException(e) }
        return LogFormat(rawValue: trimmed.lowercased()) ?? .text
    }

    /// Reads a properties file's pairs, then environment overrides (`CONNECT_*`), then explicit overrides.
    public init(properties: [(String, String)], environment: [String: String] = [:], overrides: [(String, String)] = [])
        throws(ConfigException)
    {
        var merged: [String: String] = [:]
        for (k, v) in properties { merged[k] = v }
        for (k, v) in PropertiesFile.environmentOverrides(environment) { merged[k] = v }
        for (k, v) in overrides { merged[k] = v }
        // Config providers declared here resolve placeholders in the worker properties too (as Kafka's
        // AbstractConfig does), and later in connector configs.
        let providerLog = Logger(label: "tributary.config")
        configProviders = try ConfigProviders(
            declaredIn: merged, environment: environment, log: { providerLog.warning("\($0)") })
        for (k, v) in merged where !k.hasPrefix("config.providers") { merged[k] = configProviders.resolve(v) }
        let c = try Self.configDef.parse(merged)
        raw = merged
        bootstrapServers = c.list("bootstrap.servers").joined(separator: ",")
        groupId = c.string("group.id")!
        configTopic = c.string("config.storage.topic")!
        offsetTopic = c.string("offset.storage.topic")!
        statusTopic = c.string("status.storage.topic")!
        configReplicationFactor = Int32(c.int("config.storage.replication.factor") ?? 3)
        offsetPartitions = Int32(c.int("offset.storage.partitions") ?? 25)
        offsetReplicationFactor = Int32(c.int("offset.storage.replication.factor") ?? 3)
        statusPartitions = Int32(c.int("status.storage.partitions") ?? 5)
        statusReplicationFactor = Int32(c.int("status.storage.replication.factor") ?? 3)
        offsetFlushIntervalMs = c.int64("offset.flush.interval.ms") ?? 60000
        offsetFlushTimeoutMs = c.int64("offset.flush.timeout.ms") ?? 5000
        taskShutdownTimeoutMs = c.int64("task.shutdown.graceful.timeout.ms") ?? 5000
        restProxyMaxBlockMs = Int(c.int64("producer.max.block.ms") ?? 60000)
        sessionTimeoutMs = c.int("session.timeout.ms") ?? 10000
        heartbeatIntervalMs = c.int("heartbeat.interval.ms") ?? 3000
        rebalanceTimeoutMs = c.int("rebalance.timeout.ms") ?? 60000
        scheduledRebalanceMaxDelayMs = Int64(c.int("scheduled.rebalance.max.delay.ms") ?? 0)
        topicTrackingEnabled = c.bool("topic.tracking.enable") ?? true
        topicCreationEnabled = c.bool("topic.creation.enable") ?? true
        topicTrackingAllowReset = c.bool("topic.tracking.allow.reset") ?? true
        logFormat = LogFormat(rawValue: (c.string("log.format") ?? "text").lowercased()) ?? .text
        fileStreamAllowedPaths = try AllowedPaths(
            c.list("filestream.allowed.paths").joined(separator: ","), key: "filestream.allowed.paths",
            exists: ProcessEnv.exists)
        let ls = try RestListener.parse(c.list("listeners"), key: "listeners")
        guard !ls.isEmpty else {
            throw ConfigException(
                "Invalid value for listeners, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443."
            )
        }
        listeners = ls
        adminListeners = try c.string("admin.listeners").map { v throws(ConfigException) in
            try RestListener.parse(ConfigDef.listEntries(v), key: "admin.listeners")
        }
        // Kafka Connect: rest.advertised.listener, else http when any listener is http.
        if let adv = c.string("rest.advertised.listener")?.trimmingWhitespace().lowercased(), !adv.isEmpty {
            guard let scheme = RestListener.Scheme(rawValue: adv) else {
                throw ConfigException(name: "rest.advertised.listener", value: adv, reason: "expected http or https")
            }
            advertisedScheme = scheme
        } else {
            advertisedScheme = ls.contains { $0.scheme == .http } ? .http : .https
        }
        let scheme = advertisedScheme
        let first = ls.first { $0.scheme == scheme } ?? ls[0]
        advertisedHost =
            c.string("rest.advertised.host.name")
            ?? (first.host.isEmpty || first.host == "0.0.0.0" ? Self.hostname() : first.host)
        advertisedPort = c.int("rest.advertised.port") ?? first.port
        let policyName = (c.string("connector.client.config.override.policy") ?? "All").trimmingWhitespace()
        guard let policy = ClientOverridePolicy(className: policyName) else {
            throw ConfigException(
                "Failed to find any class that implements interface org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy and which name matches \(policyName)"
            )
        }
        clients = ClientConfigs(
            worker: merged, bootstrapServers: bootstrapServers, environment: environment, policy: policy)
        // The worker's own clients, and its base for tasks' clients (its producer./consumer./admin. keys):
        // a key that cannot be translated stops the worker here, naming it.
        var internalClients: [ClientType: KafkaConfig] = [:]
        var taskBase: [KafkaConfig] = []
        var ignored: [String] = []
        for type in ClientType.allCases {
            do {
                let own = try clients.translateInternal(type)
                let task = try clients.translate(type, connector: [:])
                internalClients[type] = own.config
                taskBase.append(task.config)
                for k in own.ignored + task.ignored where !ignored.contains(k) { ignored.append(k) }
            } catch {
                throw ConfigException(error.message)
            }
        }
        self.internalClients = internalClients
        self.taskClientBase = taskBase
        // The REST Proxy's topic wait reads it (restProxyMaxBlockMs), so it is not ignored there.
        ignoredClientKeys = ignored.filter { $0 != "producer.max.block.ms" }
    }

    /// Keys that switch protection on in Kafka Connect or Confluent's servers and that Tributary does not
    /// implement: the worker refuses to start with them rather than run unprotected.
    static let unimplementedSecurityKeys: [String: String] = [
        "rest.servlet.initializor.classes":
            "servlet initializers are Java code; put authentication in authentication.* or rest.extension.classes",
        "response.http.headers.config":
            "response headers (HSTS, X-Frame-Options...) are not implemented; set them in a reverse proxy in front of the worker",
        "schema.registry.resource.extension.class": "resource extensions are Java code",
        "rest.proxy.resource.extension.class": "resource extensions are Java code",
        "kafka.rest.resource.extension.class": "resource extensions are Java code",
        // A schema-registry.properties or kafka-rest.properties pasted whole: these would protect nothing here.
        "authentication.method":
            "the Schema Registry and the REST Proxy read it as schema.registry.authentication.method and rest.proxy.authentication.method",
        "authentication.realm":
            "the Schema Registry and the REST Proxy read it as schema.registry.authentication.realm and rest.proxy.authentication.realm",
        "authentication.roles":
            "the Schema Registry and the REST Proxy read it as schema.registry.authentication.roles and rest.proxy.authentication.roles",
    ]

    /// Refuses the unimplemented security keys (see `unimplementedSecurityKeys`), naming the key.
    public func refuseUnimplementedSecurityKeys() throws(ConfigException) {
        for (k, why) in Self.unimplementedSecurityKeys.sorted(by: { $0.key < $1.key })
        where !(raw[k] ?? "").trimmingWhitespace().isEmpty {
            throw ConfigException(
                "\(k) is set, but Tributary does not implement it here: \(why). Remove (or rename) the key")
        }
    }

    /// Worker keys nothing reads: each gets Kafka's warning at start ("supplied but isn't a known
    /// config"), so a typo in a security key does not pass unnoticed.
    public var unknownKeys: [String] {
        raw.keys.sorted().filter { k in
            if Self.configDef.key(k) != nil || Self.knownKeys.contains(k) || Self.unimplementedSecurityKeys[k] != nil {
                return false
            }
            if JavaClientConfig.isCommonClientKey(k) { return false }
            return !Self.knownPrefixes.contains { k.hasPrefix($0) }
        }
    }

    static let knownKeys: Set<String> = [
        "java.security.auth.login.config", "schema.registry.listeners", "rest.proxy.listeners", "kafkastore.topic",
        "schema.compatibility.level", "plugin.path", "plugin.discovery", "client.id",
        "connect.protocol", "worker.sync.timeout.ms", "worker.unsync.backoff.ms", "exactly.once.source.support",
        "metric.reporters", "metrics.num.samples", "metrics.sample.window.ms", "metrics.recording.level",
        "auto.include.jmx.reporter", "config.storage.partitions", "rest.proxy.consumer.instance.timeout.ms",
    ]
    static let knownPrefixes = [
        "key.converter.", "value.converter.", "header.converter.", "producer.", "consumer.", "admin.",
        "config.providers", "listeners.https.", "admin.listeners.https.", "schema.registry.", "rest.proxy.",
        "kafkastore.", "config.storage.", "offset.storage.", "status.storage.", "inter.worker.", "metrics.context.",
    ]

    /// Worker client keys that make librdkafka load code or run commands: the operator may set them, and
    /// is told so at start.
    public var codeLoadingClientKeys: [String] {
        raw.keys.sorted().filter { k in
            let stripped =
                ["producer.", "consumer.", "admin."].first { k.hasPrefix($0) }.map {
                    String(k.dropFirst($0.count))
                } ?? k
            return ClientOverridePolicy.loadsCodeOrRunsCommands(stripped)
        }
    }

    /// Client properties librdkafka refuses, by the worker key at fault: checked at start, so a typo is
    /// an error there and not a client that fails later.
    public func clientRefusals() -> [(key: String, message: String)] {
        var out: [(key: String, message: String)] = []
        for config in Array(internalClients.values) + taskClientBase {
            for r in config.refusals() where !out.contains(where: { $0.message == r.message }) { out.append(r) }
        }
        return out
    }

    /// The listeners of the REST Proxy (`rest.proxy.listeners`, default `http://:8082`) or the Schema
    /// Registry (`schema.registry.listeners`, default `http://:8081`); an empty value switches it off.
    public func serviceListeners(_ key: String, default value: String) throws(ConfigException) -> [RestListener] {
        try RestListener.parse(ConfigDef.listEntries(raw[key] ?? value), key: key)
    }

    /// `<advertised host>:<advertised port>`, as Kafka Connect names workers in statuses.
    public var workerId: String { "\(advertisedHost):\(advertisedPort)" }

    /// The librdkafka configuration of one of the worker's own clients: `prefix` is "producer",
    /// "consumer" or "admin". Only the worker's top-level client keys apply (see `ClientConfigs`).
    public func clientConfig(_ prefix: String) -> KafkaConfig {
        internalClients[ClientType(rawValue: prefix) ?? .admin]!
    }

    /// The librdkafka configuration of the REST Proxy's producer or its consumers: the worker's client
    /// keys and its `producer.` or `consumer.` keys, as Confluent's REST Proxy applies `producer.*` and
    /// `consumer.*` to its clients (the same base tasks' clients start from, before any connector's
    /// overrides).
    public func restProxyClientConfig(_ type: ClientType) -> KafkaConfig {
        taskClientBase[ClientType.allCases.firstIndex(of: type)!]
    }

    /// Converter-related keys of the worker config (`key.converter*`, `value.converter*`, `header.converter*`).
    public func converterConfig() -> [String: String] {
        raw.filter {
            $0.key.hasPrefix("key.converter") || $0.key.hasPrefix("value.converter")
                || $0.key.hasPrefix("header.converter")
        }
    }

    static func hostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return "localhost" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

#if canImport(Glibc)
    import Glibc
#endif

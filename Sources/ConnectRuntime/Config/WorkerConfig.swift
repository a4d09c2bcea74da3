import ConnectAPI
import KafkaClient
import KafkaClientConfigs

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
    public let listeners: [(host: String, port: Int)]
    public let advertisedHost: String
    /// Group membership timing (`session.timeout.ms`, `heartbeat.interval.ms`, `rebalance.timeout.ms`).
    public let sessionTimeoutMs: Int
    public let heartbeatIntervalMs: Int
    public let rebalanceTimeoutMs: Int
    public let advertisedPort: Int
    public let topicTrackingEnabled: Bool
    /// `topic.creation.enable`: source tasks create their topics (KIP-158) when the connector asks.
    public let topicCreationEnabled: Bool
    public let topicTrackingAllowReset: Bool
    /// How the worker's and its tasks' Kafka clients are configured (Java keys, translated).
    public let clients: ClientConfigs
    /// The worker's own clients (internal topics, the group, the registry and proxy), translated at start.
    private let internalClients: [ClientType: KafkaConfig]
    /// Tasks' clients before any connector's overrides (checked at start).
    private let taskClientBase: [KafkaConfig]
    /// Java-only client keys of the worker properties that librdkafka has no use for (one warning).
    public let ignoredClientKeys: [String]

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
            "task.shutdown.graceful.timeout.ms", .long, defaultValue: "5000", importance: .low,
            documentation: "Amount of time to wait for tasks to shutdown gracefully."
        )
        .define(
            "listeners", .list, defaultValue: "http://:8083", importance: .low,
            documentation: "List of comma-separated URIs the REST API will listen on."
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
            documentation: "If set to true, it allows user requests to reset the set of active topics per connector.")

    /// Reads a properties file's pairs, then environment overrides (`CONNECT_*`), then explicit overrides.
    public init(properties: [(String, String)], environment: [String: String] = [:], overrides: [(String, String)] = [])
        throws(ConfigException)
    {
        var merged: [String: String] = [:]
        for (k, v) in properties { merged[k] = v }
        for (k, v) in PropertiesFile.environmentOverrides(environment) { merged[k] = v }
        for (k, v) in overrides { merged[k] = v }
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
        sessionTimeoutMs = c.int("session.timeout.ms") ?? 10000
        heartbeatIntervalMs = c.int("heartbeat.interval.ms") ?? 3000
        rebalanceTimeoutMs = c.int("rebalance.timeout.ms") ?? 60000
        topicTrackingEnabled = c.bool("topic.tracking.enable") ?? true
        topicCreationEnabled = c.bool("topic.creation.enable") ?? true
        topicTrackingAllowReset = c.bool("topic.tracking.allow.reset") ?? true
        let ls = try Self.parseListeners(c.list("listeners"), key: "listeners")
        guard let first = ls.first else {
            throw ConfigException(name: "listeners", value: "", reason: "at least one listener is required")
        }
        listeners = ls
        advertisedHost =
            c.string("rest.advertised.host.name")
            ?? (first.0.isEmpty || first.0 == "0.0.0.0" ? Self.hostname() : first.0)
        advertisedPort = c.int("rest.advertised.port") ?? first.1
        clients = ClientConfigs(worker: merged, bootstrapServers: bootstrapServers, environment: environment)
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
        ignoredClientKeys = ignored
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

    /// `http://host:port` URIs as (host, port); an empty host means every interface.
    public static func parseListeners(_ uris: [String], key: String) throws(ConfigException) -> [(
        host: String, port: Int
    )] {
        var ls: [(String, Int)] = []
        for l in uris {
            guard l.hasPrefix("http://") else {
                throw ConfigException(name: key, value: l, reason: "only http:// listeners are supported")
            }
            let hostPort = l.dropFirst("http://".count)
            guard let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...])
            else {
                throw ConfigException(name: key, value: l, reason: "expected http://host:port")
            }
            ls.append((String(hostPort[..<colon]), port))
        }
        return ls
    }

    /// The listeners of the REST Proxy (`rest.proxy.listeners`, default `http://:8082`) or the Schema
    /// Registry (`schema.registry.listeners`, default `http://:8081`); an empty value switches it off.
    public func serviceListeners(_ key: String, default value: String) throws(ConfigException) -> [(
        host: String, port: Int
    )] {
        let text = raw[key] ?? value
        return try Self.parseListeners(
            text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }, key: key)
    }

    /// `<advertised host>:<advertised port>`, as Kafka Connect names workers in statuses.
    public var workerId: String { "\(advertisedHost):\(advertisedPort)" }

    /// The librdkafka configuration of one of the worker's own clients: `prefix` is "producer",
    /// "consumer" or "admin". Only the worker's top-level client keys apply (see `ClientConfigs`).
    public func clientConfig(_ prefix: String) -> KafkaConfig {
        internalClients[ClientType(rawValue: prefix) ?? .admin]!
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

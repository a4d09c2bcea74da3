import KafkaClient
import KeyStores

/// A Kafka client's configuration in the keys of Kafka's Java clients, as users write them in worker
/// properties and connector configs, and its translation to librdkafka (`translate`).
///
/// Entries remember the key they came from (`producer.override.ssl.truststore.location`), so every
/// error, warning and hint names what the user wrote. Later entries win, as later layers do in Kafka
/// Connect (worker keys, then `producer.`, then `producer.override.`).
public struct JavaClientConfig: Sendable {
    public struct Entry: Sendable, Equatable {
        public let value: String
        /// The key as the user wrote it, prefix included.
        public let origin: String
    }

    public private(set) var entries: [String: Entry] = [:]
    /// Keys in the order they were first set (the librdkafka properties follow it, for stable output).
    private var order: [String] = []

    public init() {}

    public init(_ config: [String: String]) {
        merge(config, prefix: "")
    }

    public subscript(key: String) -> String? { entries[key]?.value }

    public mutating func set(_ key: String, _ value: String, origin: String? = nil) {
        if entries[key] == nil { order.append(key) }
        entries[key] = Entry(value: value, origin: origin ?? key)
    }

    public mutating func remove(_ key: String) {
        entries[key] = nil
        order.removeAll { $0 == key }
    }

    /// Adds every key of `config` that starts with `prefix` (stripped), in key order, keeping where it
    /// came from; `include` filters the stripped keys.
    public mutating func merge(
        _ config: [String: String], prefix: String, include: (String) -> Bool = { _ in true }
    ) {
        for (k, v) in config.sorted(by: { $0.key < $1.key }) where k.hasPrefix(prefix) {
            let key = String(k.dropFirst(prefix.count))
            guard !key.isEmpty, include(key) else { continue }
            set(key, v, origin: k)
        }
    }

    /// Keys of the worker's top level that configure every Kafka client (Kafka's CommonClientConfigs:
    /// security and connection settings). Kafka Connect gives them to its internal clients and to task
    /// admin clients; Tributary gives them to task producers and consumers too, under their own
    /// `producer.`/`consumer.` keys, so a secured cluster needs them written once.
    public static func isCommonClientKey(_ key: String) -> Bool {
        key.hasPrefix("ssl.") || key.hasPrefix("sasl.") || commonKeys.contains(key)
    }

    private static let commonKeys: Set<String> = [
        "security.protocol", "client.rack", "client.dns.lookup", "metadata.max.age.ms", "send.buffer.bytes",
        "receive.buffer.bytes", "reconnect.backoff.ms", "reconnect.backoff.max.ms", "retry.backoff.ms",
        "retry.backoff.max.ms", "request.timeout.ms", "connections.max.idle.ms", "socket.connection.setup.timeout.ms",
        "socket.connection.setup.timeout.max.ms", "security.providers",
    ]

    /// The result of `translate`: librdkafka's configuration, and the Java-only keys left out (for one
    /// warning that names them).
    public struct Translation: Sendable {
        public var config: KafkaConfig
        public var ignored: [String]
    }

    /// Translates to librdkafka's keys for a client of `type`: SASL (`sasl.jaas.config` and its login
    /// modules), TLS material (key and trust stores read into PEM), renamed and converted keys, Java-only
    /// keys left out. What librdkafka itself refuses is found later, by `KafkaConfig.refusals()`.
    ///
    /// - Parameter environment: for token providers that read it (AWS credentials, region).
    public func translate(
        for type: ClientType, environment: [String: String] = [:], files: any FileReading = LocalFiles()
    ) throws(ClientConfigException) -> Translation {
        var out = KafkaConfig()
        var ignored: [String] = []
        for key in order {
            guard let e = entries[key] else { continue }
            switch ClientConfigKeys.rule(for: key, type: type) {
            case nil:
                out[key] = e.value.trimmingCharacters()
                if e.origin != key { out.origins[key] = e.origin }
            case .rename(let to, let convert):
                switch convert(e.value) {
                case .success(let v):
                    out[to] = v
                    out.origins[to] = e.origin
                case .failure(let r):
                    throw ClientConfigException(
                        key: e.origin, "Invalid value \(e.value) for configuration \(e.origin): \(r.reason)")
                }
            case .ignore:
                ignored.append(e.origin)
            case .ignoreSilently, .security:
                continue
            }
        }
        if type == .producer, let codec = self["compression.type"]?.trimmingCharacters().lowercased(),
            let level = entries["compression.\(codec).level"]
        {
            out["compression.level"] = level.value.trimmingCharacters()
            out.origins["compression.level"] = level.origin
            ignored.removeAll { $0 == level.origin }
        }
        try SecurityConfig(self).apply(to: &out, ignored: &ignored, environment: environment, files: files)
        return Translation(config: out, ignored: ignored)
    }
}

/// Where key and trust stores and JAAS files are read from (tests substitute their own).
public protocol FileReading: Sendable {
    func read(_ path: String) throws -> [UInt8]
}

/// Files of the local file system.
public struct LocalFiles: FileReading {
    public init() {}
    public func read(_ path: String) throws -> [UInt8] { try LocalFile.read(path) }
}

extension JavaClientConfig {
    /// Keys whose values are secrets (Kafka's PASSWORD-typed client and Schema Registry client keys, and
    /// librdkafka's own), under any prefix (`producer.override.`, `value.converter.`): REST answers
    /// show them as "[hidden]".
    public static func isSecret(_ key: String) -> Bool {
        secretSuffixes.contains { key == $0 || key.hasSuffix("." + $0) }
    }

    private static let secretSuffixes = [
        "sasl.jaas.config", "ssl.keystore.password", "ssl.truststore.password", "ssl.key.password",
        "ssl.keystore.key", "sasl.password", "sasl.oauthbearer.client.secret", "basic.auth.user.info",
        "bearer.auth.token", "bearer.auth.client.secret",
    ]
}

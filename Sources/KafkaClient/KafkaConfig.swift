import CRdKafka

#if canImport(Glibc)
    import Glibc
#endif

/// librdkafka properties in the order they were given (later keys override earlier ones), with what a
/// client needs beyond them: where each property came from (so messages name the key the user wrote),
/// hints for librdkafka's errors, and the source of OAUTHBEARER tokens.
public struct KafkaConfig: Sendable {
    public private(set) var properties: [(key: String, value: String)] = []
    /// librdkafka property → the key the user configured it with (`ssl.ca.pem` ← `ssl.truststore.location`,
    /// or `producer.override.ssl.truststore.location`). Properties set under their own name have none.
    public var origins: [String: String] = [:]
    /// Added to librdkafka's errors and log lines that match, naming the configuration at fault.
    public var hints: [KafkaErrorHint] = []
    /// Answers librdkafka's OAUTHBEARER token refreshes (OIDC client credentials, MSK IAM).
    public var tokenProvider: (any OAuthBearerTokenProvider)?
    /// Metadata on the client's log lines (a task's clients: its `connector` and `task`).
    public var logMetadata: [String: String] = [:]

    public init(_ properties: [(String, String)] = []) {
        for (k, v) in properties { self[k] = v }
    }

    public subscript(key: String) -> String? {
        get { properties.last(where: { $0.key == key })?.value }
        set {
            properties.removeAll { $0.key == key }
            if let newValue { properties.append((key, newValue)) }
        }
    }

    /// Applies defaults that are not already set.
    public func withDefaults(_ defaults: [(String, String)]) -> KafkaConfig {
        var c = self
        for (k, v) in defaults where c[k] == nil { c[k] = v }
        return c
    }

    /// librdkafka properties whose values are secrets: never part of a message.
    public static func isSensitive(_ key: String) -> Bool {
        key.hasSuffix("password") || key.hasSuffix("secret") || key == "ssl.key.pem" || key == "sasl.oauthbearer.config"
            || key == "ssl_key" || key.hasSuffix(".secret")
    }

    /// The key a user knows a property by: its origin, or its own name.
    public func userKey(_ key: String) -> String { origins[key] ?? key }

    /// Every property librdkafka refuses (unknown, or a value it cannot take), with librdkafka's reason,
    /// named by the key the user wrote. Creates no client.
    public func refusals() -> [(key: String, message: String)] {
        let conf = rd_kafka_conf_new()!
        defer { rd_kafka_conf_destroy(conf) }
        var out: [(String, String)] = []
        var errstr = [CChar](repeating: 0, count: 512)
        for (k, v) in properties where rd_kafka_conf_set(conf, k, v, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
            out.append((userKey(k), refusal(k, v, reason: cString(errstr))))
        }
        return out
    }

    private func refusal(_ k: String, _ v: String, reason: String) -> String {
        let shown = Self.isSensitive(k) ? "[hidden]" : v
        let via = origins[k].map { " (set from \($0))" } ?? ""
        return "Kafka client property \(k)=\(shown)\(via) was refused by librdkafka: \(reason)"
    }

    /// Builds a `rd_kafka_conf_t`; the caller owns it until it is handed to `rd_kafka_new` successfully.
    func makeConf() throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for (k, v) in properties {
            let r = rd_kafka_conf_set(conf, k, v, &errstr, errstr.count)
            if r != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError.local(refusal(k, v, reason: cString(errstr)))
            }
        }
        return conf
    }
}

/// A hint for librdkafka's messages: when one of `patterns` occurs in an error or log line, `hint` is
/// added to it (which key configured what failed, and what to check).
public struct KafkaErrorHint: Sendable, Equatable {
    public let patterns: [String]
    public let hint: String

    public init(patterns: [String], hint: String) {
        self.patterns = patterns
        self.hint = hint
    }

    /// `message` with the hints that match it.
    public static func explain(_ message: String, _ hints: [KafkaErrorHint]) -> String {
        let lower = message.lowercased()
        let matching = hints.filter { h in h.patterns.contains { lower.contains($0.lowercased()) } }
        guard !matching.isEmpty else { return message }
        return message + " (" + matching.map(\.hint).joined(separator: "; ") + ")"
    }
}

/// An OAUTHBEARER token for librdkafka.
public struct OAuthBearerToken: Sendable {
    public let value: String
    /// When the token expires, in milliseconds since the epoch; librdkafka refreshes at 80% of the way.
    public let expiresAtMs: Int64
    public let principal: String
    /// SASL extensions (`logicalCluster`, `identityPoolId`), in order.
    public let extensions: [(String, String)]

    public init(value: String, expiresAtMs: Int64, principal: String, extensions: [(String, String)] = []) {
        self.value = value
        self.expiresAtMs = expiresAtMs
        self.principal = principal
        self.extensions = extensions
    }
}

/// Fetches OAUTHBEARER tokens. Called on librdkafka's background thread, where blocking is allowed.
public protocol OAuthBearerTokenProvider: Sendable {
    func token() throws -> OAuthBearerToken
}

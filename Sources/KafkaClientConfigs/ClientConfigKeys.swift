/// How each key of Kafka's Java clients reaches librdkafka: the table behind `JavaClientConfig`.
///
/// Keys not listed pass through under their own name: librdkafka accepts most Java names as they are
/// (`acks`, `linger.ms`, `batch.size`, `compression.type`, `enable.idempotence`, `delivery.timeout.ms`,
/// `session.timeout.ms`, `isolation.level`, ...), either as its own property or as an alias, and it
/// refuses the rest, which validation reports by name. Facts from librdkafka 2.8's CONFIGURATION.md and
/// Kafka's ProducerConfig/ConsumerConfig/CommonClientConfigs (docs/security.md has the table for users).
enum ClientConfigKeys {
    enum Rule: Sendable {
        /// Another librdkafka name, with the value converted (nil: refused, with the reason).
        case rename(String, convert: @Sendable (String) -> Result<String, Refusal>)
        /// Java-only, no librdkafka meaning: dropped, named in one warning.
        case ignore
        /// Java-only plumbing that never means anything here (serializers): dropped without a word.
        case ignoreSilently
        /// Read by the security translation (SASL, TLS stores), never passed on as it is.
        case security
    }

    struct Refusal: Error {
        let reason: String
    }

    static func rule(for key: String, type: ClientType) -> Rule? {
        if let r = table[key] { return r }
        if key.hasPrefix("metrics.context.") || key.hasPrefix("sasl.login.refresh.")
            || key.hasPrefix("sasl.oauthbearer.jwks.endpoint.") || key.hasPrefix("sasl.kerberos.ticket.renew.")
        {
            return .ignore
        }
        // Producer-only in librdkafka: on a consumer or admin client they would draw a warning.
        if type != .producer && (key == "retries" || key == "acks") { return .ignoreSilently }
        // Java's request.timeout.ms bounds every request of a client; librdkafka's is the producer's ack
        // timeout only, and socket.timeout.ms is the rest.
        if type != .producer && key == "request.timeout.ms" { return .rename("socket.timeout.ms", convert: number) }
        return nil
    }

    private static func int(_ v: String) -> Int64? { Int64(v.trimmingCharacters()) }

    private static let table: [String: Rule] = [
        // Renamed, or converted.
        "max.request.size": .rename("message.max.bytes", convert: number),
        "buffer.memory": .rename(
            "queue.buffering.max.kbytes",
            convert: { v in
                guard let n = int(v), n > 0 else {
                    return .failure(Refusal(reason: "expected a positive number of bytes"))
                }
                return .success(String((n + 1023) / 1024))
            }),
        "fetch.max.wait.ms": .rename("fetch.wait.max.ms", convert: number),
        "send.buffer.bytes": .rename("socket.send.buffer.bytes", convert: socketBuffer),
        "receive.buffer.bytes": .rename("socket.receive.buffer.bytes", convert: socketBuffer),
        // Java's metadata.max.age.ms forces a refresh; librdkafka's is a cache expiry (3x its refresh).
        "metadata.max.age.ms": .rename("topic.metadata.refresh.interval.ms", convert: number),
        "connections.max.idle.ms": .rename(
            "connections.max.idle.ms",
            convert: { v in
                guard let n = int(v) else { return .failure(Refusal(reason: "expected a number")) }
                return .success(String(max(0, n)))  // Java's -1 (never) is librdkafka's 0
            }),
        "partition.assignment.strategy": .rename("partition.assignment.strategy", convert: assignors),
        "partitioner.class": .rename("partitioner", convert: partitioner),
        "auto.offset.reset": .rename(
            "auto.offset.reset",
            convert: { v in
                let t = v.trimmingCharacters().lowercased()
                return .success(t == "none" ? "error" : t)
            }),
        // Java: empty switches host name verification off; librdkafka ignores an empty enum value.
        "ssl.endpoint.identification.algorithm": .rename(
            "ssl.endpoint.identification.algorithm",
            convert: { v in
                switch v.trimmingCharacters().lowercased() {
                case "": return .success("none")
                case "https": return .success("https")
                default:
                    return .failure(Refusal(reason: "expected https (verify the broker's host name) or empty (do not)"))
                }
            }),
        "ssl.cipher.suites": .rename("ssl.cipher.suites", convert: cipherSuites),

        // Read by the security translation.
        "sasl.jaas.config": .security, "sasl.mechanism": .security, "sasl.mechanisms": .security,
        "sasl.login.callback.handler.class": .security, "sasl.client.callback.handler.class": .security,
        "sasl.oauthbearer.token.endpoint.url": .security, "sasl.oauthbearer.scope.claim.name": .security,
        "sasl.oauthbearer.sub.claim.name": .security,
        "ssl.truststore.location": .security, "ssl.truststore.password": .security, "ssl.truststore.type": .security,
        "ssl.truststore.certificates": .security, "ssl.keystore.location": .security,
        "ssl.keystore.password": .security, "ssl.keystore.type": .security, "ssl.keystore.key": .security,
        "ssl.keystore.certificate.chain": .security, "ssl.key.password": .security,
        "ssl.enabled.protocols": .security, "ssl.protocol": .security,

        // Java-only.
        "key.serializer": .ignoreSilently, "value.serializer": .ignoreSilently,
        "key.deserializer": .ignoreSilently, "value.deserializer": .ignoreSilently,
        // Read by the runtime before translation (records per sink put).
        "max.poll.records": .ignoreSilently,
        // A REST listener's setting that Kafka Connect also reads from the top-level ssl.* keys.
        "ssl.client.auth": .ignoreSilently,
        "interceptor.classes": .ignore, "metric.reporters": .ignore, "metrics.num.samples": .ignore,
        "metrics.sample.window.ms": .ignore, "metrics.recording.level": .ignore, "auto.include.jmx.reporter": .ignore,
        "security.providers": .ignore, "ssl.provider": .ignore, "ssl.keymanager.algorithm": .ignore,
        "ssl.trustmanager.algorithm": .ignore, "ssl.secure.random.implementation": .ignore,
        "ssl.engine.factory.class": .ignore, "sasl.login.class": .ignore,
        // In Java the path of kinit; in librdkafka a shell command. This build has no Kerberos anyway.
        "sasl.kerberos.kinit.cmd": .ignore,
        "sasl.login.connect.timeout.ms": .ignore, "sasl.login.read.timeout.ms": .ignore,
        "sasl.login.retry.backoff.ms": .ignore, "sasl.login.retry.backoff.max.ms": .ignore,
        "sasl.oauthbearer.clock.skew.seconds": .ignore, "sasl.oauthbearer.expected.audience": .ignore,
        "sasl.oauthbearer.expected.issuer": .ignore, "sasl.oauthbearer.header.urlencode": .ignore,
        "socket.connection.setup.timeout.max.ms": .ignore, "default.api.timeout.ms": .ignore,
        "metadata.recovery.strategy": .ignore, "metadata.max.idle.ms": .ignore, "max.block.ms": .ignore,
        "partitioner.adaptive.partitioning.enable": .ignore, "partitioner.availability.timeout.ms": .ignore,
        "partitioner.ignore.keys": .ignore, "exclude.internal.topics": .ignore,
        "internal.leave.group.on.close": .ignore, "internal.throw.on.fetch.stable.offset.unsupported": .ignore,
        "compression.gzip.level": .ignore, "compression.lz4.level": .ignore, "compression.zstd.level": .ignore,
    ]

    fileprivate static func number(_ v: String) -> Result<String, Refusal> {
        guard let n = int(v) else { return .failure(Refusal(reason: "expected a number")) }
        return .success(String(n))
    }

    /// Java's -1 (the operating system's default) is librdkafka's 0.
    private static func socketBuffer(_ v: String) -> Result<String, Refusal> {
        guard let n = int(v) else { return .failure(Refusal(reason: "expected a number")) }
        return .success(String(n < 0 ? 0 : n))
    }

    /// Java assignor classes → librdkafka's names. Eager and cooperative ones cannot be mixed in
    /// librdkafka, so Java's default pair (Range, then CooperativeSticky) becomes `range`, the one
    /// Java's clients use first.
    private static func assignors(_ v: String) -> Result<String, Refusal> {
        var names: [String] = []
        for item in v.split(separator: ",").map({ String($0).trimmingCharacters() }) where !item.isEmpty {
            let simple = item.split(separator: ".").last.map(String.init) ?? item
            switch simple {
            case "RangeAssignor", "range": names.append("range")
            case "RoundRobinAssignor", "roundrobin": names.append("roundrobin")
            case "CooperativeStickyAssignor", "cooperative-sticky": names.append("cooperative-sticky")
            default:
                return .failure(
                    Refusal(
                        reason:
                            "\(item) has no librdkafka equivalent; use RangeAssignor, RoundRobinAssignor or CooperativeStickyAssignor"
                    ))
            }
        }
        let eager = names.filter { $0 != "cooperative-sticky" }
        if !eager.isEmpty && eager.count != names.count { names = eager }
        return .success(names.joined(separator: ","))
    }

    private static func partitioner(_ v: String) -> Result<String, Refusal> {
        let simple = v.trimmingCharacters().split(separator: ".").last.map(String.init) ?? ""
        switch simple {
        case "DefaultPartitioner", "": return .success("murmur2_random")
        case "UniformStickyPartitioner": return .success("random")
        default:
            return .failure(
                Refusal(reason: "\(v) has no librdkafka equivalent (the default partitioner is Java's murmur2)"))
        }
    }

    /// IANA (Java) cipher suite names → OpenSSL's, for TLS 1.2. TLS 1.3 suites are OpenSSL's defaults
    /// already and cannot be chosen through librdkafka, so they are left out.
    private static func cipherSuites(_ v: String) -> Result<String, Refusal> {
        var out: [String] = []
        for name in v.split(whereSeparator: { $0 == "," || $0 == ":" }).map({ String($0).trimmingCharacters() })
        where !name.isEmpty {
            if name.hasPrefix("TLS_AES_") || name.hasPrefix("TLS_CHACHA20_") { continue }
            if let o = ianaToOpenSSL[name] {
                out.append(o)
            } else if !name.hasPrefix("TLS_") && !name.hasPrefix("SSL_") {
                out.append(name)  // already an OpenSSL name
            } else {
                return .failure(Refusal(reason: "unknown cipher suite \(name)"))
            }
        }
        guard !out.isEmpty else { return .success("DEFAULT") }
        return .success(out.joined(separator: ":"))
    }

    private static let ianaToOpenSSL: [String: String] = [
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": "ECDHE-ECDSA-AES256-GCM-SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": "ECDHE-ECDSA-AES128-GCM-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-ECDSA-CHACHA20-POLY1305",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-RSA-CHACHA20-POLY1305",
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384": "DHE-RSA-AES256-GCM-SHA384",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256": "DHE-RSA-AES128-GCM-SHA256",
        "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256": "DHE-RSA-CHACHA20-POLY1305",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384": "ECDHE-ECDSA-AES256-SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384": "ECDHE-RSA-AES256-SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256": "ECDHE-ECDSA-AES128-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256": "ECDHE-RSA-AES128-SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384": "AES256-GCM-SHA384",
        "TLS_RSA_WITH_AES_128_GCM_SHA256": "AES128-GCM-SHA256",
    ]
}

extension String {
    /// Without leading and trailing white space, as Java's ConfigDef trims values.
    func trimmingCharacters() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

import KafkaClient

/// The Kafka clients of one task, from the translated worker and override keys (`ClientConfigs`) to what
/// the task's clients are created with: Kafka's `Worker.baseProducerConfigs`/`baseConsumerConfigs` and
/// their defaults. Pure functions; a key the user set always wins over a default here.
enum TaskClientConfigs {
    /// A source task's producer. Idempotent with `acks=all`, as the Java producer is by default since
    /// Kafka 3.0: a retry after a broker hiccup then costs no duplicate.
    /// 25 000 buffered records (~100 ms at full speed) keep the broker busy; more only raised the peak
    /// RSS of the JDBC benchmark (bench/README.md).
    static func sourceProducer(_ translated: KafkaConfig, id: ConnectorTaskId) -> KafkaConfig {
        var c = idempotent(translated).withDefaults([
            ("acks", "all"), ("partitioner", "murmur2_random"), ("linger.ms", "5"), ("compression.type", "none"),
            ("queue.buffering.max.messages", "25000"),
        ])
        c["client.id"] = "connector-producer-\(id.connector)-\(id.task)"
        c.logMetadata = logContext(id)
        return c
    }

    static func sourceAdmin(_ translated: KafkaConfig, id: ConnectorTaskId) -> KafkaConfig {
        var c = translated
        c["client.id"] = c["client.id"] ?? "connector-adminclient-\(id.connector)-\(id.task)"
        c.logMetadata = logContext(id)
        return c
    }

    /// A sink task's consumer, in the group `connect-<connector>`.
    ///
    /// fetch.queue.backoff.ms: librdkafka (≥ 2.4) waits a full second, by default, before fetching again
    /// once its prefetch queue has been full; a sink that drains the queue faster than that then sits
    /// idle (measured on bench/s3_sink.sh: 96k → 170k records/s). The prefetch queue is held to 16 MB
    /// (librdkafka's default is 64 MB per consumer): it only needs to cover one put.
    ///
    /// allow.auto.create.topics: the Java consumer's default (true), librdkafka's is false. A sink
    /// subscribed to a topic its source has not written yet then has the broker create it (where the
    /// broker auto-creates), as Kafka Connect's sinks do, instead of waiting for librdkafka's next
    /// metadata refresh, five minutes later.
    ///
    /// topic.metadata.refresh.interval.ms: when that first request still finds no topic (a broker that
    /// does not auto-create, or one creating it for the source's producer at that very moment), the
    /// Java consumer asks again within about a second (its retry backoff for unknown topics), while
    /// librdkafka waits for its periodic refresh, five minutes by default: a sink created together
    /// with the source that writes its topic then sat idle that long (seen in the e2e metrics test).
    /// Every 5 s costs one metadata request per sink consumer.
    static func sinkConsumer(_ translated: KafkaConfig, id: ConnectorTaskId) -> KafkaConfig {
        var c = translated.withDefaults([
            ("enable.auto.commit", "false"), ("auto.offset.reset", "earliest"), ("fetch.queue.backoff.ms", "20"),
            ("queued.max.messages.kbytes", "16384"), ("allow.auto.create.topics", "true"),
            ("topic.metadata.refresh.interval.ms", "5000"),
        ])
        c["group.id"] = sinkGroup(id.connector)
        c["client.id"] = "connector-consumer-\(id.connector)-\(id.task)"
        c.logMetadata = logContext(id)
        return c
    }

    /// A sink task's dead-letter queue producer.
    static func deadLetterQueueProducer(_ translated: KafkaConfig, id: ConnectorTaskId) -> KafkaConfig {
        var c = idempotent(translated).withDefaults([("acks", "all")])
        c["client.id"] = "connector-dlq-producer-\(id.connector)-\(id.task)"
        c.logMetadata = logContext(id)
        return c
    }

    /// A task's clients log with its connector context (KIP-721).
    static func logContext(_ id: ConnectorTaskId) -> [String: String] {
        ["connector": id.connector, "task": String(id.task)]
    }

    /// The producers of the internal topics (configs, offsets, statuses).
    static func internalProducer(_ base: KafkaConfig) -> KafkaConfig {
        idempotent(base).withDefaults([("acks", "all")])
    }

    /// The consumer group of a sink connector's tasks.
    static func sinkGroup(_ connector: String) -> String { "connect-\(connector)" }

    /// `enable.idempotence=true` unless the user set it, or set something idempotence cannot work with:
    /// then, as the Java producer does since Kafka 3.2 when idempotence was not asked for explicitly, it
    /// stays off rather than failing the client (acks other than all, more than 5 requests in flight,
    /// no retries).
    static func idempotent(_ c: KafkaConfig) -> KafkaConfig {
        guard c["enable.idempotence"] == nil else { return c }
        var out = c
        out["enable.idempotence"] = conflictsWithIdempotence(c) ? "false" : "true"
        return out
    }

    static func conflictsWithIdempotence(_ c: KafkaConfig) -> Bool {
        let acks = (c["acks"] ?? c["request.required.acks"])?.lowercased()
        if let acks, acks != "all", acks != "-1" { return true }
        let inFlight = c["max.in.flight.requests.per.connection"] ?? c["max.in.flight"]
        if let n = inFlight.flatMap({ Int($0) }), n > 5 { return true }
        if let r = (c["retries"] ?? c["message.send.max.retries"]).flatMap({ Int($0) }), r == 0 { return true }
        return false
    }
}

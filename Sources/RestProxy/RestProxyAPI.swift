import ConnectAPI
import Dispatch
import KafkaClient
import Logging
import RestServing
import SchemaRegistry

/// The Confluent REST Proxy API (`:8082`, reference rest-proxy.md §1 and §2): v2 produce and metadata,
/// v3 clusters, topics and record produce, as a function from request to response.
public struct RestProxyAPI: RestHandler {
    let producer: RestProxyProducer
    let admin: KafkaAdmin
    let registry: SchemaRegistry?
    let clusterId: String
    let logger: Logger
    /// Partition counts of topics produced to before: produce checks the topic and partition (librdkafka
    /// would otherwise hold records for an unknown topic until `message.timeout.ms`) without a metadata
    /// request per call.
    let knownTopics = LockedBox<[String: Int]>([:])
    /// How long produce waits for a topic it has not met to appear (`producer.max.block.ms`).
    let maxBlockMs: Int
    let consumers: RestConsumers

    static let v2 = "application/vnd.kafka.v2+json"

    /// Creates the shared producer; `registry` nil means the Avro format answers 40801.
    public init(
        producerConfig: KafkaConfig, consumerConfig: KafkaConfig, admin: KafkaAdmin, registry: SchemaRegistry?,
        clusterId: String, consumerInstanceTimeoutMs: Int64 = 300_000, maxBlockMs: Int = 60_000, logger: Logger
    ) throws(KafkaError) {
        self.maxBlockMs = maxBlockMs
        self.producer = try RestProxyProducer(config: producerConfig)
        self.consumers = RestConsumers(
            consumerConfig: consumerConfig, instanceTimeoutMs: consumerInstanceTimeoutMs, logger: logger)
        self.admin = admin
        self.registry = registry
        self.clusterId = clusterId
        self.logger = logger
    }

    public func close() async {
        await consumers.closeAll()
        await producer.close()
    }

    /// Closes idle consumer instances; call periodically.
    public func expireIdleConsumers() async { await consumers.expire() }

    public func handle(_ req: RestRequest) async -> RestResponse {
        let isV3 = req.segments.first == "v3"
        if !isV3 && !EmbeddedFormat.acceptable(req.header("accept")) {
            return .error(RestError(406, "HTTP 406 Not Acceptable"))
        }
        var response: RestResponse
        do {
            switch Self.routes.match(req.method, req.segments) {
            case .route(let route, let parameters): response = try await route.handler(self, req, parameters)
            case .methodNotAllowed(let allow): response = .error(.methodNotAllowed(allow))
            case .notFound: response = .error(Self.notFound)
            }
        } catch let error as RestError {
            response = .error(error)
        } catch {
            response = .error(RestError(500, code: 50001, "\(error)"))
        }
        if response.body != nil && response.contentType == "application/json" {
            response.contentType = isV3 ? "application/json" : Self.v2
        }
        return response
    }

    static func kafkaError(_ e: KafkaError) -> RestError {
        e.isRetriable ? RestError(500, code: 50003, e.message) : RestError(500, code: 50002, e.message)
    }

    static let notFound = RestError(404, "HTTP 404 Not Found")

    /// v2 (`/topics`, `/brokers`, `/consumers`) and v3 (`/v3/clusters`) resources.
    static let routes: RouteTable<RestProxyAPI> = {
        var t = RouteTable<RestProxyAPI>()
        t.add("GET", "/") { _, _, _ in .json(200, .object([])) }
        t.add("GET", "/brokers") { api, _, _ in
            let md = try await api.metadata()
            return .json(200, .object([("brokers", .array(md.brokers.map { .int(Int64($0.id)) }))]))
        }
        t.add("GET", "/topics") { api, _, _ in
            let md = try await api.metadata()
            return .json(200, .array(md.topics.keys.sorted().map { .string($0) }))
        }
        t.add("GET", "/topics/{topic}") { api, _, p in try await api.topicInfo(p["topic"]) }
        t.add("POST", "/topics/{topic}") { api, req, p in try await api.produce(topic: p["topic"], partition: nil, req)
        }
        t.add("GET", "/topics/{topic}/partitions") { api, _, p in
            .json(200, .array(try await api.topic(p["topic"]).partitions.map(Self.partitionJSON)))
        }
        t.add("GET", "/topics/{topic}/partitions/{partition}") { api, _, p in
            .json(200, Self.partitionJSON(try await api.partition(p["topic"], p["partition"])))
        }
        t.add("POST", "/topics/{topic}/partitions/{partition}") { api, req, p in
            // Produce checks topic and partition against its cache: no metadata request per call.
            guard let n = Int32(p["partition"]), n >= 0 else {
                throw RestError(404, code: 40402, "Partition not found.")
            }
            return try await api.produce(topic: p["topic"], partition: n, req)
        }
        t.add("GET", "/topics/{topic}/partitions/{partition}/offsets") { api, _, p in
            let partition = try await api.partition(p["topic"], p["partition"])
            let w: (low: Int64, high: Int64)
            do { w = try await api.admin.watermarks(topic: p["topic"], partition: partition.id) } catch let error
                as KafkaError
            { throw Self.kafkaError(error) }
            return .json(200, .object([("beginning_offset", .int(w.low)), ("end_offset", .int(w.high))]))
        }
        t.add("POST", "/consumers/{group}") { api, req, p in try await api.createConsumer(p["group"], req) }
        let instance = "/consumers/{group}/instances/{instance}"
        for (method, resource) in [
            ("DELETE", ""), ("POST", "subscription"), ("GET", "subscription"), ("DELETE", "subscription"),
            ("POST", "assignments"), ("GET", "assignments"), ("POST", "positions"), ("POST", "positions/beginning"),
            ("POST", "positions/end"), ("POST", "offsets"), ("GET", "offsets"), ("GET", "records"),
        ] {
            t.add(method, resource.isEmpty ? instance : "\(instance)/\(resource)") { api, req, p in
                try await api.consumerInstance(req, group: p["group"], name: p["instance"], resource: resource)
            }
        }
        t.add("GET", "/v3/clusters") { api, req, _ in
            let base = "\(Self.baseURL(req))/v3/clusters"
            return .json(200, Self.list("KafkaClusterList", "\(base)", [api.clusterJSON(base)]))
        }
        t.add("GET", "/v3/clusters/{cluster}") { api, req, p in
            try api.requireCluster(p["cluster"])
            return .json(200, api.clusterJSON("\(Self.baseURL(req))/v3/clusters"))
        }
        t.add("GET", "/v3/clusters/{cluster}/topics") { api, req, p in
            try api.requireCluster(p["cluster"])
            let topicsURL = api.topicsURL(req)
            let md = try await api.metadata()
            return .json(
                200,
                Self.list(
                    "KafkaTopicList", topicsURL,
                    md.topics.keys.sorted().map { api.topicJSON(md.topics[$0]!, topicsURL) }))
        }
        t.add("POST", "/v3/clusters/{cluster}/topics") { api, req, p in
            try api.requireCluster(p["cluster"])
            return try await api.createTopic(req, api.topicsURL(req))
        }
        t.add("GET", "/v3/clusters/{cluster}/topics/{topic}") { api, req, p in
            try api.requireCluster(p["cluster"])
            return .json(200, api.topicJSON(try await api.v3Topic(p["topic"]), api.topicsURL(req)))
        }
        t.add("DELETE", "/v3/clusters/{cluster}/topics/{topic}") { api, _, p in
            try api.requireCluster(p["cluster"])
            let topic = try await api.v3Topic(p["topic"])
            do { try await api.admin.deleteTopics([topic.name]) } catch let error as KafkaError {
                throw Self.kafkaError(error)
            }
            api.knownTopics.mutex.withLock { $0[topic.name] = nil }
            return .noContent
        }
        t.add("POST", "/v3/clusters/{cluster}/topics/{topic}/records") { api, req, p in
            try api.requireCluster(p["cluster"])
            return try await api.produceV3(try await api.v3Topic(p["topic"]), req)
        }
        t.add("POST", "/v3/clusters/{cluster}/topics/{topic}/records:batch") { api, req, p in
            try api.requireCluster(p["cluster"])
            return try await api.produceBatch(try await api.v3Topic(p["topic"]), req)
        }
        return t
    }()

    private func topicInfo(_ name: String) async throws(RestError) -> RestResponse {
        let t = try await topic(name)
        let configs = (try? await admin.topicConfig(name)) ?? [:]
        return .json(
            200,
            .object([
                ("name", .string(t.name)),
                (
                    "configs",
                    .object(JSONObject(configs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
                ),
                ("partitions", .array(t.partitions.map(Self.partitionJSON))),
            ]))
    }

    private func partition(_ topic: String, _ id: String) async throws(RestError)
        -> KafkaAdmin.ClusterMetadata.Partition
    {
        let t = try await self.topic(topic)
        guard let n = Int32(id), let p = t.partitions.first(where: { $0.id == n }) else {
            throw RestError(404, code: 40402, "Partition not found.")
        }
        return p
    }

    /// Always the metadata of every topic: asking for one topic by name lets the broker auto-create it.
    func metadata() async throws(RestError) -> KafkaAdmin.ClusterMetadata {
        do { return try await admin.metadata() } catch { throw Self.kafkaError(error) }
    }

    func topic(_ name: String) async throws(RestError) -> KafkaAdmin.ClusterMetadata.Topic {
        guard let t = try await metadata().topics[name] else { throw RestError(404, code: 40401, "Topic not found.") }
        return t
    }

    static func partitionJSON(_ p: KafkaAdmin.ClusterMetadata.Partition) -> JSONValue {
        .object([
            ("partition", .int(Int64(p.id))), ("leader", .int(Int64(p.leader))),
            (
                "replicas",
                .array(
                    p.replicas.map { r in
                        .object([
                            ("broker", .int(Int64(r))), ("leader", .bool(r == p.leader)),
                            ("in_sync", .bool(p.inSyncReplicas.contains(r))),
                        ])
                    })
            ),
        ])
    }

    /// The partition count of a topic to produce to: cached, else from the broker, which may create it
    /// (see `TopicMetadataWait`).
    private func partitions(of topic: String) async -> TopicMetadataWait.Outcome {
        if let n = knownTopics.mutex.withLock({ $0[topic] }) { return .partitions(n) }
        let outcome = await TopicMetadataWait(topic: topic, maxBlockMs: maxBlockMs).run(
            now: { DispatchTime.now().uptimeNanoseconds / 1_000_000 },
            lookup: { [admin] left in
                guard let md = try? await admin.metadata(topic: topic, timeoutMs: Int32(min(left, 10_000))) else {
                    return .absent
                }
                if let t = md.topics[topic] { return .found(partitions: t.partitions.count) }
                return md.topicErrors[topic].map { .failed($0) } ?? .absent
            },
            pause: { ms in try? await Task.sleep(for: .milliseconds(ms)) })
        if case .partitions(let n) = outcome { knownTopics.mutex.withLock { $0[topic] = n } }
        return outcome
    }

    static func failedOffset(_ code: Int, _ message: String) -> JSONValue {
        .object([
            ("partition", .null), ("offset", .null), ("error_code", .int(Int64(code))), ("error", .string(message)),
        ])
    }

    /// `POST /topics/{t}` and `POST /topics/{t}/partitions/{p}`.
    func produce(topic: String, partition: Int32?, _ req: RestRequest) async throws(RestError) -> RestResponse {
        let format = try EmbeddedFormat.ofRequest(contentType: req.header("content-type"))
        let request = try await ProduceRequest(
            topic: topic, partition: partition, format: format, body: req.body, registry: registry)
        let offsets: [JSONValue]
        // 200 even when records failed, but 403 when they were not authorized (ProduceResponse.getRequestStatus).
        var status = 200
        switch await partitions(of: topic) {
        case .failed(let code, let message):
            offsets = request.messages.map { _ in Self.failedOffset(code, message) }
            if code == 40301 { status = 403 }
        case .partitions(let partitions):
            if let partition, partition >= partitions {
                throw RestError(404, code: 40402, "Partition \(partition) of topic \(topic) not found.")
            }
            if let bad = request.messages.first(where: { ($0.partition ?? 0) >= partitions }) {
                throw RestError(404, code: 40402, "Partition \(bad.partition!) of topic \(topic) not found.")
            }
            offsets = await producer.send(request.messages).map { o in
                if let e = o.error { return Self.failedOffset(e.isRetriable ? 50003 : 50002, e.message) }
                return .object([
                    ("partition", .int(Int64(o.partition))), ("offset", .int(o.offset)), ("error_code", .null),
                    ("error", .null),
                ])
            }
        }
        return .json(
            status,
            .object([
                ("offsets", .array(offsets)),
                ("key_schema_id", request.keySchemaId.map { .int(Int64($0)) } ?? .null),
                ("value_schema_id", request.valueSchemaId.map { .int(Int64($0)) } ?? .null),
            ]))
    }
}

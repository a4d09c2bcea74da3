import ConnectAPI
import KafkaClient
import RestServing

/// REST Proxy v3 (reference rest-proxy.md §2): one cluster, its topics, record produce.
extension RestProxyAPI {
    /// This proxy serves the one cluster it was started for.
    func requireCluster(_ id: String) throws(RestError) {
        guard id == clusterId else { throw RestError(404, "Cluster \(id) cannot be found.") }
    }

    func topicsURL(_ req: RestRequest) -> String { "\(Self.baseURL(req))/v3/clusters/\(clusterId)/topics" }

    static func baseURL(_ req: RestRequest) -> String { "http://\(req.header("host") ?? "localhost")" }

    static func list(_ kind: String, _ url: String, _ data: [JSONValue]) -> JSONValue {
        .object([
            ("kind", .string(kind)), ("metadata", .object([("self", .string(url)), ("next", .null)])),
            ("data", .array(data)),
        ])
    }

    static func related(_ url: String) -> JSONValue { .object([("related", .string(url))]) }

    func clusterJSON(_ base: String) -> JSONValue {
        let url = "\(base)/\(clusterId)"
        return .object([
            ("kind", "KafkaCluster"),
            ("metadata", .object([("self", .string(url)), ("resource_name", .string("crn:///kafka=\(clusterId)"))])),
            ("cluster_id", .string(clusterId)), ("controller", Self.related("\(url)/brokers")),
            ("acls", Self.related("\(url)/acls")), ("brokers", Self.related("\(url)/brokers")),
            ("broker_configs", Self.related("\(url)/broker-configs")),
            ("consumer_groups", Self.related("\(url)/consumer-groups")), ("topics", Self.related("\(url)/topics")),
            ("partition_reassignments", Self.related("\(url)/topics/-/partitions/-/reassignment")),
        ])
    }

    func topicJSON(_ t: KafkaAdmin.ClusterMetadata.Topic, _ topicsURL: String) -> JSONValue {
        let url = "\(topicsURL)/\(t.name)"
        return .object([
            ("kind", "KafkaTopic"),
            (
                "metadata",
                .object([
                    ("self", .string(url)), ("resource_name", .string("crn:///kafka=\(clusterId)/topic=\(t.name)")),
                ])
            ),
            ("cluster_id", .string(clusterId)), ("topic_name", .string(t.name)),
            ("is_internal", .bool(t.name.hasPrefix("__"))),
            ("replication_factor", .int(Int64(t.partitions.first?.replicas.count ?? 0))),
            ("partitions_count", .int(Int64(t.partitions.count))), ("partitions", Self.related("\(url)/partitions")),
            ("configs", Self.related("\(url)/configs")),
            ("partition_reassignments", Self.related("\(url)/partitions/-/reassignment")),
        ])
    }

    func v3Topic(_ name: String) async throws(RestError) -> KafkaAdmin.ClusterMetadata.Topic {
        guard let t = try await metadata().topics[name] else {
            throw RestError(404, code: 40403, "This server does not host this topic-partition.")
        }
        return t
    }

    func createTopic(_ req: RestRequest, _ topicsURL: String) async throws(RestError) -> RestResponse {
        if req.body.isEmpty {
            throw RestError(422, code: 42206, "Payload error. Request body is empty. Data is required.")
        }
        let body: JSONValue
        do { body = try JSONParser.parse(req.body) } catch { throw RestError(400, "Bad Request: \(error)") }
        guard let name = body["topic_name"]?.stringValue, Self.validTopicName(name) else {
            throw RestError(422, code: 42206, "Payload error. Invalid topic name.")
        }
        let partitions = body["partitions_count"]?.int64Value ?? 1
        let md = try await metadata()
        let rf = body["replication_factor"]?.int64Value ?? Int64(min(3, max(1, md.brokers.count)))
        if md.topics[name] != nil { throw RestError(400, code: 40002, "Topic '\(name)' already exists.") }
        if rf > md.brokers.count {
            throw RestError(
                400, code: 40002, "Replication factor: \(rf) larger than available brokers: \(md.brokers.count).")
        }
        var configs: [(String, String)] = []
        for c in body["configs"]?.arrayValue ?? [] {
            guard let n = c["name"]?.stringValue, let v = c["value"]?.stringValue else {
                throw RestError(400, "Bad Request: configs entries need a \"name\" and a string \"value\"")
            }
            configs.append((n, v))
        }
        if body["validate_only"]?.boolValue == true {
            return .json(
                200,
                .object([
                    ("topic_name", .string(name)), ("partitions_count", .int(partitions)),
                    ("replication_factor", .int(rf)),
                ]))
        }
        do {
            try await admin.createTopics([
                .init(name: name, partitions: Int32(partitions), replicationFactor: Int32(rf), config: configs)
            ])
        } catch { throw RestError(400, code: 40002, error.message) }
        let t = try await v3Topic(name)
        return .json(201, topicJSON(t, topicsURL), headers: [("Location", "\(topicsURL)/\(name)")])
    }

    /// Kafka's rule: 1–249 of `[a-zA-Z0-9._-]`, not `.` or `..`.
    static func validTopicName(_ n: String) -> Bool {
        !n.isEmpty && n.utf8.count <= 249 && n != "." && n != ".."
            && n.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E
                    || c == 0x5F
                    || c == 0x2D
            }
    }

    /// `POST …/records`: concatenated JSON objects, one delivery report per object, in order, each
    /// followed by `\r\n`. Every record is checked before any is sent.
    func produceV3(_ t: KafkaAdmin.ClusterMetadata.Topic, _ req: RestRequest) async throws(RestError)
        -> RestResponse
    {
        let (values, parseError) = JSONParser.parseConcatenated(req.body)
        if values.isEmpty && parseError == nil {
            throw RestError(422, code: 42206, "Payload error. Request body is empty. Data is required.")
        }
        var prepared: [Result<V3Record, RestError>] = []
        for v in values { prepared.append(await V3Record.prepare(v, topic: t, registry: registry)) }
        if let parseError { prepared.append(.failure(RestError(400, "Bad Request: \(parseError)"))) }
        let reports = await deliver(prepared, t)
        var out: [UInt8] = []
        for r in reports {
            out += JSONWriter.bytes(r)
            out += [0x0D, 0x0A]
        }
        return RestResponse(status: 200, body: out)
    }

    /// `POST …/records:batch`: `{"entries":[{"id":…, …}]}` → 207 with successes and failures.
    func produceBatch(_ t: KafkaAdmin.ClusterMetadata.Topic, _ req: RestRequest) async throws(RestError)
        -> RestResponse
    {
        let body: JSONValue
        do { body = try JSONParser.parse(req.body) } catch { throw RestError(400, "Bad Request: \(error)") }
        guard let entries = body["entries"]?.arrayValue, !entries.isEmpty else {
            throw RestError(422, code: 42208, "Payload error. The batch must have at least one entry.")
        }
        if entries.count > 50 {
            throw RestError(422, code: 42208, "Payload error. The batch has \(entries.count) entries, more than 50.")
        }
        let ids = entries.map { $0["id"]?.stringValue ?? "" }
        if ids.contains(where: { $0.isEmpty || $0.count > 80 }) {
            throw RestError(422, code: 42208, "Payload error. Every entry needs an id of 1 to 80 characters.")
        }
        if Set(ids).count != ids.count {
            throw RestError(422, code: 42208, "Payload error. Entry ids are not distinct.")
        }
        var prepared: [Result<V3Record, RestError>] = []
        for e in entries { prepared.append(await V3Record.prepare(e, topic: t, registry: registry)) }
        let reports = await deliver(prepared, t)
        var successes: [JSONValue] = []
        var failures: [JSONValue] = []
        for (id, r) in zip(ids, reports) {
            var members: [(String, JSONValue)] = [("id", .string(id))]
            if r["error_code"]?.int64Value == 200 {
                members += (r.objectValue ?? [:]).members.filter { $0.key != "error_code" }.map { ($0.key, $0.value) }
                successes.append(.object(JSONObject(members)))
            } else {
                members += (r.objectValue ?? [:]).members.map { ($0.key, $0.value) }
                failures.append(.object(JSONObject(members)))
            }
        }
        return .json(207, .object([("successes", .array(successes)), ("failures", .array(failures))]))
    }

    /// Sends the records that passed validation, in one go, and builds one report per input.
    private func deliver(_ prepared: [Result<V3Record, RestError>], _ t: KafkaAdmin.ClusterMetadata.Topic) async
        -> [JSONValue]
    {
        var messages: [ProducerMessage] = []
        for case .success(let r) in prepared { messages.append(r.message) }
        var outcomes = await producer.send(messages)[...]
        return prepared.map { p in
            switch p {
            case .failure(let e):
                return .object([("error_code", .int(Int64(e.code))), ("message", .string(e.message))])
            case .success(let r):
                let o = outcomes.removeFirst()
                if let e = o.error {
                    return .object([
                        ("error_code", .int(e.isRetriable ? 50003 : 50002)), ("message", .string(e.message)),
                    ])
                }
                return .object([
                    ("error_code", 200), ("cluster_id", .string(clusterId)), ("topic_name", .string(t.name)),
                    ("partition_id", .int(Int64(o.partition))), ("offset", .int(o.offset)),
                    ("timestamp", .string(IsoTime.instant(ms: r.message.timestamp!))),
                    ("key", r.keyReport), ("value", r.valueReport),
                ])
            }
        }
    }
}

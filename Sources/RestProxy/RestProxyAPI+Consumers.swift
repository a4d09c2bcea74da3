import Avro
import ConnectAPI
import KafkaClient
import RestServing

/// The v2 consumer API: `/consumers/{group}[/instances/{name}/…]` (reference rest-proxy.md §1.4).
extension RestProxyAPI {
    func createConsumer(_ group: String, _ req: RestRequest) async throws(RestError) -> RestResponse {
        let body = req.body.isEmpty ? JSONValue.object([]) : try Self.parseBody(req)
        let i = try await consumers.create(group: group, body: body)
        let base = "\(Self.baseURL(req))/consumers/\(group)/instances/\(i.name)"
        return .json(200, .object([("instance_id", .string(i.name)), ("base_uri", .string(base))]))
    }

    /// `resource`: the path under the instance (`subscription`, `positions/end`, …), empty for the
    /// instance itself; the route table lets only its own methods through.
    func consumerInstance(_ req: RestRequest, group: String, name: String, resource: String) async throws(RestError)
        -> RestResponse
    {
        let i = try await consumers.get(group: group, name: name)
        let c = i.consumer
        switch (req.method, resource) {
        case ("DELETE", ""):
            try await consumers.delete(group: group, name: name)
            return .noContent
        case ("POST", "subscription"):
            let body = try Self.parseBody(req)
            var topics = (body["topics"]?.arrayValue ?? []).compactMap(\.stringValue)
            if let pattern = body["topic_pattern"]?.stringValue { topics = ["^" + pattern] }
            if topics.isEmpty {
                throw RestError(422, "Bad Request: a subscription needs \"topics\" or \"topic_pattern\"")
            }
            if !i.state.mutex.withLock({ $0.assignment.isEmpty }) {
                throw RestError(
                    409, code: 40903,
                    "Illegal state: Subscription to topics, partitions and pattern are mutually exclusive")
            }
            do { try c.subscribe(topics) } catch { throw Self.kafkaError(error) }
            i.state.mutex.withLock { $0.topics = topics }
            return .noContent
        case ("GET", "subscription"):
            let topics = i.state.mutex.withLock { $0.topics }
            return .json(200, .object([("topics", .array(topics.map { .string($0) }))]))
        case ("DELETE", "subscription"):
            do { try c.unsubscribe() } catch { throw Self.kafkaError(error) }
            i.state.mutex.withLock { $0.topics = [] }
            return .noContent
        case ("POST", "assignments"):
            let parts = try Self.partitions(try Self.parseBody(req)["partitions"])
            if !i.state.mutex.withLock({ $0.topics.isEmpty }) {
                throw RestError(
                    409, code: 40903,
                    "Illegal state: Subscription to topics, partitions and pattern are mutually exclusive")
            }
            // Start where the group committed, else per auto.offset.reset (librdkafka's "stored" offset).
            do { try c.assign(parts.map { ($0, -1000) }) } catch { throw Self.kafkaError(error) }
            i.state.mutex.withLock { $0.assignment = parts }
            return .noContent
        case ("GET", "assignments"):
            let parts = i.state.mutex.withLock { $0.assignment }
            return .json(200, .object([("partitions", .array(parts.map(Self.partitionRef)))]))
        case ("POST", "positions"):
            let body = try Self.parseBody(req)
            var offsets: [KafkaPartition: Int64] = [:]
            if let list = body["offsets"]?.arrayValue {
                for o in list {
                    let tp = try Self.partition(o)
                    guard let off = o["offset"]?.int64Value else {
                        throw RestError(422, "Bad Request: offset is required")
                    }
                    offsets[tp] = off
                }
            } else if let list = body["timestamps"]?.arrayValue {
                var times: [KafkaPartition: Int64] = [:]
                for t in list {
                    let tp = try Self.partition(t)
                    guard let text = t["timestamp"]?.stringValue, let ms = IsoTime.parse(text) else {
                        throw RestError(422, "Bad Request: timestamp must be an ISO-8601 instant")
                    }
                    times[tp] = ms
                }
                do { offsets = try await c.offsetsForTimes(times) } catch { throw Self.kafkaError(error) }
                // No record at or after the timestamp: the end of the partition.
                for (tp, o) in offsets where o < 0 { offsets[tp] = -1 }
            } else {
                throw RestError(422, "Bad Request: positions need \"offsets\" or \"timestamps\"")
            }
            try await seek(i, offsets)
            return .noContent
        case ("POST", "positions/beginning"), ("POST", "positions/end"):
            let parts = try Self.partitions(try Self.parseBody(req)["partitions"])
            // librdkafka's logical offsets: -2 beginning, -1 end.
            let logical: Int64 = resource == "positions/beginning" ? -2 : -1
            try await seek(i, Dictionary(parts.map { ($0, logical) }, uniquingKeysWith: { a, _ in a }))
            return .noContent
        case ("POST", "offsets"):
            var offsets: [KafkaPartition: Int64] = [:]
            if req.body.isEmpty {
                offsets = i.state.mutex.withLock { $0.consumed }
            } else {
                for o in try Self.parseBody(req)["offsets"]?.arrayValue ?? [] {
                    guard let off = o["offset"]?.int64Value else {
                        throw RestError(422, "Bad Request: offset is required")
                    }
                    // The client names the last record it consumed; the group stores the next one.
                    offsets[try Self.partition(o)] = off + 1
                }
            }
            do { try await c.commit(offsets) } catch { throw Self.kafkaError(error) }
            return .json(200, .array([]))
        case ("GET", "offsets"):
            guard !req.body.isEmpty, let parts = try? Self.partitions(try Self.parseBody(req)["partitions"]) else {
                throw RestError(404, code: 40402, "Partition not found.")
            }
            let committed: [KafkaPartition: Int64]
            do { committed = try await c.committed(parts) } catch { throw Self.kafkaError(error) }
            return .json(
                200,
                .object([
                    (
                        "offsets",
                        .array(
                            parts.map { tp in
                                .object([
                                    ("topic", .string(tp.topic)), ("partition", .int(Int64(tp.partition))),
                                    ("offset", .int(committed[tp] ?? -1)), ("metadata", ""),
                                ])
                            })
                    )
                ]))
        case ("GET", "records"):
            return try await records(i, req)
        default:
            throw Self.notFound
        }
    }

    private func seek(_ i: RestConsumers.Instance, _ offsets: [KafkaPartition: Int64]) async throws(RestError) {
        do { try await i.consumer.seek(offsets) } catch {
            throw RestError(409, code: 40903, "Illegal state: No current assignment for partition(s): \(error.message)")
        }
    }

    /// `GET …/records?timeout=&max_bytes=`: what arrives within the wait, in the instance's format.
    private func records(_ i: RestConsumers.Instance, _ req: RestRequest) async throws(RestError) -> RestResponse {
        let wanted = "application/vnd.kafka.\(i.format.rawValue).v2+json"
        if let types = req.mediaTypes("accept") {
            let generic = types.contains { ["*/*", "application/*", "application/json", "*/json"].contains($0) }
            let bareV2 = i.format == .binary && types.contains(Self.v2)
            if !generic && !bareV2 && !types.contains(wanted) {
                throw RestError(
                    406, code: 40601,
                    "The requested embedded data format does not match the deserializer for this consumer instance")
            }
        }
        let param = req.queryValues("timeout").last.flatMap { Int($0) } ?? 0
        let waitMs = param > 0 ? min(param, i.requestTimeoutMs) : i.requestTimeoutMs
        let maxBytesParam = req.queryValues("max_bytes").last.flatMap { Int($0) } ?? 0
        let maxBytes = maxBytesParam > 0 ? min(maxBytesParam, 64 * 1024 * 1024) : 64 * 1024 * 1024
        let deadline = SystemClock.nowMs() + Int64(waitMs)
        var out: [JSONValue] = []
        var bytes = 0
        var consumed: [KafkaPartition: Int64] = [:]
        // Return as soon as something arrived (no client waits a full second for records already here).
        // Records polled past the byte cap are sought back to, per partition, for the next read.
        var skipped: [KafkaPartition: Int64] = [:]
        while out.isEmpty {
            let left = deadline - SystemClock.nowMs()
            if left <= 0 { break }
            for e in await i.consumer.poll(maxEvents: 500, timeoutMs: Int32(min(left, 200))) {
                guard case .message(let m) = e else { continue }
                let tp = KafkaPartition(m.topic, m.partition)
                let size = (m.key?.count ?? 0) + (m.value?.count ?? 0)
                if skipped[tp] != nil || (!out.isEmpty && bytes + size > maxBytes) {
                    skipped[tp] = min(skipped[tp] ?? m.offset, m.offset)
                    continue
                }
                bytes += size
                out.append(try render(m, format: i.format))
                consumed[tp] = m.offset + 1
            }
        }
        if !skipped.isEmpty { try? await i.consumer.seek(skipped) }
        i.state.mutex.withLock { s in s.consumed.merge(consumed) { _, new in new } }
        var r = RestResponse.json(200, .array(out))
        r.contentType = wanted
        return r
    }

    private func render(_ m: KafkaMessage, format: EmbeddedFormat) throws(RestError) -> JSONValue {
        func data(_ b: [UInt8]?) throws(RestError) -> JSONValue {
            guard let b else { return .null }
            switch format {
            case .binary:
                return .string(Base64.encode(b))
            case .json:
                do { return try JSONParser.parse(b) } catch {
                    throw RestError(
                        500, code: 50002, "Kafka error: the record at offset \(m.offset) is not JSON: \(error)")
                }
            case .jsonschema:
                guard let (_, payload) = ConfluentWireFormat.split(b), let v = try? JSONParser.parse(payload) else {
                    throw RestError(
                        500, code: 50002,
                        "Kafka error: the record at offset \(m.offset) is not JSON in Confluent's wire format")
                }
                return v
            default:
                return try avroJSON(b, offset: m.offset)
            }
        }
        return .object([
            ("topic", .string(m.topic)), ("key", try data(m.key)), ("value", try data(m.value)),
            ("partition", .int(Int64(m.partition))), ("offset", .int(m.offset)),
        ])
    }

    /// Confluent-framed Avro → Avro JSON (tagged unions), with the writer's schema from the registry.
    private func avroJSON(_ b: [UInt8], offset: Int64) throws(RestError) -> JSONValue {
        guard let (id, payload) = ConfluentWireFormat.split(b) else {
            throw RestError(
                500, code: 50002, "Kafka error: the record at offset \(offset) is not in Confluent's Avro wire format")
        }
        guard case .avro(let schema)? = registry?.parsedSchema(id: id) else {
            throw RestError(500, code: 50002, "Kafka error: schema \(id) of the record at offset \(offset) not found")
        }
        let datum = AvroDatum(schema)
        do { return try datum.json(datum.decode(payload)) } catch {
            throw RestError(
                500, code: 50002, "Kafka error: cannot decode the record at offset \(offset): \(error.message)")
        }
    }

    static func parseBody(_ req: RestRequest) throws(RestError) -> JSONValue {
        do { return try JSONParser.parse(req.body) } catch {
            throw RestError(400, "Bad Request: malformed JSON: \(error)")
        }
    }

    static func partition(_ j: JSONValue) throws(RestError) -> KafkaPartition {
        guard let t = j["topic"]?.stringValue, let p = j["partition"]?.int64Value, let p32 = Int32(exactly: p) else {
            throw RestError(422, "Bad Request: each partition needs \"topic\" and \"partition\"")
        }
        return KafkaPartition(t, p32)
    }

    static func partitions(_ j: JSONValue?) throws(RestError) -> [KafkaPartition] {
        guard let list = j?.arrayValue else { throw RestError(422, "Bad Request: \"partitions\" must be an array") }
        var out: [KafkaPartition] = []
        for p in list { out.append(try partition(p)) }
        return out
    }

    static func partitionRef(_ tp: KafkaPartition) -> JSONValue {
        .object([("topic", .string(tp.topic)), ("partition", .int(Int64(tp.partition)))])
    }
}

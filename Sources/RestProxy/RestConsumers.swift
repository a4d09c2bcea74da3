import Avro
import ConnectAPI
import KafkaClient
import Logging
import RestServing
import SchemaRegistry

/// The v2 consumer instances of this proxy (reference rest-proxy.md §1.4). Instances live in this
/// process only (as in Confluent's proxy): clients stick to the `base_uri` they were given.
actor RestConsumers {
    final class Instance: Sendable {
        let group: String
        let name: String
        let format: EmbeddedFormat
        let consumer: KafkaConsumer
        let requestTimeoutMs: Int
        let state: LockedBox<State>
        struct State {
            var lastUsedMs: Int64
            var topics: [String] = []
            var assignment: [KafkaPartition] = []
            /// Next offset after the last record handed out, per partition: what a commit without a body commits.
            var consumed: [KafkaPartition: Int64] = [:]
        }
        init(
            group: String, name: String, format: EmbeddedFormat, consumer: KafkaConsumer, requestTimeoutMs: Int,
            now: Int64
        ) {
            self.group = group
            self.name = name
            self.format = format
            self.consumer = consumer
            self.requestTimeoutMs = requestTimeoutMs
            self.state = LockedBox(State(lastUsedMs: now))
        }
    }

    private var instances: [String: Instance] = [:]
    private let consumerConfig: KafkaConfig
    let instanceTimeoutMs: Int64
    private let logger: Logger

    init(consumerConfig: KafkaConfig, instanceTimeoutMs: Int64, logger: Logger) {
        self.consumerConfig = consumerConfig
        self.instanceTimeoutMs = instanceTimeoutMs
        self.logger = logger
    }

    private static func key(_ group: String, _ name: String) -> String { group + "\u{0}" + name }

    /// `POST /consumers/{group}`.
    func create(group: String, body: JSONValue) throws(RestError) -> Instance {
        let name = body["name"]?.stringValue ?? body["id"]?.stringValue ?? "rest-consumer-\(Self.randomId())"
        let formatName = (body["format"]?.stringValue ?? "binary").lowercased()
        guard let format = EmbeddedFormat(rawValue: formatName), [.binary, .json, .avro, .jsonschema].contains(format)
        else {
            throw RestError(422, code: 42204, "Invalid format type.")
        }
        if instances[Self.key(group, name)] != nil {
            throw RestError(
                409, code: 40902, "Consumer with specified consumer ID already exists in the specified consumer group.")
        }
        var c = consumerConfig
        c["group.id"] = group
        // The deprecated `id` is also Kafka's consumer id (the client id librdkafka sends).
        c["client.id"] = body["id"]?.stringValue ?? "rest-proxy-\(group)-\(name)"
        c["enable.auto.commit"] = "false"
        if let reset = body["auto.offset.reset"]?.stringValue {
            // Kafka's v1 names.
            c["auto.offset.reset"] = ["smallest": "earliest", "largest": "latest"][reset] ?? reset
        }
        if let auto = body["auto.commit.enable"]?.stringValue { c["enable.auto.commit"] = auto }
        if let minBytes = body["fetch.min.bytes"]?.int64Value
            ?? body["fetch.min.bytes"]?.stringValue.flatMap({ Int64($0) })
        {
            c["fetch.min.bytes"] = String(max(1, minBytes))
        }
        let timeout =
            body["consumer.request.timeout.ms"]?.int64Value
            ?? body["consumer.request.timeout.ms"]?.stringValue.flatMap { Int64($0) }
        let consumer: KafkaConsumer
        do { consumer = try KafkaConsumer(config: c) } catch {
            throw RestError(422, code: 42204, "Invalid consumer configuration: \(error.message)")
        }
        let i = Instance(
            group: group, name: name, format: format, consumer: consumer, requestTimeoutMs: Int(timeout ?? 1000),
            now: SystemClock.nowMs())
        instances[Self.key(group, name)] = i
        return i
    }

    func get(group: String, name: String) throws(RestError) -> Instance {
        guard let i = instances[Self.key(group, name)] else {
            throw RestError(404, code: 40403, "Consumer instance not found.")
        }
        i.state.mutex.withLock { $0.lastUsedMs = SystemClock.nowMs() }
        return i
    }

    func delete(group: String, name: String) throws(RestError) {
        guard let i = instances.removeValue(forKey: Self.key(group, name)) else {
            throw RestError(404, code: 40403, "Consumer instance not found.")
        }
        Task.detached { await i.consumer.close() }
    }

    /// Closes instances idle longer than `consumer.instance.timeout.ms`; the proxy's service calls it
    /// every second, so requests need not scan every instance.
    func expire() {
        let now = SystemClock.nowMs()
        for (k, i) in instances where now - i.state.mutex.withLock({ $0.lastUsedMs }) > instanceTimeoutMs {
            instances[k] = nil
            logger.info("Consumer instance \(i.name) of group \(i.group) expired after \(instanceTimeoutMs) ms idle")
            Task.detached { await i.consumer.close() }
        }
    }

    func closeAll() async {
        // Taken out first: the actor is reentered while each close waits.
        let closing = instances.values
        instances.removeAll()
        for i in closing { await i.consumer.close() }
    }

    static func randomId() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(Int.random(in: 0..<16, using: &g), radix: 16) }.joined()
    }
}

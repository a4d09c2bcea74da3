import KafkaClient
import Testing

/// librdkafka's in-process mock cluster (`test.mock.num.brokers`), which lives inside the admin client
/// that creates it. Other clients reach it through the broker address its metadata advertises, so a
/// producer and a consumer of one test share its topics; every test starts a cluster of its own.
struct MockCluster: Sendable {
    let admin: KafkaAdmin
    let bootstrap: String

    static func start() async throws -> MockCluster {
        let admin = try KafkaAdmin(config: KafkaConfig([("test.mock.num.brokers", "1")]))
        let broker = try #require(try await admin.brokers().first)
        return MockCluster(admin: admin, bootstrap: "\(broker.host):\(broker.port)")
    }

    /// Client properties for this cluster, with `extra` added.
    func config(_ extra: [(String, String)] = []) -> KafkaConfig {
        KafkaConfig([("bootstrap.servers", bootstrap)] + extra)
    }

    /// Creates `name` the one way the mock cluster offers (it does not implement CreateTopics): a metadata
    /// request for it, which auto-creates it with the cluster's default partition count. Returns that count.
    func createTopic(_ name: String) async throws -> Int32 {
        let topic = try #require(try await admin.metadata(topic: name).topics[name])
        return Int32(topic.partitions.count)
    }

    /// Destroys the cluster; the clients connected to it are closed first. A test that fails before it
    /// leaves the cluster to the admin client's deinit.
    func stop() async { await admin.close() }
}

extension KafkaConsumer {
    /// Polls and hands each event to `handle` until it returns true. Gives up after `rounds` polls of
    /// 100 ms, so a broken client fails the test instead of hanging it.
    func poll(rounds: Int = 200, until handle: (ConsumerEvent) -> Bool) async -> Bool {
        for _ in 0..<rounds {
            for e in await poll(maxEvents: 100, timeoutMs: 100) where handle(e) { return true }
        }
        return false
    }
}

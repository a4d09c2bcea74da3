import KafkaClient
import Testing

@testable import ConnectRuntime

/// The task clients' defaults, as Kafka's `WorkerTest.testProducerConfigsWithOverrides` checks them.
@Suite struct TaskClientConfigsTests {
    let id = ConnectorTaskId("orders", 2)

    @Test func sourceProducersAreIdempotentWithAcksAll() {
        let c = TaskClientConfigs.sourceProducer(KafkaConfig([("bootstrap.servers", "b:9092")]), id: id)
        #expect(c["enable.idempotence"] == "true")
        #expect(c["acks"] == "all")
        #expect(c["client.id"] == "connector-producer-orders-2")
        #expect(c["bootstrap.servers"] == "b:9092")
    }

    /// librdkafka's lines from a task's clients name the task (KIP-721's connector context).
    @Test func taskClientsLogWithTheirConnectorContext() {
        let base = KafkaConfig([("bootstrap.servers", "b:9092")])
        for c in [
            TaskClientConfigs.sourceProducer(base, id: id), TaskClientConfigs.sourceAdmin(base, id: id),
            TaskClientConfigs.sinkConsumer(base, id: id), TaskClientConfigs.deadLetterQueueProducer(base, id: id),
        ] {
            #expect(c.logMetadata == ["connector": "orders", "task": "2"])
        }
        #expect(TaskClientConfigs.internalProducer(base).logMetadata.isEmpty)
    }

    @Test func aUserSettingWinsOverTheDefaults() {
        let c = TaskClientConfigs.sourceProducer(
            KafkaConfig([("enable.idempotence", "false"), ("linger.ms", "50")]), id: id)
        #expect(c["enable.idempotence"] == "false")
        #expect(c["linger.ms"] == "50")
    }

    /// As the Java producer since Kafka 3.2: idempotence not asked for is left off where it cannot work,
    /// rather than failing the client.
    @Test func idempotenceStaysOffWhereItCannotWork() {
        for conflict in [
            ("acks", "1"), ("acks", "0"), ("max.in.flight.requests.per.connection", "10"), ("retries", "0"),
        ] {
            let c = TaskClientConfigs.sourceProducer(KafkaConfig([conflict]), id: id)
            #expect(c["enable.idempotence"] == "false", "with \(conflict)")
        }
        #expect(TaskClientConfigs.sourceProducer(KafkaConfig([("acks", "-1")]), id: id)["enable.idempotence"] == "true")
    }

    @Test func internalAndDeadLetterQueueProducersAreIdempotent() {
        #expect(TaskClientConfigs.internalProducer(KafkaConfig())["enable.idempotence"] == "true")
        let dlq = TaskClientConfigs.deadLetterQueueProducer(KafkaConfig(), id: id)
        #expect(dlq["enable.idempotence"] == "true")
        #expect(dlq["client.id"] == "connector-dlq-producer-orders-2")
    }

    @Test func sinkConsumersJoinTheConnectorsGroupAndCommitThemselves() {
        let c = TaskClientConfigs.sinkConsumer(
            KafkaConfig([("group.id", "mine"), ("auto.offset.reset", "latest")]), id: id)
        #expect(c["group.id"] == "connect-orders")
        #expect(c["client.id"] == "connector-consumer-orders-2")
        #expect(c["enable.auto.commit"] == "false")
        #expect(c["auto.offset.reset"] == "latest")
        #expect(c["allow.auto.create.topics"] == "true")  // the Java consumer's default
        // A subscribed topic that does not exist yet is looked for again within seconds, not minutes.
        #expect(c["topic.metadata.refresh.interval.ms"] == "5000")
        let own = TaskClientConfigs.sinkConsumer(KafkaConfig([("topic.metadata.refresh.interval.ms", "60000")]), id: id)
        #expect(own["topic.metadata.refresh.interval.ms"] == "60000")
    }

    @Test func theSourceAdminKeepsAClientIdTheUserGave() {
        #expect(TaskClientConfigs.sourceAdmin(KafkaConfig(), id: id)["client.id"] == "connector-adminclient-orders-2")
        #expect(TaskClientConfigs.sourceAdmin(KafkaConfig([("client.id", "x")]), id: id)["client.id"] == "x")
    }
}

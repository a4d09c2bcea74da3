import KafkaClient
import KafkaClientConfigs
import Testing

@testable import ConnectRuntime

/// How a task's Kafka clients are configured from the worker and the connector, with the facts of Kafka's
/// `WorkerTest` (testProducerConfigsWithOverrides, testConsumerConfigsWithOverrides,
/// testAdminConfigsClientOverridesWithAllPolicy), and Tributary's difference: the worker's common client
/// keys reach task producers and consumers too.
@Suite struct ClientConfigsTests {
    let worker: [String: String] = [
        "group.id": "connect-cluster", "config.storage.topic": "c", "key.converter": "JsonConverter",
        "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-256",
        "sasl.jaas.config":
            #"org.apache.kafka.common.security.scram.ScramLoginModule required username="worker" password="w";"#,
        "producer.acks": "-1", "producer.linger.ms": "1000", "producer.client.id": "producer-test-id",
        "consumer.auto.offset.reset": "latest", "consumer.max.poll.records": "1000",
        "admin.client.id": "admin-test-id", "metrics.num.samples": "2",
    ]
    var clients: ClientConfigs { ClientConfigs(worker: worker, bootstrapServers: "broker:9092", environment: [:]) }

    @Test func producerOverridesWinOverWorkerKeys() throws {
        let t = try clients.translate(
            .producer, connector: ["producer.override.acks": "0", "producer.override.linger.ms": "5000"])
        let c = t.config
        #expect(c["bootstrap.servers"] == "broker:9092")
        #expect(c["acks"] == "0" && c["linger.ms"] == "5000" && c["client.id"] == "producer-test-id")
        #expect(c.userKey("acks") == "producer.override.acks")
        // Worker keys that are not client keys never reach a client.
        #expect(c["group.id"] == nil && c["config.storage.topic"] == nil && c["key.converter"] == nil)
        #expect(c["sasl.username"] == "worker" && c["sasl.mechanisms"] == "SCRAM-SHA-256")
    }

    @Test func consumerOverridesAndConsumersOwnKeys() throws {
        let t = try clients.translate(.consumer, connector: ["consumer.override.auto.offset.reset": "earliest"])
        #expect(t.config["auto.offset.reset"] == "earliest")
        #expect(t.config["acks"] == nil && t.config["linger.ms"] == nil)
        #expect(clients.taskClient(.consumer, connector: [:])["max.poll.records"] == "1000")
        #expect(t.config["max.poll.records"] == nil)
    }

    @Test func adminTakesTopLevelClientKeysAndItsOwn() throws {
        let t = try clients.translate(.admin, connector: ["admin.override.client.id": "connector-admin"])
        #expect(t.config["client.id"] == "connector-admin")
        #expect(t.config["sasl.username"] == "worker")
    }

    @Test func adminListenersAreTheRestAPIsNotTheAdminClients() throws {
        var w = worker
        w["admin.listeners"] = "https://127.0.0.1:8084"
        w["admin.listeners.https.ssl.keystore.location"] = "/etc/admin.p12"
        let c = ClientConfigs(worker: w, bootstrapServers: "b:9092", environment: [:]).taskClient(
            .admin, connector: [:])
        #expect(c["listeners"] == nil && c["listeners.https.ssl.keystore.location"] == nil)
        #expect(c["client.id"] == "admin-test-id")
    }

    @Test func anotherClusterGetsNoneOfTheWorkersCredentials() throws {
        var w = worker
        w["ssl.keystore.location"] = "/etc/worker.p12"
        w["producer.sasl.jaas.config"] = w["sasl.jaas.config"]
        let c = ClientConfigs(worker: w, bootstrapServers: "b:9092", environment: [:])
        let elsewhere = c.taskClient(.producer, connector: ["producer.override.bootstrap.servers": "evil:9092"])
        #expect(elsewhere["bootstrap.servers"] == "evil:9092" && elsewhere["security.protocol"] == "SASL_PLAINTEXT")
        #expect(elsewhere["sasl.jaas.config"] == nil && elsewhere["sasl.mechanism"] == nil)
        #expect(elsewhere["ssl.keystore.location"] == nil && elsewhere["linger.ms"] == "1000")
        #expect(c.taskClient(.producer, connector: [:])["sasl.jaas.config"] != nil)
    }

    @Test func aConnectorsCredentialsReplaceTheWorkers() throws {
        let t = try clients.translate(
            .producer,
            connector: [
                "producer.override.sasl.jaas.config":
                    #"org.apache.kafka.common.security.scram.ScramLoginModule required username="tenant" password="t";"#
            ])
        #expect(t.config["sasl.username"] == "tenant")
        #expect(t.config.userKey("sasl.password") == "producer.override.sasl.jaas.config")
    }

    @Test func internalClientsTakeTopLevelKeysOnly() throws {
        let t = try clients.translateInternal(.producer)
        #expect(t.config["linger.ms"] == nil && t.config["client.id"] == nil)
        #expect(t.config["sasl.username"] == "worker")
    }

    @Test func validationNamesTheOverrideAtFault() {
        let problems = clients.problems(
            for: .source,
            connector: [
                "producer.override.linger.ms": "soon", "consumer.override.no.such": "1",
                "admin.override.sasl.jaas.config": "bad",
            ])
        #expect(problems["producer.override.linger.ms"]?.first?.contains("librdkafka") == true)
        #expect(problems["consumer.override.no.such"]?.first?.contains("No such configuration property") == true)
        #expect(problems["admin.override.sasl.jaas.config"]?.first?.hasPrefix("Invalid value [hidden]") == true)
        #expect(problems.count == 3)
    }

    @Test func workerStartRefusesWhatLibrdkafkaRefuses() throws {
        let base: [(String, String)] = [
            ("group.id", "g"), ("config.storage.topic", "c"), ("offset.storage.topic", "o"),
            ("status.storage.topic", "s"), ("key.converter", "JsonConverter"), ("value.converter", "JsonConverter"),
        ]
        let ok = try WorkerConfig(properties: base + [("producer.interceptor.classes", "x.Y"), ("linger.ms", "1")])
        #expect(ok.clientRefusals().isEmpty)
        #expect(ok.ignoredClientKeys == ["producer.interceptor.classes"])
        let bad = try WorkerConfig(properties: base + [("consumer.fetch.wait.max.ms", "never")])
        #expect(bad.clientRefusals().map(\.key) == ["consumer.fetch.wait.max.ms"])
        #expect(throws: (any Error).self) {
            try WorkerConfig(
                properties: base + [("security.protocol", "SSL"), ("ssl.truststore.location", "/no/such.jks")])
        }
    }
}

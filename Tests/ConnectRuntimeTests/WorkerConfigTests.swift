import ConnectAPI
import ConnectJSON
import KafkaClientConfigs
import Testing

@testable import ConnectRuntime

@Suite struct WorkerConfigTests {
    @Test func propertiesFileSyntax() {
        let text = """
            # comment
            ! also a comment
            a=1
            b : two words
            c three
            long=first \\
                 second
            path=C\\:\\\\dir
            a=override
            """
        let p = PropertiesFile.parse(text)
        #expect(p.map(\.0) == ["b", "c", "long", "path", "a"])
        #expect(p.first { $0.0 == "b" }?.1 == "two words")
        #expect(p.first { $0.0 == "c" }?.1 == "three")
        #expect(p.first { $0.0 == "long" }?.1 == "first second")
        #expect(p.first { $0.0 == "path" }?.1 == "C:\\dir")
        #expect(p.first { $0.0 == "a" }?.1 == "override")
    }

    @Test func confluentEnvironmentConvention() {
        let o = PropertiesFile.environmentOverrides([
            "CONNECT_BOOTSTRAP_SERVERS": "k:9092", "CONNECT_CONFIG_STORAGE_TOPIC": "cfg",
            "CONNECT_PRODUCER_CLIENT__ID": "x", "CONNECT_SOME___DASHED": "y", "OTHER": "z",
        ])
        #expect(
            Dictionary(uniqueKeysWithValues: o) == [
                "bootstrap.servers": "k:9092", "config.storage.topic": "cfg", "producer.client_id": "x",
                "some-dashed": "y",
            ])
    }

    @Test func requiredKeysAndPrecedence() throws {
        let base: [(String, String)] = [
            ("group.id", "g"), ("config.storage.topic", "c"), ("offset.storage.topic", "o"),
            ("status.storage.topic", "s"),
            ("key.converter", "JsonConverter"), ("value.converter", "JsonConverter"),
            ("listeners", "http://127.0.0.1:9999"),
            ("producer.linger.ms", "7"),
        ]
        let c = try WorkerConfig(
            properties: base, environment: ["CONNECT_GROUP_ID": "from-env"],
            overrides: [("offset.flush.interval.ms", "10")])
        #expect(c.groupId == "from-env")
        #expect(c.offsetFlushIntervalMs == 10)
        #expect(c.workerId == "127.0.0.1:9999")
        // producer.* keys are for tasks' producers; the worker's own producer takes top-level keys only.
        #expect(c.clientConfig("producer")["linger.ms"] == nil)
        #expect(try c.clients.translate(.producer, connector: [:]).config["linger.ms"] == "7")
        // The REST Proxy's clients take them, as Confluent's proxy reads producer.* and consumer.*.
        #expect(c.restProxyClientConfig(.producer)["linger.ms"] == "7")
        #expect(c.restProxyClientConfig(.consumer)["linger.ms"] == nil)
        #expect(c.offsetPartitions == 25 && c.statusPartitions == 5)
        #expect(throws: ConfigException.self) { try WorkerConfig(properties: Array(base.dropFirst())) }
    }

    @Test func configInfosMessage() {
        let infos = ConfigInfos.validate(
            className: "X", framework: ConnectorConfig.sink, plugin: ConfigDef(),
            extraErrors: ["topics": ["Must configure one of topics or topics.regex"]],
            config: ["name": "n", "connector.class": "X"])
        #expect(infos.errorCount == 1)
        #expect(
            infos.invalidMessage
                == "Connector configuration is invalid and contains the following 1 error(s):\nMust configure one of topics or topics.regex\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"
        )
    }

    @Test func validationShowsWhatTheCallerWroteNotWhatAProviderRead() {
        let infos = ConfigInfos.validate(
            className: "X", framework: ConnectorConfig.sink, plugin: ConfigDef(),
            extraErrors: ["topics": ["Invalid topic s3cret-value"]],
            config: ["name": "n", "connector.class": "X", "topics": "s3cret-value"],
            written: ["name": "n", "connector.class": "X", "topics": "${file:/etc/app.properties:password}"])
        let topics = infos.entries.first { $0.name == "topics" }
        #expect(topics?.value == "${file:/etc/app.properties:password}")
        #expect(topics?.errors == ["Invalid topic ${file:/etc/app.properties:password}"])
    }

    @Test func noConfigProvidersUnlessDeclared() {
        #expect(ConfigProviders.none.resolve("${env:HOME}/x") == "${env:HOME}/x")
        #expect(ConfigProviders.none.resolve("${file:/etc/hostname:x}") == "${file:/etc/hostname:x}")
    }
}

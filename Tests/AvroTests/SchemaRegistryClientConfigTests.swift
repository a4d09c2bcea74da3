import Avro
import ConnectAPI
import Testing

@testable import ConnectAvro

/// The registry client's keys as Confluent's client reads them (facts from confluentinc/schema-registry
/// `RestService`, `UserInfoCredentialProvider`, `StaticTokenCredentialProvider`, `UrlList`, the subject
/// name strategies' tests).
@Suite struct SchemaRegistryClientConfigTests {
    func config(_ c: [String: String]) throws -> SchemaRegistryClientConfig {
        try SchemaRegistryClientConfig(["schema.registry.url": "http://a:8081/,http://b:8081"].merging(c) { _, n in n })
    }

    @Test func urlsAndNoCredentials() throws {
        let c = try config([:])
        #expect(c.urls == ["http://a:8081", "http://b:8081"])
        #expect(c.auth == .none && c.requestHeaders.isEmpty && c.tls == nil)
        #expect(throws: ConfigException.self) { try SchemaRegistryClientConfig([:]) }
    }

    @Test func basicUserInfoAlsoUnderTheSchemaRegistryPrefix() throws {
        let c = try config([
            "basic.auth.credentials.source": "USER_INFO", "schema.registry.basic.auth.user.info": "key:se:cret",
        ])
        #expect(c.auth == .basic(userInfo: "key:se:cret"))
        #expect(c.requestHeaders.first?.value == "Basic " + Base64.encode(Array("key:se:cret".utf8)))
        // A user info without a source is used (Confluent's client would send nothing).
        #expect(try config(["basic.auth.user.info": "u:p"]).auth == .basic(userInfo: "u:p"))
    }

    @Test func confluentsMessages() {
        #expect(
            throws: ConfigException("UserInfo must be provided when basic.auth.credentials.source is set to USER_INFO")
        ) {
            try config(["basic.auth.credentials.source": "USER_INFO"])
        }
        #expect(
            throws: ConfigException(
                "Token must be provided via bearer.auth.token config when bearer.auth.credentials.source is set to STATIC_TOKEN"
            )
        ) { try config(["bearer.auth.credentials.source": "STATIC_TOKEN"]) }
        #expect(
            throws: ConfigException(
                "Only one of 'basic.auth.credentials.source' and 'bearer.auth.credentials.source' may be specified")
        ) { try config(["basic.auth.credentials.source": "URL", "bearer.auth.credentials.source": "STATIC_TOKEN"]) }
        #expect(
            throws: ConfigException(
                "Invalid value KERBEROS for configuration basic.auth.credentials.source: String must be one of: URL, USER_INFO, SASL_INHERIT"
            )
        ) { try config(["basic.auth.credentials.source": "KERBEROS"]) }
    }

    @Test func saslInheritAndBearerHeaders() throws {
        let inherit = try config([
            "basic.auth.credentials.source": "SASL_INHERIT",
            "sasl.jaas.config":
                #"org.apache.kafka.common.security.plain.PlainLoginModule required username="ccloud" password="s";"#,
        ])
        #expect(inherit.auth == .basic(userInfo: "ccloud:s"))
        let bearer = try config([
            "bearer.auth.credentials.source": "STATIC_TOKEN", "bearer.auth.token": "t",
            "bearer.auth.logical.cluster": "lsrc-1", "bearer.auth.identity.pool.id": "pool-2",
            "request.header.X-Trace": "on",
        ])
        #expect(
            bearer.requestHeaders.map(\.name) == [
                "Authorization", "Confluent-Identity-Pool-Id", "target-sr-cluster", "X-Trace",
            ])
        // request.header.Authorization replaces the credentials' header, as in Confluent's client.
        let replaced = try config(["basic.auth.user.info": "u:p", "request.header.Authorization": "Custom x"])
        #expect(replaced.requestHeaders.map(\.value) == ["Custom x"])
    }

    @Test func tlsKeysOnlyUnderTheirPrefix() throws {
        #expect(throws: ConfigException.self) {
            try config(["schema.registry.ssl.truststore.location": "/no/such.jks"])
        }
        #expect(try config(["ssl.truststore.location": "/no/such.jks"]).tls == nil)
    }

    @Test func failoverStatuses() {
        for s in [408, 429, 500, 502, 503, 504] { #expect(SchemaRegistryClient.failsOver(status: s)) }
        for s in [400, 401, 403, 404, 409, 422] { #expect(!SchemaRegistryClient.failsOver(status: s)) }
    }

    @Test func subjectNameStrategies() throws {
        let record = AvroSchema.record(name: "Reading", namespace: "iot", doc: nil, fields: [], props: [])
        #expect(try SubjectNameStrategy.topic.subject(topic: "t", isKey: false, schema: .string) == "t-value")
        #expect(try SubjectNameStrategy.topic.subject(topic: "t", isKey: true, schema: .string) == "t-key")
        #expect(try SubjectNameStrategy.record.subject(topic: "t", isKey: false, schema: record) == "iot.Reading")
        #expect(
            try SubjectNameStrategy.topicRecord.subject(topic: "t", isKey: false, schema: record) == "t-iot.Reading")
        #expect {
            try SubjectNameStrategy.record.subject(topic: "t", isKey: false, schema: .string)
        } throws: {
            ($0 as? ConnectError)?.message
                == "In configuration value.subject.name.strategy = io.confluent.kafka.serializers.subject.RecordNameStrategy, the message value must only be a record schema"
        }
        #expect(
            SubjectNameStrategy(className: "io.confluent.kafka.serializers.subject.AssociatedNameStrategy") == .topic)
        #expect(SubjectNameStrategy(className: "com.example.Mine") == nil)
    }
}

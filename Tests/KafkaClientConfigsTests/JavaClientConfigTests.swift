import Foundation
import KafkaClient
import Testing

@testable import KafkaClientConfigs

/// Files a test hands the translation instead of the file system.
struct FakeFiles: FileReading {
    var files: [String: [UInt8]]
    func read(_ path: String) throws -> [UInt8] {
        guard let f = files[path] else { throw CocoaError(.fileNoSuchFile) }
        return f
    }
}

/// A CA certificate and a client key store made by openssl and keytool, once.
enum Fixtures {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("clientconfig-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        let script = """
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=CA &&
            openssl req -x509 -newkey rsa:2048 -nodes -keyout client.key -out client.pem -days 2 -subj /CN=client &&
            keytool -importcert -noprompt -alias ca -file ca.pem -keystore trust.jks -storetype JKS -storepass changeit &&
            openssl pkcs12 -export -inkey client.key -in client.pem -out client.p12 -passout pass:kspass
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = d
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try! p.run()
        p.waitUntilExit()
        precondition(p.terminationStatus == 0, "openssl/keytool failed")
        return d
    }()

    static func bytes(_ name: String) -> [UInt8] { Array(try! Data(contentsOf: dir.appendingPathComponent(name))) }
    static var files: FakeFiles {
        FakeFiles(files: [
            "/etc/kafka/truststore.jks": bytes("trust.jks"), "/etc/kafka/keystore.p12": bytes("client.p12"),
            "/etc/kafka/ca.pem": bytes("ca.pem"),
        ])
    }
}

@Suite struct JavaClientConfigTests {
    func translate(_ pairs: [String: String], _ type: ClientType = .producer, env: [String: String] = [:])
        throws(ClientConfigException)
        -> JavaClientConfig.Translation
    {
        try JavaClientConfig(pairs).translate(for: type, environment: env, files: Fixtures.files)
    }

    func refused(_ pairs: [String: String], _ type: ClientType = .producer) -> ClientConfigException? {
        do {
            _ = try translate(pairs, type)
            return nil
        } catch { return error }
    }

    @Test func confluentCloudPlainOverSSL() throws {
        let t = try translate([
            "bootstrap.servers": "pkc-1.us-east-1.aws.confluent.cloud:9092", "security.protocol": "SASL_SSL",
            "sasl.mechanism": "PLAIN",
            "sasl.jaas.config":
                #"org.apache.kafka.common.security.plain.PlainLoginModule required username="KEY" password="SECRET";"#,
            "ssl.endpoint.identification.algorithm": "https", "client.dns.lookup": "use_all_dns_ips",
            "acks": "all",
        ])
        let c = t.config
        #expect(c["security.protocol"] == "SASL_SSL")
        #expect(c["sasl.mechanisms"] == "PLAIN")
        #expect(c["sasl.username"] == "KEY" && c["sasl.password"] == "SECRET")
        #expect(c["sasl.jaas.config"] == nil && c["sasl.mechanism"] == nil)
        #expect(c.userKey("sasl.password") == "sasl.jaas.config")
        #expect(c["ssl.endpoint.identification.algorithm"] == "https")
        #expect(c.refusals().isEmpty)
        #expect(t.ignored.isEmpty)
    }

    @Test func scramNeedsItsMechanism() throws {
        let jaas = #"org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";"#
        let t = try translate([
            "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "sasl.jaas.config": jaas,
        ])
        #expect(t.config["sasl.mechanisms"] == "SCRAM-SHA-512")
        #expect(
            refused(["security.protocol": "SASL_SSL", "sasl.jaas.config": jaas])?.message
                == "sasl.jaas.config uses ScramLoginModule: set sasl.mechanism to SCRAM-SHA-256 or SCRAM-SHA-512")
        #expect(
            refused(["security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "OAUTHBEARER", "sasl.jaas.config": jaas])?
                .key == "sasl.mechanism")
    }

    @Test func badJaasNamesTheKeyNeverTheSecret() {
        let e = refused([
            "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN",
            "producer.sasl.jaas.config": "unused",
        ])
        #expect(e?.key == "sasl.jaas.config")  // none at this level: PLAIN without credentials
        var j = JavaClientConfig()
        j.set("security.protocol", "SASL_SSL")
        j.set(
            "sasl.jaas.config", #"org.apache.kafka.common.security.plain.PlainLoginModule required password="hunter2""#,
            origin: "producer.override.sasl.jaas.config")
        do {
            _ = try j.translate(for: .producer)
            Issue.record("accepted")
        } catch {
            #expect(error.key == "producer.override.sasl.jaas.config")
            #expect(
                error.message
                    == "Invalid value [hidden] for configuration producer.override.sasl.jaas.config: JAAS config entry not terminated by semi-colon"
            )
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test func unknownAndUnsupportedLoginModules() {
        let unknown = refused([
            "security.protocol": "SASL_SSL",
            "sasl.jaas.config": "com.sun.security.auth.module.JndiLoginModule required;",
        ])
        #expect(unknown?.key == "sasl.jaas.config")
        #expect(
            unknown?.message.hasPrefix(
                "sasl.jaas.config: unknown login module com.sun.security.auth.module.JndiLoginModule") == true)
        let kerberos = refused([
            "security.protocol": "SASL_SSL", "sasl.mechanism": "GSSAPI",
            "sasl.jaas.config": "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;",
        ])
        #expect(kerberos?.message.contains("Kerberos") == true)
        #expect(refused(["security.protocol": "SASL_SSL"])?.key == "sasl.mechanism")
        #expect(
            refused(["security.protocol": "SASL_TLS"])?.message
                == "Invalid value SASL_TLS for configuration security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"
        )
    }

    @Test func shadedLoginModulesAreAccepted() throws {
        let t = try translate([
            "security.protocol": "SASL_SSL",
            "sasl.jaas.config":
                #"kafkashaded.org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b";"#,
        ])
        #expect(t.config["sasl.mechanisms"] == "PLAIN")
    }

    @Test func jksTrustStoreBecomesCAPEM() throws {
        let t = try translate([
            "security.protocol": "SSL", "ssl.truststore.location": "/etc/kafka/truststore.jks",
            "ssl.truststore.password": "changeit", "ssl.truststore.type": "JKS",
        ])
        let caDER = Fixtures.bytes("ca.pem")
        #expect(t.config["ssl.ca.pem"]?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
        #expect(t.config["ssl.truststore.location"] == nil)
        #expect(t.config.userKey("ssl.ca.pem") == "ssl.truststore.location")
        #expect(String(decoding: caDER, as: UTF8.self).contains(t.config["ssl.ca.pem"]!.split(separator: "\n")[1]))
        #expect(t.config.refusals().isEmpty)
        let explained = KafkaErrorHint.explain("SSL handshake failed: certificate verify failed", t.config.hints)
        #expect(explained.contains("check ssl.truststore.location=/etc/kafka/truststore.jks"))
    }

    @Test func wrongTrustStorePasswordAndMissingFile() {
        let wrong = refused([
            "security.protocol": "SSL", "ssl.truststore.location": "/etc/kafka/truststore.jks",
            "ssl.truststore.password": "nope",
        ])
        #expect(wrong?.key == "ssl.truststore.location")
        #expect(wrong?.message.contains("password was incorrect") == true)
        #expect(!(wrong?.message.contains("nope") ?? true))
        let missing = refused(["security.protocol": "SSL", "ssl.truststore.location": "/nowhere.jks"])
        #expect(missing?.message.hasPrefix("Cannot read ssl.truststore.location=/nowhere.jks") == true)
        let type = refused([
            "security.protocol": "SSL", "ssl.truststore.location": "/etc/kafka/truststore.jks",
            "ssl.truststore.type": "JCEKS",
        ])
        #expect(type?.key == "ssl.truststore.type")
    }

    @Test func pkcs12KeyStoreAndPEMTrust() throws {
        let t = try translate([
            "security.protocol": "SSL", "ssl.truststore.type": "PEM", "ssl.truststore.location": "/etc/kafka/ca.pem",
            "ssl.keystore.type": "PKCS12", "ssl.keystore.location": "/etc/kafka/keystore.p12",
            "ssl.keystore.password": "kspass", "ssl.key.password": "kspass",
        ])
        #expect(t.config["ssl.certificate.pem"]?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
        #expect(t.config["ssl.key.pem"]?.hasPrefix("-----BEGIN PRIVATE KEY-----") == true)
        #expect(t.config["ssl.keystore.location"] == nil && t.config["ssl.key.password"] == nil)
        #expect(t.config.refusals().isEmpty)
        #expect(KafkaConfig.isSensitive("ssl.key.pem"))
    }

    @Test func inlinePEMStores() throws {
        let ca = String(decoding: Fixtures.bytes("ca.pem"), as: UTF8.self)
        let key = String(decoding: Fixtures.bytes("client.key"), as: UTF8.self)
        let cert = String(decoding: Fixtures.bytes("client.pem"), as: UTF8.self)
        let t = try translate([
            "security.protocol": "SSL", "ssl.truststore.type": "PEM", "ssl.truststore.certificates": ca,
            "ssl.keystore.type": "PEM", "ssl.keystore.key": key, "ssl.keystore.certificate.chain": cert,
        ])
        #expect(t.config["ssl.ca.pem"] != nil && t.config["ssl.key.pem"] != nil)
        #expect(refused(["security.protocol": "SSL", "ssl.keystore.key": key])?.key == "ssl.keystore.key")
    }

    @Test func hostNameVerification() throws {
        #expect(
            try translate(["security.protocol": "SSL", "ssl.endpoint.identification.algorithm": ""]).config[
                "ssl.endpoint.identification.algorithm"] == "none")
        #expect(
            refused(["ssl.endpoint.identification.algorithm": "ldap"])?.key == "ssl.endpoint.identification.algorithm")
    }

    @Test func tlsKeysWithoutTLSAreNamedInTheWarning() throws {
        let t = try translate(["ssl.truststore.location": "/etc/kafka/truststore.jks", "sasl.mechanism": "PLAIN"])
        #expect(Set(t.ignored) == ["ssl.truststore.location", "sasl.mechanism"])
        #expect(t.config["ssl.ca.pem"] == nil)
    }

    @Test func tlsVersionsThatCannotBeHonouredAreRefused() throws {
        #expect(
            try translate(["security.protocol": "SSL", "ssl.enabled.protocols": "TLSv1.2,TLSv1.3"]).config.refusals()
                .isEmpty)
        #expect(
            refused(["security.protocol": "SSL", "ssl.enabled.protocols": "TLSv1.3"])?.key == "ssl.enabled.protocols")
    }

    @Test func keyTableRenamesAndConversions() throws {
        let t = try translate([
            "max.request.size": "2097152", "buffer.memory": "33554432", "send.buffer.bytes": "-1",
            "receive.buffer.bytes": "65536", "metadata.max.age.ms": "30000", "connections.max.idle.ms": "-1",
            "partitioner.class": "org.apache.kafka.clients.producer.internals.DefaultPartitioner",
            "compression.type": "zstd", "compression.zstd.level": "7", "compression.gzip.level": "3",
            "linger.ms": "10", "delivery.timeout.ms": "120000", "enable.idempotence": "true",
        ])
        let c = t.config
        #expect(c["message.max.bytes"] == "2097152")
        #expect(c["queue.buffering.max.kbytes"] == "32768")
        #expect(c["socket.send.buffer.bytes"] == "0")
        #expect(c["socket.receive.buffer.bytes"] == "65536")
        #expect(c["topic.metadata.refresh.interval.ms"] == "30000")
        #expect(c["connections.max.idle.ms"] == "0")
        #expect(c["partitioner"] == "murmur2_random")
        #expect(c["compression.level"] == "7")
        #expect(c["linger.ms"] == "10" && c["delivery.timeout.ms"] == "120000")
        #expect(c.userKey("message.max.bytes") == "max.request.size")
        #expect(t.ignored == ["compression.gzip.level"])
        #expect(c.refusals().isEmpty)
    }

    @Test func consumerKeys() throws {
        let t = try translate(
            [
                "fetch.max.wait.ms": "100", "auto.offset.reset": "none", "isolation.level": "read_committed",
                "partition.assignment.strategy":
                    "org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
                "key.deserializer": "org.apache.kafka.common.serialization.ByteArrayDeserializer",
                "max.poll.records": "500",
                "retries": "3",
            ], .consumer)
        #expect(t.config["fetch.wait.max.ms"] == "100")
        #expect(t.config["auto.offset.reset"] == "error")
        #expect(t.config["partition.assignment.strategy"] == "range")
        #expect(
            t.config["key.deserializer"] == nil && t.config["max.poll.records"] == nil && t.config["retries"] == nil)
        #expect(t.ignored.isEmpty)
        #expect(t.config.refusals().isEmpty)
        #expect(
            refused(["partition.assignment.strategy": "com.example.MyAssignor"], .consumer)?.key
                == "partition.assignment.strategy")
    }

    @Test func javaOnlyKeysAreLeftOutAndNamed() throws {
        let t = try translate([
            "interceptor.classes": "io.confluent.monitoring.clients.interceptor.MonitoringProducerInterceptor",
            "metric.reporters": "x", "max.block.ms": "60000", "ssl.keymanager.algorithm": "SunX509",
            "value.serializer": "org.apache.kafka.common.serialization.ByteArraySerializer",
        ])
        #expect(
            Set(t.ignored) == ["interceptor.classes", "metric.reporters", "max.block.ms", "ssl.keymanager.algorithm"])
        #expect(t.config.properties.isEmpty)
    }

    @Test func librdkafkaRefusalsNameTheKeyTheUserWrote() {
        var j = JavaClientConfig()
        j.set("queue.buffering.max.messages", "lots", origin: "producer.override.queue.buffering.max.messages")
        j.set("no.such.property", "1", origin: "producer.no.such.property")
        let refusals = try! j.translate(for: .producer).config.refusals()
        #expect(refusals.map(\.key) == ["producer.override.queue.buffering.max.messages", "producer.no.such.property"])
        #expect(refusals[1].message.contains("No such configuration property"))
        var secret = JavaClientConfig()
        secret.set("sasl.password", "hunter2")
        secret.set("sasl.mechanisms", "NOPE")
        #expect(try! secret.translate(for: .admin).config.refusals().allSatisfy { !$0.message.contains("hunter2") })
    }

    @Test func layersLaterWinAndKeepTheirOrigin() throws {
        let worker = [
            "ssl.truststore.location": "/etc/kafka/truststore.jks", "ssl.truststore.password": "changeit",
            "security.protocol": "SSL", "producer.linger.ms": "7", "group.id": "connect-cluster",
        ]
        let connector = ["producer.override.linger.ms": "20"]
        var j = JavaClientConfig()
        j.merge(worker, prefix: "", include: JavaClientConfig.isCommonClientKey)
        j.merge(worker, prefix: "producer.")
        j.merge(connector, prefix: "producer.override.")
        let t = try j.translate(for: .producer, files: Fixtures.files)
        #expect(t.config["linger.ms"] == "20")
        #expect(t.config.userKey("linger.ms") == "producer.override.linger.ms")
        #expect(t.config["group.id"] == nil)
        #expect(t.config["ssl.ca.pem"] != nil)
    }
}

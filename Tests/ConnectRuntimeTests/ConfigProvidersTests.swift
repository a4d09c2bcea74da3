import ConnectAPI
import Foundation
import KeyStores
import Testing

@testable import ConnectRuntime

/// Config providers as Kafka Connect offers them (facts of Kafka's FileConfigProviderTest,
/// DirectoryConfigProviderTest, EnvVarConfigProviderTest, AllowedPathsTest, ConfigTransformerTest).
@Suite struct ConfigProvidersTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("providers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("secrets"), withIntermediateDirectories: true)
        try "testKey=testResult\ntestKey2=testResult2\n".write(
            to: dir.appendingPathComponent("secrets/app.properties"), atomically: true, encoding: .utf8)
        try "s3cret\n".write(to: dir.appendingPathComponent("secrets/password"), atomically: true, encoding: .utf8)
        try "outside=yes\n".write(to: dir.appendingPathComponent("other.properties"), atomically: true, encoding: .utf8)
    }

    func providers(
        _ extra: [String: String], env: [String: String] = ["DB_PASSWORD": "pw", "AWS_SECRET_ACCESS_KEY": "aws"]
    )
        throws -> ConfigProviders
    {
        try ConfigProviders(
            declaredIn: [
                "config.providers": "file,dir,env",
                "config.providers.file.class": "org.apache.kafka.common.config.provider.FileConfigProvider",
                "config.providers.dir.class": "DirectoryConfigProvider",
                "config.providers.env.class": "EnvVar",
            ].merging(extra) { _, n in n }, environment: env)
    }

    @Test func declaredProvidersResolve() throws {
        let p = try providers([:])
        let base = dir.path
        #expect(p.resolve("${file:\(base)/secrets/app.properties:testKey}") == "testResult")
        #expect(p.resolve("a ${file:\(base)/secrets/app.properties:testKey2} b") == "a testResult2 b")
        #expect(p.resolve("${dir:\(base)/secrets:password}") == "s3cret\n")  // the whole file, untrimmed
        #expect(p.resolve("${env:DB_PASSWORD}") == "pw" && p.resolve("${env::DB_PASSWORD}") == "pw")
        // Missing keys, files, variables and undeclared providers stay literal.
        #expect(
            p.resolve("${file:\(base)/secrets/app.properties:nope}") == "${file:\(base)/secrets/app.properties:nope}")
        #expect(p.resolve("${env:NOPE}") == "${env:NOPE}")
        #expect(p.resolve("${vault:secret/db:pw}") == "${vault:secret/db:pw}")
        #expect(p.resolve("${directory:\(base)/secrets:password}") == "${directory:\(base)/secrets:password}")
    }

    @Test func allowedPathsAndAllowlistKeepPlaceholdersLiteral() throws {
        let base = dir.path
        let p = try providers([
            "config.providers.file.param.allowed.paths": "\(base)/secrets",
            "config.providers.dir.param.allowed.paths": "\(base)/secrets",
            "config.providers.env.param.allowlist.pattern": "DB_.*",
        ])
        #expect(p.resolve("${file:\(base)/secrets/app.properties:testKey}") == "testResult")
        #expect(p.resolve("${file:\(base)/other.properties:outside}") == "${file:\(base)/other.properties:outside}")
        // `..` is resolved before the check: no escaping the allowed directory.
        let escape = "${file:\(base)/secrets/../other.properties:outside}"
        #expect(p.resolve(escape) == escape)
        #expect(p.resolve("${dir:\(base):other.properties}") == "${dir:\(base):other.properties}")
        #expect(p.resolve("${dir:\(base)/secrets:../other.properties}") == "${dir:\(base)/secrets:../other.properties}")
        #expect(p.resolve("${env:DB_PASSWORD}") == "pw")
        #expect(p.resolve("${env:AWS_SECRET_ACCESS_KEY}") == "${env:AWS_SECRET_ACCESS_KEY}")
        #expect(AllowedPaths.normalized("/a/./b/../c/") == "/a/c")
        // A NUL would cut the path C opens after the check passed on all of it: the allowed file's path
        // with another file before the NUL names nothing.
        let cut = "${file:\(base)/other.properties\u{0}/../secrets/app.properties:outside}"
        #expect(p.resolve(cut) == cut)
        // A directory whose name starts like the allowed one is not under it.
        let sibling = AllowedPaths(roots: ["\(base)/secrets"])
        #expect(!sibling.allows("\(base)/secrets2/x") && sibling.allows("\(base)/secrets/x"))
        #expect(!sibling.allows("secrets/x"))  // relative paths are never under an absolute root
    }

    @Test func filesThatAreNotRegularAreNotRead() throws {
        let p = try providers([:])
        #expect(p.resolve("${dir:/dev:zero}") == "${dir:/dev:zero}")
        #expect(p.resolve("${file:/dev/zero:x}") == "${file:/dev/zero:x}")
        #expect(throws: (any Error).self) { try LocalFile.read("/dev/zero") }
        #expect(throws: (any Error).self) { try LocalFile.read(dir.path) }
    }

    @Test func kafkasMessagesForBadDeclarations() {
        #expect(throws: ConfigException.self) {
            try providers(["config.providers.file.param.allowed.paths": "relative/path"])
        }
        #expect(throws: ConfigException.self) {
            try providers(["config.providers.file.param.allowed.paths": "/no/such/dir"])
        }
        #expect(
            throws: ConfigException(
                "Failed to find any class that implements ConfigProvider and which name matches com.example.Vault, available ConfigProviders are: org.apache.kafka.common.config.provider.FileConfigProvider, org.apache.kafka.common.config.provider.DirectoryConfigProvider, org.apache.kafka.common.config.provider.EnvVarConfigProvider"
            )
        ) {
            try ConfigProviders(
                declaredIn: ["config.providers": "v", "config.providers.v.class": "com.example.Vault"], environment: [:]
            )
        }
    }

    @Test func workerPropertiesAreResolvedToo() throws {
        let c = try WorkerConfig(
            properties: [
                ("group.id", "g"), ("config.storage.topic", "c"), ("offset.storage.topic", "o"),
                ("status.storage.topic", "s"), ("key.converter", "JsonConverter"), ("value.converter", "JsonConverter"),
                ("config.providers", "env"), ("config.providers.env.class", "EnvVarConfigProvider"),
                ("bootstrap.servers", "${env:BROKERS}"), ("rest.advertised.host.name", "${other:x}"),
            ], environment: ["BROKERS": "kafka-1:9092"])
        #expect(c.bootstrapServers == "kafka-1:9092")
        #expect(c.advertisedHost == "${other:x}")
    }

    @Test func overridePoliciesAndTheDenyList() {
        #expect(ClientOverridePolicy(className: "None") == ClientOverridePolicy.none)
        #expect(ClientOverridePolicy(className: "PrincipalConnectorClientConfigOverridePolicy") == .principal)
        #expect(
            ClientOverridePolicy(
                className: "org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy")
                == .all)
        #expect(ClientOverridePolicy(className: "all") == nil)  // aliases are case-sensitive
        #expect(
            ClientOverridePolicy.none.refusal("linger.ms")
                == "The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration.")
        #expect(ClientOverridePolicy.principal.refusal("sasl.jaas.config") == nil)
        #expect(ClientOverridePolicy.principal.refusal("bootstrap.servers") != nil)
        #expect(ClientOverridePolicy.all.refusal("linger.ms") == nil)
        for key in [
            "plugin.library.paths", "sasl.kerberos.kinit.cmd", "ssl.engine.location", "ssl.truststore.location",
            "ssl.ca.location", "sasl.oauthbearer.token.endpoint.url", "debug", "test.mock.num.brokers",
        ] {
            #expect(ClientOverridePolicy.deniedReason(key) != nil, "\(key)")
        }
        #expect(ClientOverridePolicy.deniedReason("linger.ms") == nil)
        #expect(ClientOverridePolicy.deniedReason("ssl.truststore.certificates") == nil)
        let clients = ClientConfigs(worker: [:], bootstrapServers: "b:9092", environment: [:], policy: .none)
        let problems = clients.problems(
            for: .source,
            connector: ["producer.override.linger.ms": "5", "producer.override.plugin.library.paths": "/tmp/evil.so"])
        #expect(
            problems["producer.override.linger.ms"] == [
                "The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration."
            ])
        #expect(problems["producer.override.plugin.library.paths"]?.first?.contains("load code") == true)
        // librdkafka reads a key up to a NUL: `debug\u{0}` would set debug.
        let all = ClientConfigs(worker: [:], bootstrapServers: "b:9092", environment: [:])
        #expect(all.problems(for: .sink, connector: ["consumer.override.debug\u{0}": "all"]).count == 1)
        #expect(
            all.problems(for: .source, connector: ["producer.override.metadata.broker.list": "evil:9092"]).count == 1)
    }

    @Test func jaasFilesAsJavaReadsThem() throws {
        let jaas = try JaasFile.parse(
            """
            // the worker's
            KafkaConnect {
              org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
              file="/etc/kafka/connect-users.properties";
            };
            SchemaRegistry-Props {
              org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required file="/etc/sr/password-file" debug="false";
            };
            """)
        #expect(jaas.sections["KafkaConnect"]?.first?.options["file"] == "/etc/kafka/connect-users.properties")
        #expect(
            jaas.sections["SchemaRegistry-Props"]?.first?.loginModule
                == "org.eclipse.jetty.jaas.spi.PropertyFileLoginModule")
        #expect(
            JaasFile.path(fromJVMOptions: "-Xmx1G -Djava.security.auth.login.config=/etc/kafka/jaas.conf -Dx=y")
                == "/etc/kafka/jaas.conf")
        #expect(throws: JaasFile.ParseError.self) { try JaasFile.parse("KafkaConnect { a.B required x=1; ") }
    }
}

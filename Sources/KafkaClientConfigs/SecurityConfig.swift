import KafkaClient
import KeyStores

/// The security part of a Java client configuration: `security.protocol`, SASL (`sasl.mechanism`,
/// `sasl.jaas.config` and its login modules) and TLS material (`ssl.truststore.*`, `ssl.keystore.*`,
/// `ssl.key.password`, KIP-651's inline PEM), turned into librdkafka's properties, token providers and
/// hints that name the keys when the broker refuses what they configured.
struct SecurityConfig {
    let java: JavaClientConfig

    init(_ java: JavaClientConfig) { self.java = java }

    private func value(_ key: String) -> String? {
        java[key].map { $0.trimmingCharacters() }.flatMap { $0.isEmpty ? nil : $0 }
    }
    private func origin(_ key: String) -> String { java.entries[key]?.origin ?? key }

    private static let protocols = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]

    func apply(
        to out: inout KafkaConfig, ignored: inout [String], environment: [String: String], files: any FileReading
    ) throws(ClientConfigException) {
        let proto = (value("security.protocol") ?? "PLAINTEXT").uppercased()
        guard Self.protocols.contains(proto) else {
            throw ClientConfigException(
                key: origin("security.protocol"),
                "Invalid value \(proto) for configuration \(origin("security.protocol")): String must be one of: \(Self.protocols.joined(separator: ", "))"
            )
        }
        let tls = proto.hasSuffix("SSL")
        let sasl = proto.hasPrefix("SASL")
        if tls {
            try applyTLS(to: &out, files: files)
        } else {
            ignored += tlsKeys.compactMap { java.entries[$0]?.origin }
        }
        if sasl {
            try applySASL(to: &out, ignored: &ignored, environment: environment, protocol: proto)
        } else {
            ignored += saslKeys.compactMap { java.entries[$0]?.origin }
        }
    }

    private let tlsKeys = [
        "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type", "ssl.truststore.certificates",
        "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type", "ssl.keystore.key",
        "ssl.keystore.certificate.chain", "ssl.enabled.protocols",
    ]
    private let saslKeys = [
        "sasl.jaas.config", "sasl.mechanism", "sasl.login.callback.handler.class",
        "sasl.client.callback.handler.class", "sasl.oauthbearer.token.endpoint.url",
    ]

    // MARK: TLS

    private func applyTLS(to out: inout KafkaConfig, files: any FileReading) throws(ClientConfigException) {
        if let protocols = value("ssl.enabled.protocols") {
            let list = protocols.split(separator: ",").map { String($0).trimmingCharacters() }
            guard list.contains("TLSv1.2") else {
                throw ClientConfigException(
                    key: origin("ssl.enabled.protocols"),
                    "\(origin("ssl.enabled.protocols"))=\(protocols) cannot be honoured: librdkafka uses TLSv1.2 and TLSv1.3 (OpenSSL's defaults) and cannot exclude TLSv1.2; include TLSv1.2 or remove the key"
                )
            }
        }
        let tls: SSLConfig
        do {
            tls = try SSLConfig.read(
                value: { k in k == "ssl.endpoint.identification.algorithm" ? nil : java[k] }, origin: origin,
                readFile: files.read)
        } catch { throw ClientConfigException(key: error.key, error.message) }
        if let trust = tls.trustPEM, let shown = tls.trustSource {
            out["ssl.ca.pem"] = trust
            out.origins["ssl.ca.pem"] = shown.split(separator: "=").first.map(String.init)
            out.hints.append(
                KafkaErrorHint(
                    patterns: ["certificate verify failed", "ssl.ca.location", "ssl.ca.pem"],
                    hint: "check \(shown): the broker's certificate must be signed by a CA it holds"))
        } else {
            out.hints.append(
                KafkaErrorHint(
                    patterns: ["certificate verify failed"],
                    hint:
                        "no trust store is configured, so the system's CA certificates are used; set ssl.truststore.location (or ssl.truststore.certificates) to the CA that signed the broker's certificate"
                ))
        }
        if let cert = tls.certificatePEM, let key = tls.keyPEM, let shown = tls.identitySource {
            out["ssl.certificate.pem"] = cert
            out["ssl.key.pem"] = key
            for k in ["ssl.certificate.pem", "ssl.key.pem"] {
                out.origins[k] = shown.split(separator: "=").first.map(String.init)
            }
            out.hints.append(
                KafkaErrorHint(
                    patterns: [
                        "alert certificate required", "alert bad certificate", "alert unknown ca", "ssl.key",
                        "ssl.certificate", "certificate unknown",
                    ],
                    hint: "the broker refused the client certificate of \(shown)"))
        } else {
            if let keyPassword = java["ssl.key.password"], java["ssl.key.location"] != nil {
                out["ssl.key.password"] = keyPassword  // librdkafka's own ssl.key.location
            }
            out.hints.append(
                KafkaErrorHint(
                    patterns: ["alert certificate required", "alert handshake failure", "alert bad certificate"],
                    hint:
                        "the broker asks for a client certificate and none is configured: set ssl.keystore.location (or ssl.keystore.key and ssl.keystore.certificate.chain)"
                ))
        }
        out.hints.append(
            KafkaErrorHint(
                patterns: ["hostname", "does not match", "subject name"],
                hint:
                    "the broker's certificate does not name the host connected to; ssl.endpoint.identification.algorithm=https (the default) verifies it"
            ))
    }

    // MARK: SASL

    private static let plainModule = "org.apache.kafka.common.security.plain.PlainLoginModule"
    private static let scramModule = "org.apache.kafka.common.security.scram.ScramLoginModule"
    private static let oauthModule = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
    private static let mskModule = "software.amazon.msk.auth.iam.IAMLoginModule"
    private static let kerberosModule = "com.sun.security.auth.module.Krb5LoginModule"
    private static let oidcHandlers = [
        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
        "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler",
    ]
    private static let mskOAuthHandler = "software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler"
    private static let mskClientHandler = "software.amazon.msk.auth.iam.IAMClientCallbackHandler"

    /// A class name, allowing the shaded copies some distributions ship (`kafkashaded.org.apache...`).
    private static func names(_ cls: String, _ expected: String) -> Bool {
        cls == expected || cls.hasSuffix("." + expected)
    }

    private func applySASL(
        to out: inout KafkaConfig, ignored: inout [String], environment: [String: String], protocol proto: String
    ) throws(ClientConfigException) {
        let mechanismKey =
            java.entries["sasl.mechanism"] == nil && java.entries["sasl.mechanisms"] != nil
            ? "sasl.mechanisms" : "sasl.mechanism"
        var mechanism = value(mechanismKey)?.uppercased()
        let jaasOrigin = origin("sasl.jaas.config")
        guard let jaasText = java["sasl.jaas.config"], !jaasText.trimmingCharacters().isEmpty else {
            // librdkafka's own keys (sasl.username, sasl.password) may carry the credentials.
            let noMechanism = mechanism == nil && java["sasl.username"] == nil
            switch mechanism {
            case _ where mechanism == "GSSAPI" || noMechanism:
                throw ClientConfigException(
                    key: origin(mechanismKey),
                    "security.protocol=\(proto) needs sasl.mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or AWS_MSK_IAM) and sasl.jaas.config; Kerberos (GSSAPI, Kafka's default mechanism) is not supported"
                )
            case "AWS_MSK_IAM":
                throw ClientConfigException(
                    key: origin(mechanismKey),
                    "sasl.mechanism=AWS_MSK_IAM needs sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;"
                )
            case let m? where ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"].contains(m) && java["sasl.username"] == nil:
                throw ClientConfigException(
                    key: jaasOrigin,
                    "sasl.mechanism=\(mechanism!) needs credentials: set sasl.jaas.config (PlainLoginModule or ScramLoginModule with username and password)"
                )
            default:
                if let mechanism { out["sasl.mechanisms"] = mechanism }
                return
            }
        }
        let jaas: JaasConfig
        do { jaas = try JaasConfig.parse(jaasText) } catch {
            throw ClientConfigException(
                key: jaasOrigin, "Invalid value [hidden] for configuration \(jaasOrigin): \(error.message)")
        }
        let module = jaas.loginModule
        var username: String? = nil
        if Self.names(module, Self.plainModule) || Self.names(module, Self.scramModule) {
            let isScram = Self.names(module, Self.scramModule)
            if isScram && jaas.options["tokenauth"]?.lowercased() == "true" {
                throw ClientConfigException(
                    key: jaasOrigin, "\(jaasOrigin): delegation tokens (tokenauth=true) are not supported")
            }
            guard let user = jaas.options["username"], let password = jaas.options["password"] else {
                throw ClientConfigException(
                    key: jaasOrigin,
                    "\(jaasOrigin): \(isScram ? "ScramLoginModule" : "PlainLoginModule") needs the options username and password"
                )
            }
            if mechanism == nil {
                guard !isScram else {
                    throw ClientConfigException(
                        key: origin(mechanismKey),
                        "\(jaasOrigin) uses ScramLoginModule: set sasl.mechanism to SCRAM-SHA-256 or SCRAM-SHA-512")
                }
                mechanism = "PLAIN"
            }
            guard ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"].contains(mechanism!) else {
                throw ClientConfigException(
                    key: origin(mechanismKey),
                    "sasl.mechanism=\(mechanism!) does not go with \(module) in \(jaasOrigin); use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"
                )
            }
            out["sasl.mechanisms"] = mechanism
            out["sasl.username"] = user
            out["sasl.password"] = password
            for k in ["sasl.username", "sasl.password"] { out.origins[k] = jaasOrigin }
            username = user
        } else if Self.names(module, Self.oauthModule) {
            guard mechanism == nil || mechanism == "OAUTHBEARER" else {
                throw ClientConfigException(
                    key: origin(mechanismKey),
                    "sasl.mechanism=\(mechanism!) does not go with OAuthBearerLoginModule in \(jaasOrigin); use OAUTHBEARER"
                )
            }
            mechanism = "OAUTHBEARER"
            out["sasl.mechanisms"] = "OAUTHBEARER"
            try applyOAuth(jaas, to: &out, environment: environment)
        } else if Self.names(module, Self.mskModule) {
            guard mechanism == nil || mechanism == "AWS_MSK_IAM" else {
                throw ClientConfigException(
                    key: origin(mechanismKey),
                    "sasl.mechanism=\(mechanism!) does not go with IAMLoginModule in \(jaasOrigin); use AWS_MSK_IAM")
            }
            // MSK brokers take the same IAM signature as an OAUTHBEARER token (what non-Java clients use).
            mechanism = "AWS_MSK_IAM"
            out["sasl.mechanisms"] = "OAUTHBEARER"
            out.origins["sasl.mechanisms"] = origin(mechanismKey)
            out.tokenProvider = try mskProvider(jaas, environment: environment)
        } else if Self.names(module, Self.kerberosModule) {
            throw ClientConfigException(
                key: jaasOrigin,
                "\(jaasOrigin): Kerberos (GSSAPI, Krb5LoginModule) is not supported; use SCRAM, PLAIN, OAUTHBEARER or AWS_MSK_IAM"
            )
        } else {
            throw ClientConfigException(
                key: jaasOrigin,
                "\(jaasOrigin): unknown login module \(module); supported are \(Self.plainModule), \(Self.scramModule), \(Self.oauthModule) and \(Self.mskModule)"
            )
        }
        if let handler = value("sasl.client.callback.handler.class"),
            !(Self.names(handler, Self.mskClientHandler) && Self.names(module, Self.mskModule))
        {
            ignored.append(origin("sasl.client.callback.handler.class"))
        }
        if java.entries["sasl.mechanism"] != nil || java.entries["sasl.mechanisms"] != nil {
            out.origins["sasl.mechanisms"] = origin(mechanismKey)
        }
        let who = username.map { " (user \($0))" } ?? ""
        out.hints.append(
            KafkaErrorHint(
                patterns: [
                    "sasl authentication error", "authentication failed", "unknown-user", "sasl handshake",
                    "oauthbearer",
                ],
                hint: "check the credentials of \(jaasOrigin)\(who) and sasl.mechanism=\(mechanism ?? "")"))
    }

    private func applyOAuth(_ jaas: JaasConfig, to out: inout KafkaConfig, environment: [String: String])
        throws(ClientConfigException)
    {
        let jaasOrigin = origin("sasl.jaas.config")
        let extensions = jaas.options.filter { $0.key.hasPrefix("extension_") }.sorted { $0.key < $1.key }.map {
            (String($0.key.dropFirst("extension_".count)), $0.value)
        }
        guard let handler = value("sasl.login.callback.handler.class") else {
            // Kafka's default: an unsecured JWT made by the client (development only).
            guard let sub = jaas.options["unsecuredLoginStringClaim_sub"] else {
                throw ClientConfigException(
                    key: jaasOrigin,
                    "\(jaasOrigin): OAuthBearerLoginModule needs sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler with sasl.oauthbearer.token.endpoint.url (OIDC client credentials), or unsecuredLoginStringClaim_sub for an unsecured token"
                )
            }
            var parts = ["principal=\(sub)"]
            if let scope = jaas.options["unsecuredLoginListClaim_scope"] { parts.append("scope=\(scope)") }
            for (k, v) in jaas.options.sorted(by: { $0.key < $1.key }) where k.hasPrefix("unsecuredLoginExtension_") {
                parts.append("extension_\(k.dropFirst("unsecuredLoginExtension_".count))=\(v)")
            }
            out["enable.sasl.oauthbearer.unsecure.jwt"] = "true"
            out["sasl.oauthbearer.config"] = parts.joined(separator: " ")
            out.origins["sasl.oauthbearer.config"] = jaasOrigin
            return
        }
        if Self.oidcHandlers.contains(where: { Self.names(handler, $0) }) {
            guard let endpoint = value("sasl.oauthbearer.token.endpoint.url") else {
                throw ClientConfigException(
                    key: origin("sasl.oauthbearer.token.endpoint.url"),
                    "\(origin("sasl.login.callback.handler.class"))=\(handler) needs sasl.oauthbearer.token.endpoint.url"
                )
            }
            guard endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://") else {
                throw ClientConfigException(
                    key: origin("sasl.oauthbearer.token.endpoint.url"),
                    "\(origin("sasl.oauthbearer.token.endpoint.url")) must be an http(s) URL")
            }
            guard let clientId = jaas.options["clientId"], let secret = jaas.options["clientSecret"] else {
                throw ClientConfigException(
                    key: jaasOrigin,
                    "\(jaasOrigin): OAuth client credentials need the options clientId and clientSecret")
            }
            out.tokenProvider = OIDCClientCredentials(
                tokenEndpoint: endpoint, clientId: clientId, clientSecret: secret, scope: jaas.options["scope"],
                subClaim: value("sasl.oauthbearer.sub.claim.name") ?? "sub", extensions: extensions)
            return
        }
        if Self.names(handler, Self.mskOAuthHandler) {
            out.tokenProvider = try mskProvider(jaas, environment: environment)
            return
        }
        throw ClientConfigException(
            key: origin("sasl.login.callback.handler.class"),
            "\(origin("sasl.login.callback.handler.class"))=\(handler) is not supported; use \(Self.oidcHandlers[0]) (OIDC client credentials) or \(Self.mskOAuthHandler)"
        )
    }

    private func mskProvider(_ jaas: JaasConfig, environment: [String: String]) throws(ClientConfigException)
        -> MSKIAMTokenProvider
    {
        let jaasOrigin = origin("sasl.jaas.config")
        let servers = value("bootstrap.servers") ?? ""
        guard let region = MSKIAMTokenProvider.region(bootstrapServers: servers, environment: environment) else {
            throw ClientConfigException(
                key: jaasOrigin,
                "\(jaasOrigin): the AWS region of the MSK cluster is not in bootstrap.servers (\(servers)); set AWS_REGION in the worker's environment"
            )
        }
        do {
            return try MSKIAMTokenProvider(region: region, options: jaas.options, environment: environment)
        } catch {
            throw ClientConfigException(key: jaasOrigin, "\(jaasOrigin): \(error)")
        }
    }
}

import ConnectAPI
import CurlClient
import KeyStores

/// How a Confluent Schema Registry client reaches its registry, from the keys Confluent's serializers and
/// converters read (`AbstractKafkaSchemaSerDeConfig`, `SchemaRegistryClientConfig`): the URL list,
/// credentials, TLS stores and extra headers. As in Confluent's client, a key may also carry a
/// `schema.registry.` prefix (`schema.registry.basic.auth.user.info`), and the TLS keys carry it always
/// (`schema.registry.ssl.truststore.location`).
public struct SchemaRegistryClientConfig: Sendable {
    public var urls: [String]
    public enum Auth: Sendable, Equatable {
        case none
        /// `user:password`, sent as HTTP Basic credentials.
        case basic(userInfo: String)
        /// `Authorization: Bearer <token>`, with Confluent Cloud's routing headers when set.
        case bearer(token: String, logicalCluster: String?, identityPoolId: String?)
    }
    public var auth: Auth
    /// `request.header.<Name>=<value>` headers (sent after, so over, the credentials).
    public var headers: [(name: String, value: String)]
    public var tls: CurlSession.TLSOptions?

    static let basicSources = ["URL", "USER_INFO", "SASL_INHERIT"]

    /// Reads the client keys of a converter's configuration; a key that would switch protection on but
    /// cannot is refused, naming it.
    public init(_ config: [String: String], readFile: (String) throws -> [UInt8] = { try LocalFile.read($0) })
        throws(ConfigException)
    {
        func value(_ k: String) -> String? {
            (config[k] ?? config["schema.registry." + k]).map { $0.trimmingWhitespace() }.flatMap {
                $0.isEmpty ? nil : $0
            }
        }
        func key(_ k: String) -> String {
            config[k] != nil ? k : (config["schema.registry." + k] != nil ? "schema.registry." + k : k)
        }

        guard let list = value("schema.registry.url") ?? config["url"], !list.isEmpty else {
            throw ConfigException(
                name: "schema.registry.url", value: "",
                reason: "Missing required configuration \"schema.registry.url\" which has no default value.")
        }
        urls = ConfigDef.listEntries(list).map { u in
            // A trailing slash made Confluent's clients fail (kafka-rest #100).
            var u = u
            while u.hasSuffix("/") { u.removeLast() }
            return u
        }

        let basicSource = value("basic.auth.credentials.source")?.uppercased()
        let bearerSource = value("bearer.auth.credentials.source")?.uppercased()
        if basicSource != nil && bearerSource != nil {
            throw ConfigException(
                "Only one of 'basic.auth.credentials.source' and 'bearer.auth.credentials.source' may be specified")
        }
        if let bearerSource {
            guard bearerSource == "STATIC_TOKEN" else {
                throw ConfigException(
                    name: key("bearer.auth.credentials.source"), value: bearerSource,
                    reason: "Tributary supports STATIC_TOKEN (with bearer.auth.token)")
            }
            guard let token = value("bearer.auth.token") else {
                throw ConfigException(
                    "Token must be provided via bearer.auth.token config when bearer.auth.credentials.source is set to STATIC_TOKEN"
                )
            }
            auth = .bearer(
                token: token, logicalCluster: value("bearer.auth.logical.cluster"),
                identityPoolId: value("bearer.auth.identity.pool.id"))
        } else {
            // Confluent's client sends no credentials without a source; Tributary takes a user info that is
            // set as meant for USER_INFO rather than ignoring it.
            switch basicSource ?? (value("basic.auth.user.info") != nil ? "USER_INFO" : "URL") {
            case "USER_INFO":
                guard let info = value("basic.auth.user.info") else {
                    throw ConfigException(
                        "UserInfo must be provided when basic.auth.credentials.source is set to USER_INFO")
                }
                auth = .basic(userInfo: info)
            case "URL":
                auth = .none  // libcurl sends the user info of each URL (`https://user:pass@host`) itself
            case "SASL_INHERIT":
                guard let jaasText = value("sasl.jaas.config"), let jaas = try? JaasConfig.parseEntries(jaasText).first,
                    let user = jaas.options["username"], let password = jaas.options["password"]
                else {
                    throw ConfigException(
                        "Provided SASL Login module doesn't provide username and password options and can't be inherited"
                    )
                }
                auth = .basic(userInfo: "\(user):\(password)")
            case let other:
                throw ConfigException(
                    name: key("basic.auth.credentials.source"), value: other,
                    reason: "String must be one of: \(Self.basicSources.joined(separator: ", "))")
            }
        }
        headers = config.filter { $0.key.hasPrefix("request.header.") }.sorted { $0.key < $1.key }.map {
            (String($0.key.dropFirst("request.header.".count)), $0.value)
        }

        // TLS: only the schema.registry.ssl.* keys, as Confluent's client reads them.
        let sslKeys = SSLConfig.keys.filter { config["schema.registry." + $0] != nil }
        if sslKeys.isEmpty {
            tls = nil
        } else {
            do {
                let s = try SSLConfig.read(
                    value: { config["schema.registry." + $0] }, origin: { "schema.registry." + $0 }, readFile: readFile)
                tls = CurlSession.TLSOptions(
                    caPEM: s.trustPEM, certificatePEM: s.certificatePEM, keyPEM: s.keyPEM, verifyHost: s.verifyHost)
            } catch { throw ConfigException(error.message) }
        }
    }

    /// The headers every request carries: credentials, then the configured extra headers.
    var requestHeaders: [(name: String, value: String)] {
        var h: [(name: String, value: String)] = []
        switch auth {
        case .none: break
        case .basic(let info): h.append(("Authorization", "Basic " + Base64.encode(Array(info.utf8))))
        case .bearer(let token, let cluster, let pool):
            h.append(("Authorization", "Bearer " + token))
            if let pool { h.append(("Confluent-Identity-Pool-Id", pool)) }
            if let cluster { h.append(("target-sr-cluster", cluster)) }
        }
        for (n, v) in headers {
            h.removeAll { $0.name.lowercased() == n.lowercased() }
            h.append((n, v))
        }
        return h
    }
}

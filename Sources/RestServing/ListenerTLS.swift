import ConnectAPI
import KeyStores
import NIOSSL

/// TLS for the https listeners, from Kafka's `ssl.*` keys under a prefix, as Kafka Connect's `SSLUtils`
/// reads them: if any key starts with the prefix (`listeners.https.`), only the prefixed keys are used;
/// otherwise the top-level `ssl.*` keys. The key store gives the server's certificate (JKS, PKCS12 or
/// PEM); the trust store, the CAs of the client certificates that `ssl.client.auth` asks for.
public struct ListenerTLS: Sendable {
    public enum ClientAuth: String, Sendable { case none, requested, required }

    public let server: TLSConfiguration
    /// For requests this worker sends to other workers' https listeners (forwarded restarts): the same
    /// trust store, and the key store as a client certificate.
    public let client: TLSConfiguration
    public let clientAuth: ClientAuth
    /// Where the certificate came from (`listeners.https.ssl.keystore.location=/x.p12`), for messages.
    public let source: String

    /// - Parameters:
    ///   - prefix: `listeners.https.`, `admin.listeners.https.`, `schema.registry.listeners.https.`, ...
    ///   - what: names the listeners in messages (`listeners`).
    public static func read(
        _ raw: [String: String], prefix: String, what: String,
        readFile: (String) throws -> [UInt8] = { try LocalFile.read($0) }
    ) throws(ConfigException) -> ListenerTLS {
        let prefixed = raw.keys.contains { $0.hasPrefix(prefix) && $0.count > prefix.count }
        let keyPrefix = prefixed ? prefix : ""
        func value(_ k: String) -> String? { raw[keyPrefix + k] }
        let material: SSLConfig
        do {
            material = try SSLConfig.read(value: value, origin: { keyPrefix + $0 }, readFile: readFile)
        } catch { throw ConfigException(error.message) }
        guard let chainPEM = material.certificatePEM, let keyPEM = material.keyPEM, let source = material.identitySource
        else {
            throw ConfigException(
                "An https listener in \(what) needs a key store with the server's certificate: set \(prefix)ssl.keystore.location (or ssl.keystore.location), or the PEM keys ssl.keystore.key and ssl.keystore.certificate.chain"
            )
        }
        let clientAuth = try clientAuthentication(value, keyPrefix: keyPrefix)
        // Java cipher-suite names would need a table to BoringSSL's; refused rather than ignored.
        if let suites = value("ssl.cipher.suites"), !suites.trimmingWhitespace().isEmpty {
            throw ConfigException(
                name: keyPrefix + "ssl.cipher.suites", value: suites,
                reason:
                    "the https listeners do not take a cipher-suite list: they offer BoringSSL's defaults (TLS 1.3's AES-GCM and ChaCha20 suites, ECDHE with AES-GCM or ChaCha20 for TLS 1.2); limit the versions with ssl.enabled.protocols and remove the key"
            )
        }
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        var trust: [NIOSSLCertificate]? = nil
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(chainPEM.utf8))
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            if let t = material.trustPEM { trust = try NIOSSLCertificate.fromPEMBytes(Array(t.utf8)) }
        } catch {
            throw ConfigException("The key store \(source) cannot be used for TLS: \(error)")
        }
        let (minimum, maximum) = try versions(value("ssl.enabled.protocols"), key: keyPrefix + "ssl.enabled.protocols")

        var server = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        server.minimumTLSVersion = minimum
        server.maximumTLSVersion = maximum
        switch clientAuth {
        case .none: server.certificateVerification = .none
        case .requested: server.certificateVerification = .optionalVerification
        case .required: server.certificateVerification = .noHostnameVerification
        }
        if clientAuth != .none, let trust { server.trustRoots = .certificates(trust) }

        var client = TLSConfiguration.makeClientConfiguration()
        client.minimumTLSVersion = minimum
        client.maximumTLSVersion = maximum
        client.certificateChain = chain.map { .certificate($0) }
        client.privateKey = .privateKey(key)
        if let trust { client.trustRoots = .certificates(trust) }
        client.certificateVerification = material.verifyHost ? .fullVerification : .noHostnameVerification
        return ListenerTLS(server: server, client: client, clientAuth: clientAuth, source: source)
    }

    /// Kafka Connect's `ssl.client.auth` (`none`, `requested`, `required`), Confluent's
    /// `ssl.client.authentication` (`NONE`, `REQUESTED`, `REQUIRED`), which wins, and Confluent's older
    /// boolean `ssl.client.auth` (`true`: required).
    static func clientAuthentication(_ value: (String) -> String?, keyPrefix: String) throws(ConfigException)
        -> ClientAuth
    {
        if let text = value("ssl.client.authentication")?.trimmingWhitespace(), !text.isEmpty {
            guard let auth = ClientAuth(rawValue: text.lowercased()) else {
                throw ConfigException(
                    name: keyPrefix + "ssl.client.authentication", value: text,
                    reason: "String must be one of: NONE, REQUESTED, REQUIRED")
            }
            return auth
        }
        let text = (value("ssl.client.auth") ?? "none").trimmingWhitespace()
        switch text.lowercased() {
        case "true": return .required
        case "false", "": return .none
        default:
            guard let auth = ClientAuth(rawValue: text.lowercased()) else {
                throw ConfigException(
                    name: keyPrefix + "ssl.client.auth", value: text,
                    reason: "String must be one of: required, requested, none")
            }
            return auth
        }
    }

    /// `ssl.enabled.protocols` (default `TLSv1.2,TLSv1.3`) as the lowest and highest versions allowed.
    static func versions(_ text: String?, key: String) throws(ConfigException) -> (TLSVersion, TLSVersion) {
        let list = ConfigDef.listEntries(text ?? "TLSv1.2,TLSv1.3")
        let known: [(String, TLSVersion)] = [("TLSv1.2", .tlsv12), ("TLSv1.3", .tlsv13)]
        let chosen = known.filter { list.contains($0.0) }
        guard let low = chosen.first?.1, let high = chosen.last?.1 else {
            throw ConfigException(
                name: key, value: text ?? "", reason: "the https listeners speak TLSv1.2 and TLSv1.3; list one of them")
        }
        return (low, high)
    }
}

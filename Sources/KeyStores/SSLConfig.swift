/// Kafka's TLS keys (`SslConfigs`: `ssl.truststore.*`, `ssl.keystore.*`, `ssl.key.password`, KIP-651's
/// inline PEM keys, `ssl.endpoint.identification.algorithm`), read into PEM for OpenSSL-based clients
/// and servers: librdkafka, libcurl (Schema Registry clients), the HTTPS listeners.
///
/// The same keys live under several prefixes (`producer.`, `schema.registry.`, `listeners.https.`);
/// the caller reads them (`value`) by their short name (`ssl.truststore.location`) and names them for
/// messages (`origin`) as the user wrote them.
public struct SSLConfig: Sendable {
    /// CA certificates to trust (nil: the system's).
    public var trustPEM: String?
    /// The certificate chain and unencrypted key (nil: none).
    public var certificatePEM: String?
    public var keyPEM: String?
    /// `ssl.endpoint.identification.algorithm`: `https` (the default) verifies the peer's host name.
    public var verifyHost = true
    /// The key (and file) the trust and identity came from, for messages: `ssl.truststore.location=/x.jks`.
    public var trustSource: String?
    public var identitySource: String?

    public init() {}

    public struct Failure: Error, Equatable, Sendable {
        public let key: String
        public let message: String
    }

    public static let keys = [
        "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type", "ssl.truststore.certificates",
        "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type", "ssl.keystore.key",
        "ssl.keystore.certificate.chain", "ssl.key.password", "ssl.endpoint.identification.algorithm",
    ]

    /// Reads the stores the keys name. `value` returns a key's value (nil or blank: unset).
    public static func read(
        value raw: (String) -> String?, origin: (String) -> String, readFile: (String) throws -> [UInt8]
    ) throws(Failure) -> SSLConfig {
        func value(_ k: String) -> String? {
            raw(k).map { String($0.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()) }
                .flatMap { $0.isEmpty ? nil : $0 }
        }
        func storeType(_ key: String) throws(Failure) -> KeyStore.StoreType {
            let name = value(key) ?? "JKS"
            guard let t = KeyStore.StoreType(name: name) else {
                throw Failure(
                    key: origin(key),
                    message:
                        "Invalid value \(name) for configuration \(origin(key)): supported store types are JKS, PKCS12 and PEM"
                )
            }
            return t
        }
        func readStore(_ location: String, _ typeKey: String, _ passwordKey: String, keyPassword: String?)
            throws(Failure) -> (KeyStore, String)
        {
            let path = value(location)!
            let shown = "\(origin(location))=\(path)"
            let type = try storeType(typeKey)
            let bytes: [UInt8]
            do { bytes = try readFile(path) } catch {
                throw Failure(key: origin(location), message: "Cannot read \(shown): \(error)")
            }
            let password = raw(passwordKey)
            if type == .pem, let p = password, !p.isEmpty {
                throw Failure(
                    key: origin(passwordKey),
                    message:
                        "\(origin(passwordKey)) must not be set for a PEM store (\(shown)); a PEM key's password is ssl.key.password"
                )
            }
            do {
                let store = try KeyStore.read(
                    bytes, type: type, password: type == .pem ? nil : password, keyPassword: keyPassword, what: shown)
                return (store, shown)
            } catch { throw Failure(key: origin(location), message: error.message) }
        }

        var out = SSLConfig()
        switch value("ssl.endpoint.identification.algorithm")?.lowercased() {
        case nil where raw("ssl.endpoint.identification.algorithm") != nil: out.verifyHost = false  // empty: off
        case nil, "https": out.verifyHost = true
        case let other?:
            throw Failure(
                key: origin("ssl.endpoint.identification.algorithm"),
                message:
                    "Invalid value \(other) for configuration \(origin("ssl.endpoint.identification.algorithm")): expected https (verify the host name) or empty (do not)"
            )
        }
        let keyPassword = raw("ssl.key.password")
        var trust: (KeyStore, String)? = nil
        if let inline = value("ssl.truststore.certificates") {
            do {
                trust = (
                    try KeyStore.read(
                        Array(inline.utf8), type: .pem, password: nil, what: origin("ssl.truststore.certificates")),
                    origin("ssl.truststore.certificates")
                )
            } catch { throw Failure(key: origin("ssl.truststore.certificates"), message: error.message) }
        } else if value("ssl.truststore.location") != nil {
            trust = try readStore(
                "ssl.truststore.location", "ssl.truststore.type", "ssl.truststore.password", keyPassword: nil)
        }
        if let (store, shown) = trust {
            let key =
                value("ssl.truststore.certificates") != nil ? "ssl.truststore.certificates" : "ssl.truststore.location"
            guard !store.trustAnchors.isEmpty else {
                throw Failure(key: origin(key), message: "\(shown) holds no certificate to trust")
            }
            out.trustPEM = store.trustAnchorsPEM
            out.trustSource = shown
        }
        var identity: (KeyStore, String, String)? = nil
        if let key = value("ssl.keystore.key") {
            guard let chain = value("ssl.keystore.certificate.chain") else {
                throw Failure(
                    key: origin("ssl.keystore.key"),
                    message: "\(origin("ssl.keystore.key")) is set without ssl.keystore.certificate.chain")
            }
            do {
                let store = try KeyStore.read(
                    Array((key + "\n" + chain).utf8), type: .pem, password: nil, keyPassword: keyPassword,
                    what: origin("ssl.keystore.key"))
                identity = (store, origin("ssl.keystore.key"), "ssl.keystore.key")
            } catch { throw Failure(key: origin("ssl.keystore.key"), message: error.message) }
        } else if value("ssl.keystore.location") != nil {
            let (store, shown) = try readStore(
                "ssl.keystore.location", "ssl.keystore.type", "ssl.keystore.password",
                keyPassword: keyPassword ?? raw("ssl.keystore.password"))
            identity = (store, shown, "ssl.keystore.location")
        }
        if let (store, shown, key) = identity {
            guard let entry = store.privateKeys.first else {
                throw Failure(key: origin(key), message: "\(shown) holds no private key")
            }
            out.certificatePEM = entry.chain.map { PEM.encode($0, label: "CERTIFICATE") }.joined()
            out.keyPEM = entry.keyPEM
            out.identitySource = shown
        }
        return out
    }
}

/// The contents of a Java key store or trust store (JKS, PKCS12) or of PEM text, as Kafka's clients
/// read them (`ssl.truststore.*`, `ssl.keystore.*`, KIP-651's inline PEM keys): the certificates to
/// trust and the private keys with their certificate chains, ready to hand to OpenSSL as PEM.
///
/// One reader for every TLS user of the process: the Kafka clients (librdkafka takes PEM strings) and the
/// HTTPS listeners.
public struct KeyStore: Sendable {
    public enum StoreType: String, Sendable, CaseIterable {
        case jks = "JKS"
        case pkcs12 = "PKCS12"
        case pem = "PEM"

        /// Kafka's names, case-insensitively; nil for anything else (JCEKS, BCFKS, ...).
        public init?(name: String) {
            switch name.uppercased() {
            case "JKS": self = .jks
            case "PKCS12", "PKCS#12", "P12": self = .pkcs12
            case "PEM": self = .pem
            default: return nil
            }
        }
    }

    public struct PrivateKeyEntry: Sendable {
        public let alias: String
        /// The key as a PEM block: unencrypted PKCS#8 ("PRIVATE KEY"), or a traditional OpenSSL key
        /// ("RSA PRIVATE KEY", "EC PRIVATE KEY") taken unchanged from a PEM file.
        public let keyPEM: String
        /// DER certificates, the key's own first.
        public let chain: [[UInt8]]
    }

    public struct TrustedCertificate: Sendable {
        public let alias: String
        public let der: [UInt8]
    }

    public var trustedCertificates: [TrustedCertificate] = []
    public var privateKeys: [PrivateKeyEntry] = []

    public init(trustedCertificates: [TrustedCertificate] = [], privateKeys: [PrivateKeyEntry] = []) {
        self.trustedCertificates = trustedCertificates
        self.privateKeys = privateKeys
    }

    /// Reads a store's bytes. JKS and PKCS12 are told apart by their content, whichever of the two `type`
    /// names (Java 9+ reads both either way); PEM is text.
    ///
    /// - Parameters:
    ///   - password: the store password (`…password`); nil reads a JKS or PKCS12 store without checking
    ///     its integrity, as Java does for trust stores without a password.
    ///   - keyPassword: the private keys' password (`ssl.key.password`), by default the store password.
    ///   - what: names the store in errors (the key and the file).
    public static func read(
        _ bytes: [UInt8], type: StoreType, password: String?, keyPassword: String? = nil, what: String
    ) throws(KeyStoreError) -> KeyStore {
        if type == .pem || PEM.looksLikePEM(bytes) {
            return try PEM.keyStore(String(decoding: bytes, as: UTF8.self), keyPassword: keyPassword, what: what)
        }
        if JKSReader.isJKS(bytes) {
            return try JKSReader.read(bytes, password: password, keyPassword: keyPassword ?? password, what: what)
        }
        if bytes.starts(with: [0xCE, 0xCE, 0xCE, 0xCE]) {
            throw KeyStoreError("\(what) is a JCEKS store; convert it to PKCS12 with keytool -importkeystore")
        }
        guard bytes.first == 0x30 else {
            throw KeyStoreError("\(what) is neither a JKS nor a PKCS12 store (nor PEM text)")
        }
        return try PKCS12Reader.read(bytes, password: password, keyPassword: keyPassword, what: what)
    }

    /// Every certificate a trust manager would trust: the trusted entries and, as Java's PKIX trust
    /// manager does, the first certificate of each private key entry.
    public var trustAnchors: [[UInt8]] {
        trustedCertificates.map(\.der) + privateKeys.compactMap(\.chain.first)
    }

    /// The trust anchors as concatenated PEM blocks.
    public var trustAnchorsPEM: String { trustAnchors.map { PEM.encode($0, label: "CERTIFICATE") }.joined() }
}

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// PEM text (RFC 7468): certificates and private keys, as Kafka reads PEM stores (KIP-651).
public enum PEM {
    public struct Block: Sendable {
        public let label: String
        public let der: [UInt8]
        /// The block as it appeared, from BEGIN to END (headers of traditional encrypted keys included).
        public let text: String
    }

    static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        let text = bytes.prefix(4096).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        return text.starts(with: Array("-----BEGIN ".utf8))
            || String(decoding: bytes.prefix(4096), as: UTF8.self).contains("-----BEGIN ")
    }

    /// Every `-----BEGIN X-----` … `-----END X-----` block of `text`; text between blocks is ignored.
    public static func blocks(_ text: String, what: String) throws(KeyStoreError) -> [Block] {
        var out: [Block] = []
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)[...]
        while let line = lines.popFirst() {
            let l = trimmed(line)
            guard l.hasPrefix("-----BEGIN "), l.hasSuffix("-----") else { continue }
            let label = String(l.dropFirst(11).dropLast(5))
            var body = ""
            var raw = [String(l)]
            var ended = false
            var hasHeaders = false
            while let next = lines.popFirst() {
                let n = trimmed(next)
                raw.append(n)
                if n == "-----END \(label)-----" {
                    ended = true
                    break
                }
                if n.contains(":") {
                    hasHeaders = true  // RFC 1421 headers (Proc-Type, DEK-Info) of traditional encrypted keys
                    continue
                }
                body += n
            }
            guard ended else { throw KeyStoreError("\(what): PEM block \(label) has no END line") }
            guard let der = Data(base64Encoded: body) else {
                throw KeyStoreError("\(what): PEM block \(label) is not valid base64")
            }
            if hasHeaders && label.hasSuffix("PRIVATE KEY") {
                throw KeyStoreError(
                    "\(what): the \(label) is encrypted the traditional OpenSSL way; use a PKCS#8 key (openssl pkcs8 -topk8 -v2 aes-256-cbc), as Kafka requires"
                )
            }
            out.append(Block(label: label, der: Array(der), text: raw.joined(separator: "\n") + "\n"))
        }
        return out
    }

    private static func trimmed(_ s: Substring) -> String {
        String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// DER bytes as a PEM block with 64-character lines.
    public static func encode(_ der: [UInt8], label: String) -> String {
        let b64 = Data(der).base64EncodedString()
        var out = "-----BEGIN \(label)-----\n"
        var i = b64.startIndex
        while i < b64.endIndex {
            let j = b64.index(i, offsetBy: 64, limitedBy: b64.endIndex) ?? b64.endIndex
            out += b64[i..<j] + "\n"
            i = j
        }
        return out + "-----END \(label)-----\n"
    }

    /// A PEM store: its certificates, and its private key (decrypted with `keyPassword` when it is an
    /// ENCRYPTED PRIVATE KEY) with the certificates as the key's chain, in file order.
    static func keyStore(_ text: String, keyPassword: String?, what: String) throws(KeyStoreError) -> KeyStore {
        let blocks = try blocks(text, what: what)
        let certs = blocks.filter { $0.label == "CERTIFICATE" || $0.label == "X509 CERTIFICATE" }.map(\.der)
        let keys = blocks.filter { $0.label.hasSuffix("PRIVATE KEY") }
        if blocks.isEmpty { throw KeyStoreError("\(what) holds no PEM block") }
        guard keys.count <= 1 else { throw KeyStoreError("\(what) holds \(keys.count) private keys; one is allowed") }
        guard let key = keys.first else {
            return KeyStore(
                trustedCertificates: certs.enumerated().map { .init(alias: "cert-\($0.offset)", der: $0.element) })
        }
        let keyPEM: String
        if key.label == "ENCRYPTED PRIVATE KEY" {
            guard let keyPassword else {
                throw KeyStoreError("\(what) holds an encrypted private key, and no key password is set")
            }
            let pkcs8 = try decryptPKCS8(key.der, password: keyPassword, what: "the private key of \(what)")
            keyPEM = encode(pkcs8, label: "PRIVATE KEY")
        } else {
            keyPEM = key.text
        }
        guard !certs.isEmpty else { throw KeyStoreError("\(what) holds a private key but no certificate") }
        return KeyStore(privateKeys: [.init(alias: "key", keyPEM: keyPEM, chain: certs)])
    }

    /// EncryptedPrivateKeyInfo → PrivateKeyInfo (PBES2), with a wrong password named as such.
    static func decryptPKCS8(_ der: [UInt8], password: String, what: String) throws(KeyStoreError) -> [UInt8] {
        let info = try DERReader(bytes: der, what: what).children(what)
        guard info.count == 2 else { throw KeyStoreError("\(what): not an EncryptedPrivateKeyInfo") }
        let wrong = KeyStoreError("\(what) cannot be decrypted: the key password is wrong")
        let plain: [UInt8]
        do {
            plain = try PasswordBasedEncryption.decrypt(
                try info[1].octets(what), algorithm: info[0], password: password, what: what)
        } catch  where error == PasswordBasedEncryption.wrongPassword {
            throw wrong
        }
        // A wrong password passes the CBC padding check about once in 256 tries: what it yields must
        // also read as a PrivateKeyInfo (version, algorithm, key), or the password was wrong.
        guard let info = try? DERReader(bytes: plain, what: what), info.isSequence,
            let fields = try? info.children(what), fields.count >= 3, fields[0].isInteger, fields[1].isSequence,
            fields[2].isOctetString
        else { throw wrong }
        return plain
    }
}

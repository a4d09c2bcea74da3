import Crypto

/// Java's proprietary JKS format (sun.security.provider.JavaKeyStore): trusted certificates stored
/// plainly, private keys under Sun's SHA-1 key protector, and a SHA-1 integrity digest keyed by the
/// store password. Users still receive trust stores this way (Aiven's `truststore.jks`).
enum JKSReader {
    private static let magic: [UInt8] = [0xFE, 0xED, 0xFE, 0xED]
    /// The key protector's algorithm OID (Sun's JKS key protection).
    private static let keyProtectorOID = "1.3.6.1.4.1.42.2.17.1.1"

    static func isJKS(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    static func read(_ bytes: [UInt8], password: String?, keyPassword: String?, what: String)
        throws(KeyStoreError) -> KeyStore
    {
        var r = ByteReader(bytes: bytes, what: what)
        _ = try r.take(4)
        let version = try r.u32()
        guard version == 1 || version == 2 else { throw KeyStoreError("\(what): unknown JKS version \(version)") }
        let count = try r.u32()
        var store = KeyStore()
        var encryptedKeys: [(alias: String, protected: [UInt8], chain: [[UInt8]])] = []
        for _ in 0..<count {
            let tag = try r.u32()
            let alias = try r.utf()
            _ = try r.take(8)  // creation date
            switch tag {
            case 1:
                let protected = try r.take(Int(try r.u32()))
                var chain: [[UInt8]] = []
                for _ in 0..<(try r.u32()) {
                    if version == 2 { _ = try r.utf() }  // certificate type, "X.509"
                    chain.append(try r.take(Int(try r.u32())))
                }
                encryptedKeys.append((alias, protected, chain))
            case 2:
                if version == 2 { _ = try r.utf() }
                store.trustedCertificates.append(.init(alias: alias, der: try r.take(Int(try r.u32()))))
            default:
                throw KeyStoreError("\(what): unknown JKS entry type \(tag)")
            }
        }
        if let password {
            // SHA-1 over the password (UTF-16BE), the words "Mighty Aphrodite", and the store up to here.
            var sha = Insecure.SHA1()
            sha.update(data: utf16BE(password))
            sha.update(data: Array("Mighty Aphrodite".utf8))
            sha.update(data: bytes[..<r.offset])
            let expected = try r.take(20)
            guard Array(sha.finalize()) == expected else {
                throw KeyStoreError(
                    "\(what) cannot be opened: Keystore was tampered with, or password was incorrect")
            }
        }
        for k in encryptedKeys {
            guard let keyPassword else {
                throw KeyStoreError("\(what) holds the private key '\(k.alias)', and no password is set to recover it")
            }
            let pkcs8 = try recover(k.protected, password: keyPassword, what: "the key '\(k.alias)' of \(what)")
            store.privateKeys.append(
                .init(alias: k.alias, keyPEM: PEM.encode(pkcs8, label: "PRIVATE KEY"), chain: k.chain))
        }
        return store
    }

    /// Sun's KeyProtector: the key XORed with a SHA-1 stream of (password, previous digest), salted with
    /// 20 bytes in front, and a SHA-1 of (password, key) behind to check the result.
    private static func recover(_ encoded: [UInt8], password: String, what: String) throws(KeyStoreError) -> [UInt8] {
        let info = try DERReader(bytes: encoded, what: what).children(what)
        guard info.count == 2, let alg = try info[0].children(what).first,
            try alg.objectIdentifier(what) == keyProtectorOID
        else { throw KeyStoreError("\(what) is protected with an algorithm other than JKS's own") }
        let protected = try info[1].octets(what)
        guard protected.count > 40 else { throw KeyStoreError("\(what) is too short") }
        let pw = utf16BE(password)
        let salt = Array(protected[0..<20])
        let encrypted = Array(protected[20..<(protected.count - 20)])
        let check = Array(protected[(protected.count - 20)...])
        var stream: [UInt8] = []
        var digest = salt
        while stream.count < encrypted.count {
            digest = Array(Insecure.SHA1.hash(data: pw + digest))
            stream += digest
        }
        let plain = zip(encrypted, stream).map { $0 ^ $1 }
        guard Array(Insecure.SHA1.hash(data: pw + plain)) == check else {
            throw KeyStoreError("\(what) cannot be recovered: the key password is wrong")
        }
        return plain
    }

    private static func utf16BE(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        for u in s.utf16 { out += [UInt8(u >> 8), UInt8(u & 0xFF)] }
        return out
    }
}

/// Big-endian reads over a byte array, with truncation reported as an error.
struct ByteReader {
    let bytes: [UInt8]
    let what: String
    var offset = 0

    init(bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    mutating func take(_ n: Int) throws(KeyStoreError) -> [UInt8] {
        guard n >= 0, n <= bytes.count - offset else { throw KeyStoreError("\(what) is truncated") }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    mutating func u32() throws(KeyStoreError) -> UInt32 {
        try take(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Java's DataInput.readUTF: a two-byte length, then (modified) UTF-8.
    mutating func utf() throws(KeyStoreError) -> String {
        let len = try take(2).reduce(0) { $0 << 8 | Int($1) }
        return String(decoding: try take(len), as: UTF8.self)
    }
}

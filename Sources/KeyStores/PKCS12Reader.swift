/// PKCS#12 files (RFC 7292) as OpenSSL 3 and Java's keytool write them: password integrity (an HMAC
/// keyed by PKCS#12's KDF), certificate bags in plain or PBES2-encrypted safe contents, and private keys
/// as PBES2 "shrouded" bags or plain key bags. Public-key integrity and privacy modes are not supported.
enum PKCS12Reader {
    private enum OID {
        static let data = "1.2.840.113549.1.7.1"
        static let signedData = "1.2.840.113549.1.7.2"
        static let encryptedData = "1.2.840.113549.1.7.6"
        static let keyBag = "1.2.840.113549.1.12.10.1.1"
        static let shroudedKeyBag = "1.2.840.113549.1.12.10.1.2"
        static let certBag = "1.2.840.113549.1.12.10.1.3"
        static let safeContentsBag = "1.2.840.113549.1.12.10.1.6"
        static let x509Certificate = "1.2.840.113549.1.9.22.1"
        static let friendlyName = "1.2.840.113549.1.9.20"
        static let localKeyId = "1.2.840.113549.1.9.21"
    }

    private struct Bag {
        var alias: String?
        var localKeyId: [UInt8]?
    }

    static func read(_ bytes: [UInt8], password: String?, keyPassword: String?, what: String)
        throws(KeyStoreError) -> KeyStore
    {
        let pfx = try DERReader(bytes: bytes, what: what).children(what)
        guard pfx.count >= 2, pfx[0].isInteger else { throw KeyStoreError("\(what) is not a PKCS12 store") }
        let authSafe = try pfx[1].children(what)
        guard authSafe.count == 2 else { throw KeyStoreError("\(what): bad PKCS12 content") }
        let type = try authSafe[0].objectIdentifier(what)
        guard type == OID.data else {
            throw KeyStoreError(
                "\(what) uses PKCS12's public-key integrity mode (\(type == OID.signedData ? "signedData" : type)), which is not supported"
            )
        }
        let content = try authSafe[1].explicit(what).octets(what)
        if let password, pfx.count >= 3 {
            try verifyMAC(pfx[2], content: content, password: password, what: what)
        }

        var certs: [(bag: Bag, der: [UInt8])] = []
        var keys: [(bag: Bag, pkcs8: [UInt8])] = []
        func readBags(_ safeContents: [UInt8]) throws(KeyStoreError) {
            for bag in try DERReader(bytes: safeContents, what: what).children(what) {
                let parts = try bag.children(what)
                guard parts.count >= 2 else { throw KeyStoreError("\(what): bad PKCS12 bag") }
                let bagType = try parts[0].objectIdentifier(what)
                let value = try parts[1].explicit(what)
                let attrs = parts.count > 2 ? try attributes(parts[2], what: what) : Bag()
                switch bagType {
                case OID.certBag:
                    let cb = try value.children(what)
                    guard cb.count == 2, try cb[0].objectIdentifier(what) == OID.x509Certificate else { continue }
                    certs.append((attrs, try cb[1].explicit(what).octets(what)))
                case OID.keyBag:
                    keys.append((attrs, value.encoded))
                case OID.shroudedKeyBag:
                    let name = "the private key\(attrs.alias.map { " '\($0)'" } ?? "") of \(what)"
                    let info = try value.children(what)
                    guard info.count == 2 else { throw KeyStoreError("\(name): not an EncryptedPrivateKeyInfo") }
                    let encrypted = try info[1].octets(what)
                    // keytool keeps key and store passwords equal; OpenSSL has one password.
                    var plain: [UInt8]? = nil
                    for pw in [keyPassword, password].compactMap({ $0 }) {
                        do {
                            plain = try PasswordBasedEncryption.decrypt(
                                encrypted, algorithm: info[0], password: pw, what: name)
                            break
                        } catch  where error == PasswordBasedEncryption.wrongPassword { continue }
                    }
                    guard let plain else {
                        throw KeyStoreError("\(name) cannot be recovered: the key password is wrong or not set")
                    }
                    keys.append((attrs, plain))
                case OID.safeContentsBag:
                    try readBags(value.encoded)
                default:
                    continue  // CRL and secret bags: nothing a TLS client uses
                }
            }
        }

        for info in try DERReader(bytes: content, what: what).children(what) {
            let ci = try info.children(what)
            guard ci.count == 2 else { throw KeyStoreError("\(what): bad PKCS12 content") }
            switch try ci[0].objectIdentifier(what) {
            case OID.data:
                try readBags(try ci[1].explicit(what).octets(what))
            case OID.encryptedData:
                let ed = try ci[1].explicit(what).children(what)
                guard ed.count >= 2 else { throw KeyStoreError("\(what): bad PKCS12 encrypted data") }
                let eci = try ed[1].children(what)
                guard eci.count >= 3 else { continue }  // no content
                guard let password else {
                    throw KeyStoreError("\(what) is encrypted, and no password is set to read it")
                }
                do {
                    try readBags(
                        try PasswordBasedEncryption.decrypt(
                            try eci[2].octets(what), algorithm: eci[1], password: password, what: what))
                } catch  where error == PasswordBasedEncryption.wrongPassword {
                    throw KeyStoreError("\(what) cannot be opened: keystore password was incorrect")
                }
            default:
                throw KeyStoreError("\(what) uses PKCS12's public-key privacy mode, which is not supported")
            }
        }

        // Each key takes the certificate with its localKeyId as its own, then the issuers found among
        // the other certificates; the certificates that belong to no key are trusted entries.
        var store = KeyStore()
        var used = Set<Int>()
        for (i, k) in keys.enumerated() {
            guard
                let leaf = certs.firstIndex(where: {
                    $0.bag.localKeyId != nil && $0.bag.localKeyId == k.bag.localKeyId
                }) ?? (keys.count == 1 ? certs.firstIndex { $0.bag.localKeyId == nil } : nil)
            else { throw KeyStoreError("\(what): the private key \(k.bag.alias ?? "#\(i + 1)") has no certificate") }
            var chain = [certs[leaf].der]
            used.insert(leaf)
            var current = certs[leaf].der
            while let names = X509Names(current), names.issuer != names.subject,
                let next = certs.indices.first(where: { j in
                    !chain.contains(certs[j].der) && X509Names(certs[j].der)?.subject == names.issuer
                })
            {
                chain.append(certs[next].der)
                current = certs[next].der
            }
            store.privateKeys.append(
                .init(
                    alias: k.bag.alias ?? "key-\(i + 1)", keyPEM: PEM.encode(k.pkcs8, label: "PRIVATE KEY"),
                    chain: chain))
        }
        for (i, c) in certs.enumerated() where !used.contains(i) {
            store.trustedCertificates.append(.init(alias: c.bag.alias ?? "cert-\(i + 1)", der: c.der))
        }
        return store
    }

    private static func attributes(_ set: DERReader, what: String) throws(KeyStoreError) -> Bag {
        var bag = Bag()
        for attr in try set.children(what) {
            let a = try attr.children(what)
            guard a.count == 2, let v = try a[1].children(what).first else { continue }
            switch try a[0].objectIdentifier(what) {
            case OID.friendlyName:
                let b = try v.octets(what)  // BMPString: UTF-16BE
                let units = stride(from: 0, to: b.count - 1, by: 2).map { UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]) }
                bag.alias = String(decoding: units, as: UTF16.self)
            case OID.localKeyId:
                bag.localKeyId = try v.octets(what)
            default:
                continue
            }
        }
        return bag
    }

    /// The store's integrity HMAC, keyed from the password by PKCS#12's KDF (purpose 3).
    private static func verifyMAC(_ macData: DERReader, content: [UInt8], password: String, what: String)
        throws(KeyStoreError)
    {
        let m = try macData.children(what)
        guard m.count >= 2 else { throw KeyStoreError("\(what): bad PKCS12 MAC") }
        let digestInfo = try m[0].children(what)
        guard digestInfo.count == 2, let alg = try digestInfo[0].children(what).first else {
            throw KeyStoreError("\(what): bad PKCS12 MAC")
        }
        let oid = try alg.objectIdentifier(what)
        if oid == "1.2.840.113549.1.5.14" {
            throw KeyStoreError(
                "\(what) uses a PBMAC1 integrity check (OpenSSL 3.4+), which is not supported; re-export it with -macalg sha256"
            )
        }
        guard let digest = PasswordBasedEncryption.Digest(oid: oid) else {
            throw KeyStoreError("\(what): unsupported PKCS12 MAC digest (OID \(oid))")
        }
        let expected = try digestInfo[1].octets(what)
        let salt = try m[1].octets(what)
        let iterations = m.count > 2 ? try m[2].int(what) : 1
        guard iterations <= 10_000_000 else { throw KeyStoreError("\(what): MAC iteration count out of range") }
        // An empty password is tried both as an empty BMPString and as no bytes at all, as OpenSSL does.
        var candidates = [PasswordBasedEncryption.bmpString(password)]
        if password.isEmpty { candidates.append([]) }
        for pw in candidates {
            let key = PasswordBasedEncryption.pkcs12Derive(
                digest: digest, password: pw, salt: salt, iterations: iterations, id: 3, count: digest.outputBytes)
            if digest.hmac(key: key, content) == expected { return }
        }
        throw KeyStoreError("\(what) cannot be opened: keystore password was incorrect")
    }
}

/// The raw issuer and subject names of a DER certificate, enough to order a chain.
struct X509Names {
    let issuer: [UInt8]
    let subject: [UInt8]

    init?(_ der: [UInt8]) {
        guard let cert = try? DERReader(bytes: der, what: "certificate").children("certificate"),
            let tbs = try? cert.first?.children("certificate")
        else { return nil }
        // TBSCertificate: [0] version (optional), serial, signature, issuer, validity, subject, ...
        let fields =
            tbs.first.map { $0.node.identifier.tagClass == .contextSpecific } == true ? tbs.dropFirst() : tbs[...]
        let f = Array(fields)
        guard f.count >= 5 else { return nil }
        issuer = f[2].encoded
        subject = f[4].encoded
    }
}

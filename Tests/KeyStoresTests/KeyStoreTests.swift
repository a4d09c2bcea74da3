import Foundation
import Testing

@testable import KeyStores

/// Trust and key stores made at test time by openssl and keytool, read back: the certificates and keys
/// must be the ones that went in, byte for byte, and every wrong password must be named as such.
@Suite(.serialized) struct KeyStoreTests {
    let pki: TestPKI
    let pw = TestPKI.password

    init() throws { pki = try TestPKI() }

    private func keyDER(_ entry: KeyStore.PrivateKeyEntry) throws -> [UInt8] {
        let blocks = try PEM.blocks(entry.keyPEM, what: "key")
        #expect(blocks.count == 1 && blocks[0].label == "PRIVATE KEY")
        return blocks[0].der
    }

    @Test func jksTrustStoreFromKeytool() throws {
        try pki.sh(
            "keytool -importcert -noprompt -alias ca -file ca.pem -keystore trust.jks -storetype JKS -storepass \(pw)")
        let store = try KeyStore.read(try pki.bytes("trust.jks"), type: .jks, password: pw, what: "trust.jks")
        #expect(store.trustedCertificates.map(\.alias) == ["ca"])
        #expect(store.trustAnchors == [try pki.der("ca.pem")])
        #expect(store.trustAnchorsPEM.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        // Java reads a trust store without a password by skipping the integrity check.
        let unchecked = try KeyStore.read(try pki.bytes("trust.jks"), type: .jks, password: nil, what: "trust.jks")
        #expect(unchecked.trustAnchors == store.trustAnchors)
    }

    @Test func jksWrongPasswordIsNamed() throws {
        try pki.sh(
            "keytool -importcert -noprompt -alias ca -file ca.pem -keystore trust.jks -storetype JKS -storepass \(pw)")
        #expect(
            throws: KeyStoreError("trust.jks cannot be opened: Keystore was tampered with, or password was incorrect")
        ) {
            try KeyStore.read(try pki.bytes("trust.jks"), type: .jks, password: "wrong", what: "trust.jks")
        }
    }

    @Test func pkcs12TrustStoreFromKeytool() throws {
        try pki.sh(
            "keytool -importcert -noprompt -alias ca -file ca.pem -keystore trust.p12 -storetype PKCS12 -storepass \(pw)"
                + " && keytool -importcert -noprompt -alias other -file other.pem -keystore trust.p12 -storetype PKCS12 -storepass \(pw)"
        )
        // Declared JKS, read as what it is: Java 9+ opens either format under either name.
        let store = try KeyStore.read(try pki.bytes("trust.p12"), type: .jks, password: pw, what: "trust.p12")
        #expect(Set(store.trustedCertificates.map(\.alias)) == ["ca", "other"])
        #expect(Set(store.trustAnchors) == [try pki.der("ca.pem"), try pki.der("other.pem")])
        #expect(throws: KeyStoreError("trust.p12 cannot be opened: keystore password was incorrect")) {
            try KeyStore.read(try pki.bytes("trust.p12"), type: .pkcs12, password: "nope", what: "trust.p12")
        }
    }

    @Test func pkcs12KeyStoreFromOpenSSLWithChain() throws {
        // OpenSSL 3's defaults: PBES2 (PBKDF2-SHA256, AES-256-CBC) for key and certificates, SHA-256 MAC.
        try pki.sh(
            "cat int.pem ca.pem > chain.pem && openssl pkcs12 -export -inkey server.key -in server.pem -certfile chain.pem -name server -out server.p12 -passout pass:\(pw)"
        )
        let store = try KeyStore.read(try pki.bytes("server.p12"), type: .pkcs12, password: pw, what: "server.p12")
        #expect(store.privateKeys.count == 1)
        let key = store.privateKeys[0]
        #expect(key.alias == "server")
        #expect(try keyDER(key) == (try pki.pkcs8DER("server.key")))
        #expect(key.chain == [try pki.der("server.pem"), try pki.der("int.pem"), try pki.der("ca.pem")])
    }

    @Test func pkcs12KeyStoreFromKeytool() throws {
        // Java 17's keytool: PBEWithHmacSHA256AndAES_256 for keys and certificates, HmacPBESHA256 MAC.
        try pki.sh(
            "keytool -genkeypair -alias client -keyalg RSA -keysize 2048 -dname CN=client -validity 2 -keystore client.p12 -storetype PKCS12 -storepass \(pw)"
                + " && keytool -exportcert -rfc -alias client -keystore client.p12 -storepass \(pw) -file client.pem"
        )
        let store = try KeyStore.read(try pki.bytes("client.p12"), type: .pkcs12, password: pw, what: "client.p12")
        #expect(store.privateKeys.map(\.alias) == ["client"])
        #expect(store.privateKeys[0].chain == [try pki.der("client.pem")])
        // The key is the one the certificate certifies: openssl compares the public keys.
        try pki.sh("printf '%s' '\(store.privateKeys[0].keyPEM)' > client.key")
        let fromKey = try pki.sh("openssl pkey -in client.key -pubout")
        let fromCert = try pki.sh("openssl x509 -in client.pem -noout -pubkey")
        #expect(fromKey == fromCert)
    }

    @Test func jksKeyStoreWithPrivateKey() throws {
        // Sun's JKS key protector, from keytool converting the OpenSSL store.
        try pki.sh(
            "cat int.pem ca.pem > chain.pem && openssl pkcs12 -export -inkey server.key -in server.pem -certfile chain.pem -name server -out server.p12 -passout pass:\(pw)"
                + " && keytool -importkeystore -noprompt -srckeystore server.p12 -srcstoretype PKCS12 -srcstorepass \(pw) -destkeystore server.jks -deststoretype JKS -deststorepass \(pw) -destkeypass keypass1"
        )
        let store = try KeyStore.read(
            try pki.bytes("server.jks"), type: .jks, password: pw, keyPassword: "keypass1", what: "server.jks")
        #expect(store.privateKeys.map(\.alias) == ["server"])
        #expect(try keyDER(store.privateKeys[0]) == (try pki.pkcs8DER("server.key")))
        #expect(store.privateKeys[0].chain.first == (try pki.der("server.pem")))
        #expect(throws: KeyStoreError("the key 'server' of server.jks cannot be recovered: the key password is wrong"))
        {
            try KeyStore.read(
                try pki.bytes("server.jks"), type: .jks, password: pw, keyPassword: "bad", what: "server.jks")
        }
    }

    @Test func legacyPKCS12IsRefusedWithAWayOut() throws {
        try pki.sh(
            "openssl pkcs12 -export -inkey server.key -in server.pem -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -out legacy.p12 -passout pass:\(pw)"
        )
        do {
            _ = try KeyStore.read(try pki.bytes("legacy.p12"), type: .pkcs12, password: pw, what: "legacy.p12")
            Issue.record("a 3DES store was read")
        } catch let error as KeyStoreError {
            #expect(error.message.contains("legacy PKCS#12 cipher (pbeWithSHAAnd3-KeyTripleDES-CBC)"))
            #expect(error.message.contains("openssl pkcs12"))
        }
    }

    @Test func pemStoreWithEncryptedKey() throws {
        try pki.sh(
            "openssl pkcs8 -topk8 -v2 aes-256-cbc -in server.key -out server.enc.key -passout pass:keypw && cat server.enc.key server.pem int.pem > server-store.pem"
        )
        let text = try pki.bytes("server-store.pem")
        let store = try KeyStore.read(text, type: .pem, password: nil, keyPassword: "keypw", what: "server-store.pem")
        #expect(try keyDER(store.privateKeys[0]) == (try pki.pkcs8DER("server.key")))
        #expect(store.privateKeys[0].chain == [try pki.der("server.pem"), try pki.der("int.pem")])
        #expect(
            throws: KeyStoreError("the private key of server-store.pem cannot be decrypted: the key password is wrong")
        ) {
            try KeyStore.read(text, type: .pem, password: nil, keyPassword: "wrong", what: "server-store.pem")
        }
    }

    @Test func pemTrustStoreAndGarbage() throws {
        let text = try pki.bytes("ca.pem") + (try pki.bytes("other.pem"))
        let store = try KeyStore.read(text, type: .pem, password: nil, what: "inline")
        #expect(store.trustAnchors == [try pki.der("ca.pem"), try pki.der("other.pem")])
        #expect(throws: KeyStoreError("junk holds no PEM block")) {
            try KeyStore.read(Array("not a certificate".utf8), type: .pem, password: nil, what: "junk")
        }
        #expect(throws: KeyStoreError("junk is neither a JKS nor a PKCS12 store (nor PEM text)")) {
            try KeyStore.read(Array("not a certificate".utf8), type: .jks, password: nil, what: "junk")
        }
    }

    @Test func pkcs12KDFMatchesRFC7292Vectors() {
        // Known answers for PKCS#12's KDF with SHA-1 (from the BouncyCastle/OpenSSL test vectors: password
        // "smeg", salt 0A58CF64530D823F, 1 iteration).
        let key = PasswordBasedEncryption.pkcs12Derive(
            digest: .sha1, password: PasswordBasedEncryption.bmpString("smeg"),
            salt: [0x0A, 0x58, 0xCF, 0x64, 0x53, 0x0D, 0x82, 0x3F], iterations: 1, id: 1, count: 24)
        #expect(
            key.map { String(format: "%02X", $0) }.joined() == "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3")
    }
}

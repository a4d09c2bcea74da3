import Crypto
import CryptoExtras

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The password-based algorithms PKCS#12 files and encrypted PKCS#8 keys use: PKCS#12's own key
/// derivation (RFC 7292 appendix B, for the integrity MAC) and PBES2 (RFC 8018: PBKDF2 with AES-CBC),
/// which OpenSSL 3 and Java 17's keytool write by default.
///
/// The legacy PKCS#12 ciphers (3DES and RC2-40, written by OpenSSL 1.x and Java 8) are not
/// implemented: swift-crypto has neither cipher. Such files get an error that says how to convert them.
enum PasswordBasedEncryption {
    enum Digest {
        case sha1, sha256, sha384, sha512

        /// The digest named by an AlgorithmIdentifier's OID (PKCS#12 MAC, PBKDF2's PRF); SHA-224 is not
        /// in swift-crypto, and no writer we know chooses it.
        init?(oid: String) {
            switch oid {
            case "1.3.14.3.2.26", "1.2.840.113549.2.7": self = .sha1
            case "2.16.840.1.101.3.4.2.1", "1.2.840.113549.2.9": self = .sha256
            case "2.16.840.1.101.3.4.2.2", "1.2.840.113549.2.10": self = .sha384
            case "2.16.840.1.101.3.4.2.3", "1.2.840.113549.2.11": self = .sha512
            default: return nil
            }
        }

        var outputBytes: Int {
            switch self {
            case .sha1: return 20
            case .sha256: return 32
            case .sha384: return 48
            case .sha512: return 64
            }
        }
        /// The hash's block size (PKCS#12 KDF's `v`).
        var blockBytes: Int { self == .sha384 || self == .sha512 ? 128 : 64 }

        func hash(_ data: [UInt8]) -> [UInt8] {
            switch self {
            case .sha1: return Array(Insecure.SHA1.hash(data: data))
            case .sha256: return Array(SHA256.hash(data: data))
            case .sha384: return Array(SHA384.hash(data: data))
            case .sha512: return Array(SHA512.hash(data: data))
            }
        }

        func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
            let k = SymmetricKey(data: key)
            switch self {
            case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: k))
            case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: k))
            case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: data, using: k))
            case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: k))
            }
        }

        var pbkdf2: KDF.Insecure.PBKDF2.HashFunction {
            switch self {
            case .sha1: return .insecureSHA1
            case .sha256: return .sha256
            case .sha384: return .sha384
            case .sha512: return .sha512
            }
        }
    }

    /// A password as PKCS#12 wants it: UTF-16 big-endian with a two-byte terminator (an absent password
    /// is empty, not even the terminator).
    static func bmpString(_ password: String?) -> [UInt8] {
        guard let password else { return [] }
        var out: [UInt8] = []
        for u in password.utf16 { out += [UInt8(u >> 8), UInt8(u & 0xFF)] }
        return out + [0, 0]
    }

    /// RFC 7292 B.2: `n` bytes of key material of purpose `id` (1 key, 2 IV, 3 MAC key).
    static func pkcs12Derive(
        digest: Digest, password: [UInt8], salt: [UInt8], iterations: Int, id: UInt8, count n: Int
    ) -> [UInt8] {
        let u = digest.outputBytes
        let v = digest.blockBytes
        let d = [UInt8](repeating: id, count: v)
        func stretched(_ s: [UInt8]) -> [UInt8] {
            guard !s.isEmpty else { return [] }
            let len = v * ((s.count + v - 1) / v)
            return (0..<len).map { s[$0 % s.count] }
        }
        var i = stretched(salt) + stretched(password)
        var out: [UInt8] = []
        while out.count < n {
            var a = digest.hash(d + i)
            for _ in 1..<max(1, iterations) { a = digest.hash(a) }
            out += a
            guard out.count < n else { break }
            let b = (0..<v).map { a[$0 % u] }
            // I_j = (I_j + B + 1) mod 2^(8v), for each v-byte block of I.
            for start in stride(from: 0, to: i.count, by: v) {
                var carry = 1
                for k in stride(from: v - 1, through: 0, by: -1) {
                    let sum = Int(i[start + k]) + Int(b[k]) + carry
                    i[start + k] = UInt8(sum & 0xFF)
                    carry = sum >> 8
                }
            }
        }
        return Array(out.prefix(n))
    }

    /// Decrypts `data` encrypted under the AlgorithmIdentifier `algorithm`. Throws `wrongPassword`
    /// (the padding did not check out) or a KeyStoreError for algorithms we do not have.
    static func decrypt(_ data: [UInt8], algorithm: DERReader, password: String?, what: String)
        throws(KeyStoreError) -> [UInt8]
    {
        let parts = try algorithm.children(what)
        guard let first = parts.first else { throw KeyStoreError("\(what): empty encryption algorithm") }
        let oid = try first.objectIdentifier(what)
        switch oid {
        case "1.2.840.113549.1.5.13":  // PBES2
            guard parts.count == 2 else { throw KeyStoreError("\(what): PBES2 without parameters") }
            return try pbes2(data, parameters: parts[1], password: password, what: what)
        case "1.2.840.113549.1.12.1.3", "1.2.840.113549.1.12.1.4", "1.2.840.113549.1.12.1.5",
            "1.2.840.113549.1.12.1.6", "1.2.840.113549.1.12.1.1", "1.2.840.113549.1.12.1.2":
            throw KeyStoreError(
                "\(what) is encrypted with a legacy PKCS#12 cipher (\(legacyName(oid))), which Tributary does not implement; re-encrypt it with AES, e.g. `openssl pkcs12 -in old.p12 -legacy -nodes | openssl pkcs12 -export -out new.p12` or `keytool -importkeystore -srckeystore old.p12 -destkeystore new.p12 -deststoretype PKCS12` with a current JDK"
            )
        default:
            throw KeyStoreError("\(what) is encrypted with an unsupported algorithm (OID \(oid))")
        }
    }

    static let wrongPassword = KeyStoreError("wrong password")

    private static func legacyName(_ oid: String) -> String {
        switch oid {
        case "1.2.840.113549.1.12.1.3": return "pbeWithSHAAnd3-KeyTripleDES-CBC"
        case "1.2.840.113549.1.12.1.4": return "pbeWithSHAAnd2-KeyTripleDES-CBC"
        case "1.2.840.113549.1.12.1.5": return "pbeWithSHAAnd128BitRC2-CBC"
        case "1.2.840.113549.1.12.1.6": return "pbeWithSHAAnd40BitRC2-CBC"
        default: return "RC4"
        }
    }

    private static func pbes2(_ data: [UInt8], parameters: DERReader, password: String?, what: String)
        throws(KeyStoreError) -> [UInt8]
    {
        let p = try parameters.children(what)
        guard p.count == 2 else { throw KeyStoreError("\(what): bad PBES2 parameters") }
        let kdf = try p[0].children(what)
        guard kdf.count == 2, try kdf[0].objectIdentifier(what) == "1.2.840.113549.1.5.12" else {
            throw KeyStoreError("\(what): PBES2 with a key derivation other than PBKDF2")
        }
        let kp = try kdf[1].children(what)
        guard kp.count >= 2 else { throw KeyStoreError("\(what): bad PBKDF2 parameters") }
        let salt = try kp[0].octets(what)
        let iterations = try kp[1].int(what)
        var prf = Digest.sha1
        var keyLength: Int? = nil
        for extra in kp.dropFirst(2) {
            if extra.isInteger {
                keyLength = try extra.int(what)
            } else if extra.isSequence, let o = try extra.children(what).first {
                let name = try o.objectIdentifier(what)
                guard let d = Digest(oid: name) else {
                    throw KeyStoreError("\(what): PBKDF2 with an unsupported PRF (OID \(name))")
                }
                prf = d
            }
        }
        let scheme = try p[1].children(what)
        guard scheme.count == 2 else { throw KeyStoreError("\(what): bad PBES2 encryption scheme") }
        let cipher = try scheme[0].objectIdentifier(what)
        let bits: Int
        switch cipher {
        case "2.16.840.1.101.3.4.1.2": bits = 128
        case "2.16.840.1.101.3.4.1.22": bits = 192
        case "2.16.840.1.101.3.4.1.42": bits = 256
        default: throw KeyStoreError("\(what): PBES2 with an unsupported cipher (OID \(cipher); AES-CBC is supported)")
        }
        let iv = try scheme[1].octets(what)
        guard iterations > 0, iterations <= 10_000_000 else {
            throw KeyStoreError("\(what): PBKDF2 iteration count \(iterations) out of range")
        }
        let key: SymmetricKey
        do {
            key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array((password ?? "").utf8), salt: salt, using: prf.pbkdf2,
                outputByteCount: keyLength ?? bits / 8, unsafeUncheckedRounds: iterations)
        } catch { throw KeyStoreError("\(what): PBKDF2 failed: \(error)") }
        do {
            let plain = try AES._CBC.decrypt(data, using: key, iv: try AES._CBC.IV(ivBytes: iv))
            return Array(plain)
        } catch {
            // Bad padding: almost always a wrong password.
            throw wrongPassword
        }
    }
}

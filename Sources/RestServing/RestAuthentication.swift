import CCrypt
import ConnectAPI
import Crypto

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP Basic authentication for one REST API, answering as the API it stands in for: Kafka Connect's
/// basic-auth extension (`401`, `User cannot access the resource.`, no challenge but to a browser) or Confluent's
/// rest-utils on Jetty 9.4 (Schema Registry, REST Proxy: `401` with `WWW-Authenticate: basic realm="..."`,
/// lower-case as Jetty writes it, and `{"error_code":401,"message":"Unauthorized"}`, `403` for a user
/// without an allowed role; the Schema Registry's error handler leaves the body of a refused `DELETE`
/// empty).
///
/// Applied in front of every route of the API, so pages added later are covered too; `skipPaths` may
/// leave some open (`/health` for probes: an exact path, or a prefix written `/path/*`).
public struct RestAuthentication: Sendable {
    public enum Style: Sendable, Equatable {
        case kafkaConnect
        case confluent(realm: String)
    }

    public let style: Style
    public let users: CredentialStore
    /// The roles a user needs one of; nil: any authenticated user.
    public let roles: Set<String>?
    public let skipPaths: [String]

    public init(style: Style, users: CredentialStore, roles: Set<String>? = nil, skipPaths: [String] = []) {
        self.style = style
        self.users = users
        self.roles = roles
        self.skipPaths = skipPaths
    }

    /// The user a request authenticates as; nil for a skipped path.
    public enum Outcome: Sendable, Equatable {
        case allowed(user: String?)
        case refused(status: Int)
    }

    /// `path`: the request's path as the routes see it (percent-decoded, no empty segments).
    public func check(_ request: RestRequest, path: String? = nil) -> Outcome {
        let path = path ?? "/" + request.segments.joined(separator: "/")
        if skipPaths.contains(where: { Self.matches($0, path) }) { return .allowed(user: nil) }
        guard let (user, password) = Self.basicCredentials(request.header("authorization")),
            let userRoles = users.verify(user: user, password: password)
        else { return .refused(status: 401) }
        if let roles, roles.isDisjoint(with: userRoles) { return .refused(status: 403) }
        return .allowed(user: user)
    }

    /// The answer to a refused request. `browser`: the request asked for HTML (a page opened in a
    /// browser, such as the Connect API's `/ui`); Kafka Connect's answer then carries a Basic challenge,
    /// so the browser asks for credentials (API clients get Kafka Connect's answer unchanged).
    public func response(_ status: Int, method: String = "GET", browser: Bool = false) -> RestResponse {
        switch style {
        case .kafkaConnect:
            return RestResponse(
                status: 401, body: Array("User cannot access the resource.".utf8),
                headers: browser ? [("WWW-Authenticate", #"Basic realm="Kafka Connect", charset="UTF-8""#)] : [],
                contentType: "text/plain")
        case .confluent(let realm):
            let message = status == 401 ? "Unauthorized" : "Forbidden"
            let challenge = status == 401 ? [("WWW-Authenticate", "basic realm=\"\(realm)\"")] : []
            guard ["GET", "POST", "PUT", "HEAD"].contains(method) else {
                return RestResponse(status: status, body: nil, headers: challenge)
            }
            return .json(
                status, .object([("error_code", .int(Int64(status))), ("message", .string(message))]),
                headers: challenge)
        }
    }

    static func matches(_ pattern: String, _ path: String) -> Bool {
        if pattern.hasSuffix("/*") {
            let base = String(pattern.dropLast(2))
            return path == base || path.hasPrefix(base + "/")
        }
        return path == pattern
    }

    /// `Basic base64(user:password)`: the scheme in any case, the user name non-empty, the password
    /// after the first colon.
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header, let space = header.firstIndex(of: " "), space > header.startIndex,
            header[..<space].lowercased() == "basic",
            let bytes = Base64.decode(String(header[header.index(after: space)...]).trimmingWhitespace())
        else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":"), colon > text.startIndex else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}

/// Users and their credentials: Kafka Connect's `user=password` properties, or a Jetty password file's
/// `user: credential[,role...]` where the credential is plain, `MD5:<hex>`, `CRYPT:<crypt(3)>` or
/// `OBF:<Jetty obfuscation>`.
public struct CredentialStore: Sendable {
    public enum Credential: Sendable, Equatable {
        case plain(String)
        case md5(String)
        case crypt(String)

        /// Jetty's `Credential.getCredential` forms; `OBF:` is reversible and becomes plain.
        public init(jetty text: String) {
            if text.hasPrefix("CRYPT:") {
                self = .crypt(String(text.dropFirst(6)))
            } else if text.hasPrefix("MD5:") {
                self = .md5(String(text.dropFirst(4)).lowercased())
            } else if text.hasPrefix("OBF:") {
                self = .plain(Self.deobfuscate(String(text.dropFirst(4))))
            } else {
                self = .plain(text)
            }
        }

        func matches(_ password: String) -> Bool {
            switch self {
            case .plain(let p): return Self.constantTimeEqual(Array(p.utf8), Array(password.utf8))
            case .md5(let hex):
                // Jetty hashes the password's ISO-8859-1 bytes.
                let latin1 = password.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
                let hexDigits = Array("0123456789abcdef".utf8)
                let digest = Insecure.MD5.hash(data: latin1).flatMap {
                    [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 15)]]
                }
                return Self.constantTimeEqual(digest, Array(hex.utf8))
            case .crypt(let hashed):
                guard hashed.count >= 2, let computed = Self.unixCrypt(password, salt: String(hashed.prefix(2))) else {
                    return false
                }
                return Self.constantTimeEqual(Array(computed.utf8), Array(hashed.utf8))
            }
        }

        static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
            guard a.count == b.count else { return false }
            var diff: UInt8 = 0
            for i in 0..<a.count { diff |= a[i] ^ b[i] }
            return diff == 0
        }

        /// Traditional DES crypt(3), through libcrypt's reentrant `crypt_r`.
        static func unixCrypt(_ password: String, salt: String) -> String? {
            let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
            defer { data.deallocate() }
            memset(data, 0, MemoryLayout<crypt_data>.size)
            guard let out = crypt_r(password, salt, data) else { return nil }
            let s = String(cString: out)
            return s.hasPrefix("*") ? nil : s  // libxcrypt's failure tokens
        }

        /// Jetty's `Password.deobfuscate`: groups of four base-36 digits, or `U` and four for high bytes.
        static func deobfuscate(_ s: String) -> String {
            var bytes: [UInt8] = []
            var chars = Array(s)[...]
            while !chars.isEmpty {
                if chars.first == "U" {
                    chars = chars.dropFirst()
                    guard let i0 = Int(String(chars.prefix(4)), radix: 36) else { break }
                    bytes.append(UInt8(truncatingIfNeeded: i0 >> 8))
                } else {
                    guard let i0 = Int(String(chars.prefix(4)), radix: 36) else { break }
                    let i1 = i0 / 256
                    let i2 = i0 % 256
                    bytes.append(UInt8(truncatingIfNeeded: (i1 + i2 - 254) / 2))
                }
                chars = chars.dropFirst(4)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    public struct User: Sendable {
        public let credential: Credential
        public let roles: Set<String>
    }

    public let users: [String: User]

    public init(users: [String: User]) { self.users = users }

    /// Kafka Connect's `PropertyFileLoginModule` file: `user=password`, compared as they are.
    public static func kafkaConnect(_ pairs: [(String, String)]) -> CredentialStore {
        var u: [String: User] = [:]
        for (k, v) in pairs { u[k] = User(credential: .plain(v), roles: []) }
        return CredentialStore(users: u)
    }

    /// A Jetty password file's entries: `user` → `credential[,role...]`.
    public static func jetty(_ pairs: [(String, String)]) -> CredentialStore {
        var u: [String: User] = [:]
        for (k, v) in pairs {
            let parts = v.split(separator: ",", omittingEmptySubsequences: false).map {
                String($0).trimmingWhitespace()
            }
            u[k.trimmingWhitespace()] = User(
                credential: Credential(jetty: parts.first ?? ""), roles: Set(parts.dropFirst().filter { !$0.isEmpty }))
        }
        return CredentialStore(users: u)
    }

    /// The user's roles when the password is right; nil otherwise.
    public func verify(user: String, password: String) -> Set<String>? {
        guard let u = users[user], u.credential.matches(password) else { return nil }
        return u.roles
    }
}

import Crypto

/// Credentials for AWS Signature Version 4. `description` never shows the secret.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public let accessKeyId: String
    public let secretAccessKey: String
    public let sessionToken: String?
    /// When temporary credentials stop working, in seconds since the epoch; nil for long-term keys.
    public let expiration: Int64?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Int64? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.expiration = expiration
    }

    /// AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY) / AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY) /
    /// AWS_SESSION_TOKEN, as the AWS SDKs for Java read them.
    public static func fromEnvironment(_ env: [String: String]) -> AWSCredentials? {
        func nonEmpty(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        guard let id = nonEmpty("AWS_ACCESS_KEY_ID") ?? nonEmpty("AWS_ACCESS_KEY"),
            let secret = nonEmpty("AWS_SECRET_ACCESS_KEY") ?? nonEmpty("AWS_SECRET_KEY")
        else { return nil }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: nonEmpty("AWS_SESSION_TOKEN"))
    }

    public var description: String { "AWSCredentials(\(accessKeyId), [hidden])" }
}

/// AWS Signature Version 4 in the Authorization header
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
public struct AWSSigner: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String

    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Adds `x-amz-date`, `x-amz-security-token` (temporary credentials) and `Authorization` to `request`.
    /// Every header already on the request is signed, plus `host` (taken from the URL as libcurl will send
    /// it). S3 wants `x-amz-content-sha256` among them: the caller adds it with `payloadHash`.
    public func sign(_ request: inout HTTPRequest, payloadHash: String, epochSeconds: Int64) {
        let amzDate = Self.amzDate(epochSeconds: epochSeconds)
        request.headers.removeAll { ["authorization", "x-amz-date"].contains($0.name.lowercased()) }
        request.headers.append(("x-amz-date", amzDate))
        if let token = credentials.sessionToken { request.headers.append(("x-amz-security-token", token)) }
        request.headers.append(
            ("Authorization", authorization(for: request, payloadHash: payloadHash, amzDate: amzDate)))
    }

    /// The Authorization header value for a request that already carries its `x-amz-date`.
    public func authorization(for request: HTTPRequest, payloadHash: String, amzDate: String) -> String {
        let parts = URLParts(request.url)
        var canonicalHeaders: [(String, String)] = [("host", parts.hostHeader)]
        for h in request.headers where h.name.lowercased() != "host" && h.name.lowercased() != "authorization" {
            canonicalHeaders.append((h.name.lowercased(), Self.collapsedSpaces(h.value)))
        }
        // Stable sort: repeated names keep their order and are joined with commas.
        canonicalHeaders.sort { $0.0 < $1.0 }
        var merged: [(String, String)] = []
        for (k, v) in canonicalHeaders {
            if let last = merged.last, last.0 == k {
                merged[merged.count - 1].1 += "," + v
            } else {
                merged.append((k, v))
            }
        }
        let signedHeaders = merged.map(\.0).joined(separator: ";")
        let canonicalRequest = [
            request.method,
            service == "s3"
                ? (parts.path.isEmpty ? "/" : parts.path)
                : Self.uriEncode(parts.path.isEmpty ? "/" : parts.path, encodeSlash: false),
            Self.canonicalQuery(parts.query),
            merged.map { "\($0.0):\($0.1)\n" }.joined(),
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(Self.sha256Hex(Array(canonicalRequest.utf8)))"
        let signature = Self.hex(signature(stringToSign, day: day))
        return
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// A presigned URL (SigV4 in the query string, `host` the only signed header, the empty payload's
    /// hash), as AWS SDKs presign: the query parameters of `url` first, then the `X-Amz-*` ones, in that
    /// order in the result; the signature covers them sorted.
    public func presignedURL(method: String = "GET", url: String, expiresSeconds: Int, epochSeconds: Int64) -> String {
        let amzDate = Self.amzDate(epochSeconds: epochSeconds)
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let parts = URLParts(url)
        var query: [(String, String)] = parts.query.split(separator: "&").map { item in
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.percentDecoded(kv[0]), kv.count > 1 ? Self.percentDecoded(kv[1]) : "")
        }
        query += [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"),
            ("X-Amz-Date", amzDate), ("X-Amz-Expires", String(expiresSeconds)), ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        let encoded = query.map {
            "\(Self.uriEncode($0.0, encodeSlash: true))=\(Self.uriEncode($0.1, encodeSlash: true))"
        }
        let canonicalRequest = [
            method, Self.uriEncode(parts.path.isEmpty ? "/" : parts.path, encodeSlash: false),
            Self.canonicalQuery(encoded.joined(separator: "&")), "host:\(parts.hostHeader)\n", "host",
            Self.emptyPayloadHash,
        ].joined(separator: "\n")
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(Self.sha256Hex(Array(canonicalRequest.utf8)))"
        let signature = Self.hex(signature(stringToSign, day: day))
        let base = url.firstIndex(of: "?").map { String(url[..<$0]) } ?? url
        return base + "?" + encoded.joined(separator: "&") + "&X-Amz-Signature=" + signature
    }

    private func signature(_ stringToSign: String, day: String) -> [UInt8] {
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return Array(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        var h = SHA256()
        h.update(data: Array(bytes))
        return hex(Array(h.finalize()))
    }

    public static func sha256Hex(_ buffer: UnsafeRawBufferPointer) -> String {
        hex(Array(SHA256.hash(data: buffer)))
    }

    /// MD5 digest: S3 wants it (base64) next to a customer-provided encryption key (SSE-C), so that a
    /// key mangled on the way is refused rather than used.
    public static func md5(_ bytes: [UInt8]) -> [UInt8] {
        Array(Insecure.MD5.hash(data: bytes))
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func amzDate(epochSeconds t: Int64) -> String {
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = t - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return pad(y, 4) + pad(m, 2) + pad(d, 2) + "T" + pad(secs / 3600, 2) + pad(secs % 3600 / 60, 2)
            + pad(secs % 60, 2) + "Z"
    }

    /// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept, everything else %XX
    /// (upper case); `/` kept unless `encodeSlash`.
    public static func uriEncode(_ s: String, encodeSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let hexDigits = Array("0123456789ABCDEF".unicodeScalars)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: "/") where !encodeSlash:
                out.append("/")
            default:
                out.append("%")
                out.unicodeScalars.append(hexDigits[Int(b >> 4)])
                out.unicodeScalars.append(hexDigits[Int(b & 15)])
            }
        }
        return out
    }

    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { item -> (String, String) in
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let k = uriEncode(percentDecoded(kv[0]), encodeSlash: true)
            let v = kv.count > 1 ? uriEncode(percentDecoded(kv[1]), encodeSlash: true) : ""
            return (k, v)
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(
            separator: "&")
    }

    /// `%XX` escapes decoded (`+` stays `+`).
    public static func percentDecoded(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2,
                let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func collapsedSpaces(_ v: String) -> String {
        v.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The pieces of an absolute URL the signer needs.
struct URLParts {
    var scheme = ""
    var host = ""
    var port: Int?
    var path = ""
    var query = ""

    init(_ url: String) {
        var rest = Substring(url)
        if let r = rest.firstRange(of: "://") {
            scheme = rest[..<r.lowerBound].lowercased()
            rest = rest[r.upperBound...]
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...])
        } else {
            host = String(authority)
        }
        rest = rest[authorityEnd...]
        if let q = rest.firstIndex(of: "?") {
            path = String(rest[..<q])
            query = String(rest[rest.index(after: q)...])
        } else {
            path = String(rest)
        }
    }

    /// What libcurl sends as Host: the port only when it is not the scheme's default.
    var hostHeader: String {
        guard let port else { return host.lowercased() }
        if (scheme == "http" && port == 80) || (scheme == "https" && port == 443) { return host.lowercased() }
        return "\(host.lowercased()):\(port)"
    }
}

import ConnectAPI
import CurlClient
import KafkaClient

/// OAUTHBEARER tokens from an OAuth 2 token endpoint with the client-credentials grant, as Kafka's
/// `OAuthBearerLoginCallbackHandler` gets them (KIP-768): `POST sasl.oauthbearer.token.endpoint.url`
/// with `grant_type=client_credentials` (and `scope`), the client id and secret as HTTP Basic
/// credentials; the answer's `access_token` is a JWT whose `exp` and `sub` claims give the token's
/// lifetime and principal. Fetched over libcurl (librdkafka is built without it, to keep idle memory
/// low), on librdkafka's background thread.
public struct OIDCClientCredentials: OAuthBearerTokenProvider {
    public let tokenEndpoint: String
    let clientId: String
    let clientSecret: String
    let scope: String?
    let subClaim: String
    let extensions: [(String, String)]

    /// The token request (its Authorization header holds the secret: never log it).
    func request() -> HTTPRequest {
        var body = "grant_type=client_credentials"
        if let scope, !scope.isEmpty { body += "&scope=" + AWSSigner.uriEncode(scope, encodeSlash: true) }
        let basic = Base64.encode(Array("\(clientId):\(clientSecret)".utf8))
        return HTTPRequest(
            method: "POST", url: tokenEndpoint,
            headers: [
                ("Authorization", "Basic \(basic)"), ("Accept", "application/json"),
                ("Content-Type", "application/x-www-form-urlencoded"), ("Cache-Control", "no-cache"),
            ], body: Array(body.utf8))
    }

    public func token() throws -> OAuthBearerToken {
        let session = try CurlSession()
        let r: HTTPResponse
        do { r = try session.sendBlocking(request()) } catch {
            throw OIDCError("token endpoint \(tokenEndpoint) unreachable: \(error)")
        }
        guard r.status == 200 else {
            let text = String(decoding: r.body.prefix(300), as: UTF8.self)
            throw OIDCError("token endpoint \(tokenEndpoint) answered HTTP \(r.status): \(text)")
        }
        return try Self.parse(r.body, subClaim: subClaim, extensions: extensions, endpoint: tokenEndpoint)
    }

    static func parse(_ body: [UInt8], subClaim: String, extensions: [(String, String)], endpoint: String) throws
        -> OAuthBearerToken
    {
        guard let json = try? JSONParser.parse(body), let access = json["access_token"]?.stringValue else {
            throw OIDCError("token endpoint \(endpoint) answered without an access_token")
        }
        let claims = try jwtClaims(access, endpoint: endpoint)
        guard let exp = claims["exp"]?.doubleValue else {
            throw OIDCError("the access token from \(endpoint) has no exp claim")
        }
        guard let sub = claims[subClaim]?.stringValue, !sub.isEmpty else {
            throw OIDCError("the access token from \(endpoint) has no \(subClaim) claim")
        }
        return OAuthBearerToken(
            value: access, expiresAtMs: Int64(exp * 1000), principal: sub, extensions: extensions)
    }

    /// The payload of a JWT (header.payload.signature, base64url); the signature is the broker's to check.
    static func jwtClaims(_ jwt: String, endpoint: String) throws -> JSONValue {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw OIDCError("the access token from \(endpoint) is not a JWT") }
        var b64 = parts[1].replacing("-", with: "+").replacing("_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let bytes = Base64.decode(String(b64)), let claims = try? JSONParser.parse(bytes) else {
            throw OIDCError("the access token from \(endpoint) has an unreadable payload")
        }
        return claims
    }
}

struct OIDCError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

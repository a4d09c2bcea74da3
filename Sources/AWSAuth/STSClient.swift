import CurlClient

/// AWS Security Token Service, the two calls credential providers make: AssumeRole (signed with the
/// caller's credentials) and AssumeRoleWithWebIdentity (unsigned: the web identity token is the proof).
/// Query API over HTTPS POST, XML answers.
public struct STSClient: Sendable {
    public let endpoint: String
    public let region: String

    /// The endpoint as the AWS SDKs choose it: `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL`, then the
    /// regional `https://sts.<region>.amazonaws.com` (the global endpoint without a region).
    public init(region: String?, environment: [String: String]) {
        let r = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"]
        self.region = r ?? "us-east-1"
        if let e = environment["AWS_ENDPOINT_URL_STS"] ?? environment["AWS_ENDPOINT_URL"], !e.isEmpty {
            endpoint = e
        } else if let r {
            endpoint = "https://sts.\(r).amazonaws.com"
        } else {
            endpoint = "https://sts.amazonaws.com"
        }
    }

    public func assumeRole(
        roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int? = nil,
        credentials: AWSCredentials, now: Int64
    ) throws -> AWSCredentials {
        var form = [
            ("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleArn), ("RoleSessionName", sessionName),
        ]
        if let externalId { form.append(("ExternalId", externalId)) }
        if let durationSeconds { form.append(("DurationSeconds", String(durationSeconds))) }
        var request = Self.request(endpoint, form)
        let body = request.body
        request.headers.append(("x-amz-content-sha256", AWSSigner.sha256Hex(body)))
        AWSSigner(credentials: credentials, region: region, service: "sts").sign(
            &request, payloadHash: AWSSigner.sha256Hex(body), epochSeconds: now)
        return try send(request, what: "AssumeRole \(roleArn)")
    }

    public func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, token: String) throws -> AWSCredentials
    {
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleArn),
            ("RoleSessionName", sessionName), ("WebIdentityToken", token),
        ]
        return try send(Self.request(endpoint, form), what: "AssumeRoleWithWebIdentity \(roleArn)")
    }

    private static func request(_ endpoint: String, _ form: [(String, String)]) -> HTTPRequest {
        let body = form.map { "\($0.0)=\(AWSSigner.uriEncode($0.1, encodeSlash: true))" }.joined(separator: "&")
        var url = endpoint
        if !url.dropFirst(8).contains("/") { url += "/" }
        return HTTPRequest(
            method: "POST", url: url, headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(body.utf8))
    }

    private func send(_ request: HTTPRequest, what: String) throws -> AWSCredentials {
        let session: CurlSession
        do { session = try CurlSession() } catch { throw AWSCredentialsError("STS \(what): \(error)") }
        let r: HTTPResponse
        do { r = try session.sendBlocking(request) } catch {
            throw AWSCredentialsError("STS \(what) at \(endpoint) failed: \(error)")
        }
        let text = String(decoding: r.body, as: UTF8.self)
        guard r.status == 200 else {
            let code = AWSXML.element("Code", in: text) ?? "HTTP \(r.status)"
            let message = AWSXML.element("Message", in: text) ?? String(text.prefix(200))
            throw AWSCredentialsError("STS \(what) at \(endpoint) was refused: \(code): \(message)")
        }
        guard let id = AWSXML.element("AccessKeyId", in: text), let secret = AWSXML.element("SecretAccessKey", in: text)
        else { throw AWSCredentialsError("STS \(what) answered without credentials") }
        return AWSCredentials(
            accessKeyId: id, secretAccessKey: secret, sessionToken: AWSXML.element("SessionToken", in: text),
            expiration: AWSXML.element("Expiration", in: text).flatMap(AWSClock.parse))
    }
}

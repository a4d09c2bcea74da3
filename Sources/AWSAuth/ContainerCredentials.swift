import ConnectAPI
import CurlClient

/// Credentials served over HTTP by the platform: the ECS/EKS container endpoint
/// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on 169.254.170.2, or `AWS_CONTAINER_CREDENTIALS_FULL_URI`
/// with `AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)`), and EC2's instance metadata service (IMDSv2: a
/// session token first, then the role's credentials; `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it).
enum ContainerCredentials {
    static func container(environment env: [String: String], readFile: (String) -> String?) throws -> AWSCredentials {
        let url: String
        if let rel = env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !rel.isEmpty {
            url = "http://169.254.170.2" + rel
        } else if let full = env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            url = full
        } else {
            throw AWSCredentialsError("no container credentials endpoint is set")
        }
        var headers: [(name: String, value: String)] = []
        if let file = env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], let t = readFile(file) {
            headers.append(("Authorization", t.trimmed))
        } else if let t = env["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !t.isEmpty {
            headers.append(("Authorization", t))
        }
        let body = try get(HTTPRequest(url: url, headers: headers), what: "the container credentials endpoint \(url)")
        return try parse(body, what: url)
    }

    static func instanceMetadata(environment env: [String: String]) throws -> AWSCredentials {
        var base = env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254"
        while base.hasSuffix("/") { base.removeLast() }
        let what = "the EC2 instance metadata service \(base)"
        let token = try get(
            HTTPRequest(
                method: "PUT", url: base + "/latest/api/token",
                headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")]), what: what)
        let auth = [(name: "X-aws-ec2-metadata-token", value: token.trimmed)]
        let roles = try get(
            HTTPRequest(url: base + "/latest/meta-data/iam/security-credentials/", headers: auth), what: what)
        guard let role = roles.split(whereSeparator: \.isNewline).first.map({ String($0).trimmed }), !role.isEmpty
        else {
            throw AWSCredentialsError("\(what) lists no IAM role for this instance")
        }
        let body = try get(
            HTTPRequest(
                url: base + "/latest/meta-data/iam/security-credentials/"
                    + AWSSigner.uriEncode(role, encodeSlash: true),
                headers: auth), what: what)
        return try parse(body, what: what)
    }

    private static func get(_ request: HTTPRequest, what: String) throws -> String {
        var options = CurlSession.Options()
        options.connectTimeoutMs = 1000
        options.timeoutMs = 3000
        let session = try CurlSession(options: options)
        let r: HTTPResponse
        do { r = try session.sendBlocking(request) } catch {
            throw AWSCredentialsError("\(what) unreachable: \(error)")
        }
        guard r.status == 200 else { throw AWSCredentialsError("\(what) answered HTTP \(r.status)") }
        return String(decoding: r.body, as: UTF8.self)
    }

    /// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}` (and IMDS's `"Code": "Success"`).
    private static func parse(_ body: String, what: String) throws -> AWSCredentials {
        guard let json = try? JSONParser.parse(body), let id = json["AccessKeyId"]?.stringValue,
            let secret = json["SecretAccessKey"]?.stringValue
        else { throw AWSCredentialsError("\(what) answered without credentials") }
        if let code = json["Code"]?.stringValue, code != "Success" {
            throw AWSCredentialsError("\(what) answered \(code)")
        }
        return AWSCredentials(
            accessKeyId: id, secretAccessKey: secret, sessionToken: json["Token"]?.stringValue,
            expiration: json["Expiration"]?.stringValue.flatMap(AWSClock.parse))
    }
}

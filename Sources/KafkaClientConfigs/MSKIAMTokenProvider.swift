import AWSAuth
import ConnectAPI
import CurlClient
import KafkaClient

/// Amazon MSK's IAM authentication as an OAUTHBEARER token: a SigV4-presigned
/// `GET https://kafka.<region>.amazonaws.com/?Action=kafka-cluster:Connect` (service `kafka-cluster`,
/// valid 900 s), base64url without padding, as `aws-msk-iam-sasl-signer-python` builds it. MSK brokers
/// accept it for both `AWS_MSK_IAM` (Java's IAMLoginModule) and OAUTHBEARER.
public struct MSKIAMTokenProvider: OAuthBearerTokenProvider {
    public let region: String
    let credentials: any AWSCredentialsProvider
    let now: @Sendable () -> Int64

    /// The User-Agent the token carries (outside the signature; MSK logs it).
    public static let userAgent = "tributary-msk-iam"

    /// From the JAAS options of `IAMLoginModule` (`awsProfileName`, `awsRoleArn`, `awsRoleSessionName`,
    /// `awsRoleExternalId`, `awsStsRegion`, `awsRoleAccessKeyId`/`awsRoleSecretAccessKey`/
    /// `awsRoleSessionToken`); without them, the default AWS credentials chain.
    public init(
        region: String, options: [String: String], environment: [String: String],
        now: @escaping @Sendable () -> Int64 = AWSClock.epochSeconds
    ) throws {
        self.region = region
        self.now = now
        let chain = AWSCredentialsChain(environment: environment, now: now)
        var base: any AWSCredentialsProvider = chain.defaultProvider()
        if let profile = options["awsProfileName"] { base = try chain.profileProvider(profile) }
        // The STS host is built from the region: only a region's name may go there.
        if let sts = options["awsStsRegion"], sts != "aws-global", !Self.isRegion(sts) {
            throw ClientConfigException(
                key: "sasl.jaas.config", "awsStsRegion=\(sts) is not an AWS region (like us-east-1)")
        }
        if let role = options["awsRoleArn"] {
            if let id = options["awsRoleAccessKeyId"], let secret = options["awsRoleSecretAccessKey"] {
                base = StaticCredentialsProvider(
                    AWSCredentials(
                        accessKeyId: id, secretAccessKey: secret, sessionToken: options["awsRoleSessionToken"]))
            }
            base = chain.assumeRoleProvider(
                base: base, roleArn: role, sessionName: options["awsRoleSessionName"] ?? "aws-msk-iam-auth",
                externalId: options["awsRoleExternalId"],
                region: options["awsStsRegion"].flatMap { $0 == "aws-global" ? nil : $0 })
        }
        credentials = base
    }

    init(region: String, credentials: any AWSCredentialsProvider, now: @escaping @Sendable () -> Int64) {
        self.region = region
        self.credentials = credentials
        self.now = now
    }

    public func token() throws -> OAuthBearerToken {
        let c = try credentials.credentials()
        let t = now()
        let (value, expiresAtMs) = Self.token(
            credentials: c, region: region, epochSeconds: t, userAgent: Self.userAgent)
        // The token is worthless once the credentials that signed it expire.
        let expiry = c.expiration.map { min(expiresAtMs, $0 * 1000) } ?? expiresAtMs
        return OAuthBearerToken(value: value, expiresAtMs: expiry, principal: c.accessKeyId)
    }

    /// The token and its expiry (ms since the epoch) for fixed credentials and time.
    public static func token(credentials: AWSCredentials, region: String, epochSeconds: Int64, userAgent: String)
        -> (token: String, expiresAtMs: Int64)
    {
        let signer = AWSSigner(credentials: credentials, region: region, service: "kafka-cluster")
        let url = signer.presignedURL(
            url: "https://kafka.\(region).amazonaws.com/?Action=kafka-cluster%3AConnect", expiresSeconds: 900,
            epochSeconds: epochSeconds)
        let full = url + "&User-Agent=" + AWSSigner.uriEncode(userAgent, encodeSlash: true)
        var b64 = Base64.encode(Array(full.utf8))
        b64 = b64.replacing("+", with: "-").replacing("/", with: "_")
        while b64.hasSuffix("=") { b64.removeLast() }
        return (b64, (epochSeconds + 900) * 1000)
    }

    /// The region of an MSK cluster: the one its broker host names carry
    /// (`b-1.name.abc.c2.kafka.us-east-1.amazonaws.com`), else `AWS_REGION`/`AWS_DEFAULT_REGION`.
    public static func region(bootstrapServers: String, environment: [String: String]) -> String? {
        for server in bootstrapServers.split(separator: ",") {
            let host = server.split(separator: ":").first.map(String.init) ?? ""
            let labels = host.split(separator: ".").map(String.init)
            for (i, l) in labels.enumerated() where (l == "kafka" || l == "kafka-serverless") && i + 1 < labels.count {
                if isRegion(labels[i + 1]) { return labels[i + 1] }
            }
        }
        return environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"]
    }

    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-4`...
    static func isRegion(_ s: String) -> Bool {
        let parts = s.split(separator: "-")
        guard parts.count >= 3, let last = parts.last, Int(last) != nil else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }
    }
}

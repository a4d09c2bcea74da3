import CurlClient
import KeyStores
import Synchronization

/// AWS credentials found the way the AWS SDKs find them, and the providers Confluent's connectors name
/// by class (`s3.credentials.provider.class`).
///
/// The default chain: the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`), then web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, through STS),
/// then the shared credentials and config files (`AWS_PROFILE`; static keys, `role_arn` with
/// `source_profile`, `credential_source` or `web_identity_token_file`), then the ECS container endpoint,
/// then EC2's instance metadata (IMDSv2). The first source that is configured is kept for later calls;
/// temporary credentials are refreshed before they expire.
public struct AWSCredentialsChain: Sendable {
    let environment: [String: String]
    let now: @Sendable () -> Int64

    public init(environment: [String: String], now: @escaping @Sendable () -> Int64 = AWSClock.epochSeconds) {
        self.environment = environment
        self.now = now
    }

    static func readText(_ path: String) -> String? {
        (try? LocalFile.read(path)).map { String(decoding: $0, as: UTF8.self) }
    }

    private func sessionName(_ configured: String?) -> String {
        configured.flatMap { $0.isEmpty ? nil : $0 } ?? "tributary-\(now())"
    }

    // MARK: The providers

    public func environmentProvider() throws -> any AWSCredentialsProvider {
        guard let c = AWSCredentials.fromEnvironment(environment) else {
            throw AWSCredentialsError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        }
        return StaticCredentialsProvider(c)
    }

    public func webIdentityProvider(tokenFile: String? = nil, roleArn: String? = nil, sessionName name: String? = nil)
        throws -> any AWSCredentialsProvider
    {
        guard let file = tokenFile ?? environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !file.isEmpty,
            let role = roleArn ?? environment["AWS_ROLE_ARN"], !role.isEmpty
        else { throw AWSCredentialsError("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set") }
        let sts = STSClient(region: nil, environment: environment)
        let session = sessionName(name ?? environment["AWS_ROLE_SESSION_NAME"])
        return RefreshingCredentialsProvider(now: now) {
            guard let token = Self.readText(file) else {
                throw AWSCredentialsError("cannot read the web identity token file \(file)")
            }
            return try sts.assumeRoleWithWebIdentity(roleArn: role, sessionName: session, token: token.trimmed)
        }
    }

    public func profileProvider(_ name: String? = nil) throws -> any AWSCredentialsProvider {
        let profile = name ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
        let files = AWSProfileFiles.load(environment: environment, read: Self.readText)
        return try profileProvider(profile, files: files, seen: [])
    }

    private func profileProvider(_ name: String, files: AWSProfileFiles, seen: Set<String>) throws
        -> any AWSCredentialsProvider
    {
        guard let p = files.profiles[name] else {
            throw AWSCredentialsError("no profile [\(name)] in the shared credentials or config file")
        }
        guard !seen.contains(name) else { throw AWSCredentialsError("profile [\(name)] refers to itself") }
        if let role = p["role_arn"] {
            let base: any AWSCredentialsProvider
            if let source = p["source_profile"] {
                base = try profileProvider(source, files: files, seen: seen.union([name]))
            } else if let token = p["web_identity_token_file"] {
                return try webIdentityProvider(tokenFile: token, roleArn: role, sessionName: p["role_session_name"])
            } else if let source = p["credential_source"] {
                switch source {
                case "Environment": base = try environmentProvider()
                case "Ec2InstanceMetadata": base = instanceMetadataProvider()
                case "EcsContainer": base = try containerProvider()
                default: throw AWSCredentialsError("profile [\(name)]: unknown credential_source \(source)")
                }
            } else {
                throw AWSCredentialsError("profile [\(name)] has role_arn without source_profile or credential_source")
            }
            return assumeRoleProvider(
                base: base, roleArn: role, sessionName: p["role_session_name"], externalId: p["external_id"],
                durationSeconds: p["duration_seconds"].flatMap { Int($0) }, region: p["region"])
        }
        guard let id = p["aws_access_key_id"], let secret = p["aws_secret_access_key"] else {
            throw AWSCredentialsError(
                "profile [\(name)] has neither aws_access_key_id/aws_secret_access_key nor role_arn")
        }
        return StaticCredentialsProvider(
            AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: p["aws_session_token"]))
    }

    public func containerProvider() throws -> any AWSCredentialsProvider {
        guard
            environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] != nil
                || environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] != nil
        else { throw AWSCredentialsError("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI are not set") }
        let env = environment
        return RefreshingCredentialsProvider(now: now) {
            try ContainerCredentials.container(environment: env, readFile: Self.readText)
        }
    }

    public func instanceMetadataProvider() -> any AWSCredentialsProvider {
        let env = environment
        return RefreshingCredentialsProvider(now: now) { try ContainerCredentials.instanceMetadata(environment: env) }
    }

    /// Temporary credentials of `roleArn`, assumed with `base`'s credentials through STS (`AssumeRole`).
    public func assumeRoleProvider(
        base: any AWSCredentialsProvider, roleArn: String, sessionName name: String?, externalId: String?,
        durationSeconds: Int? = nil, region: String? = nil
    ) -> any AWSCredentialsProvider {
        let sts = STSClient(region: region, environment: environment)
        let session = sessionName(name)
        let now = self.now
        return RefreshingCredentialsProvider(now: now) {
            try sts.assumeRole(
                roleArn: roleArn, sessionName: session, externalId: externalId, durationSeconds: durationSeconds,
                credentials: try base.credentials(), now: now())
        }
    }

    /// The default chain (see the type's documentation).
    public func defaultProvider() -> any AWSCredentialsProvider { DefaultChain(chain: self) }

    /// The provider a Confluent connector names in `s3.credentials.provider.class` (AWS SDK v1 or v2 class
    /// names); nil for a class Tributary does not know.
    public func provider(className: String) -> (any AWSCredentialsProvider)? {
        let simple = className.split(separator: ".").last.map(String.init) ?? className
        switch simple {
        case "DefaultAWSCredentialsProviderChain", "DefaultCredentialsProvider": return defaultProvider()
        case "EnvironmentVariableCredentialsProvider": return Deferred { try environmentProvider() }
        case "ProfileCredentialsProvider": return Deferred { try profileProvider() }
        case "WebIdentityTokenCredentialsProvider", "WebIdentityTokenFileCredentialsProvider":
            return Deferred { try webIdentityProvider() }
        case "ContainerCredentialsProvider": return Deferred { try containerProvider() }
        case "InstanceProfileCredentialsProvider": return instanceMetadataProvider()
        case "EC2ContainerCredentialsProviderWrapper":
            return Deferred { (try? containerProvider()) ?? instanceMetadataProvider() }
        default: return nil
        }
    }
}

/// A provider chosen on first use (so an unset variable is reported when credentials are needed).
private final class Deferred: AWSCredentialsProvider {
    private let make: @Sendable () throws -> any AWSCredentialsProvider
    private let made = Mutex<(any AWSCredentialsProvider)?>(nil)

    init(_ make: @escaping @Sendable () throws -> any AWSCredentialsProvider) { self.make = make }

    func credentials() throws -> AWSCredentials {
        if let p = made.withLock({ $0 }) { return try p.credentials() }
        let p = try make()
        made.withLock { $0 = p }
        return try p.credentials()
    }
}

/// The default chain: the first source that yields credentials is kept.
private final class DefaultChain: AWSCredentialsProvider {
    private let chain: AWSCredentialsChain
    private let chosen = Mutex<(any AWSCredentialsProvider)?>(nil)

    init(chain: AWSCredentialsChain) { self.chain = chain }

    func credentials() throws -> AWSCredentials {
        if let p = chosen.withLock({ $0 }) { return try p.credentials() }
        var tried: [String] = []
        let candidates: [(String, () throws -> any AWSCredentialsProvider)] = [
            ("environment", { try self.chain.environmentProvider() }),
            ("web identity", { try self.chain.webIdentityProvider() }),
            ("profile", { try self.chain.profileProvider() }),
            ("container", { try self.chain.containerProvider() }),
        ]
        for (name, make) in candidates {
            let p: any AWSCredentialsProvider
            do { p = try make() } catch {
                tried.append("\(name): \(error)")
                continue
            }
            // A configured source that fails is the answer (as the SDKs do): its error names the cause.
            let c = try p.credentials()
            chosen.withLock { $0 = p }
            return c
        }
        if chain.environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true" {
            let p = chain.instanceMetadataProvider()
            do {
                let c = try p.credentials()
                chosen.withLock { $0 = p }
                return c
            } catch { tried.append("instance metadata: \(error)") }
        }
        throw AWSCredentialsError(
            "No AWS credentials found by the default chain (\(tried.joined(separator: "; ")))")
    }
}

import CurlClient
import Foundation
import Synchronization
import Testing

@testable import AWSAuth

/// The AWS SDKs' credential rules, without the network: environment variables, shared files,
/// refresh timing, timestamps.
@Suite struct AWSCredentialsTests {
    @Test func environmentVariablesAsJavaReadsThem() {
        let c = AWSCredentials.fromEnvironment([
            "AWS_ACCESS_KEY": "AKID", "AWS_SECRET_KEY": "secret", "AWS_SESSION_TOKEN": "",
        ])
        #expect(c?.accessKeyId == "AKID" && c?.secretAccessKey == "secret" && c?.sessionToken == nil)
        #expect(AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKID"]) == nil)
        #expect("\(c!)" == "AWSCredentials(AKID, [hidden])")
    }

    @Test func sharedFilesCredentialsWinOverConfig() {
        let files = AWSProfileFiles(
            credentials: """
                [default]
                aws_access_key_id = AKIDCRED
                aws_secret_access_key = s1
                [prod]
                aws_access_key_id=AKIDPROD
                aws_secret_access_key=s2
                """,
            config: """
                # comment
                [default]
                aws_access_key_id = AKIDCONFIG
                region = eu-west-1
                [profile deploy]
                role_arn = arn:aws:iam::123456789012:role/deploy
                source_profile = prod
                external_id = x-1
                """)
        #expect(files.profiles["default"]?["aws_access_key_id"] == "AKIDCRED")
        #expect(files.profiles["default"]?["region"] == "eu-west-1")
        #expect(files.profiles["deploy"]?["source_profile"] == "prod")
        #expect(files.profiles["profile deploy"] == nil)
    }

    @Test func profilesResolveStaticKeysAndRefuseLoops() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let creds = dir.appendingPathComponent("credentials")
        try
            "[team]\naws_access_key_id=AKIDTEAM\naws_secret_access_key=s\naws_session_token=tok\n[a]\nrole_arn=r\nsource_profile=b\n[b]\nrole_arn=r\nsource_profile=a\n"
            .write(to: creds, atomically: true, encoding: .utf8)
        let chain = AWSCredentialsChain(environment: [
            "AWS_SHARED_CREDENTIALS_FILE": creds.path, "AWS_CONFIG_FILE": dir.appendingPathComponent("none").path,
            "AWS_PROFILE": "team",
        ])
        let c = try chain.profileProvider().credentials()
        #expect(c.accessKeyId == "AKIDTEAM" && c.sessionToken == "tok")
        #expect(throws: (any Error).self) { try chain.profileProvider("a") }
        #expect(throws: (any Error).self) { try chain.profileProvider("missing") }
    }

    @Test func theDefaultChainTakesTheEnvironmentFirst() throws {
        let chain = AWSCredentialsChain(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t",
            "AWS_ROLE_ARN": "arn",
        ])
        #expect(try chain.defaultProvider().credentials().accessKeyId == "AKIDENV")
        #expect(chain.provider(className: "com.amazonaws.auth.EnvironmentVariableCredentialsProvider") != nil)
        #expect(chain.provider(className: "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider") != nil)
        #expect(chain.provider(className: "com.example.Custom") == nil)
    }

    @Test func temporaryCredentialsAreRefreshedBeforeTheyExpire() throws {
        let now = Mutex<Int64>(1000)
        let fetches = Mutex(0)
        let clock: @Sendable () -> Int64 = { now.withLock { $0 } }
        let provider = RefreshingCredentialsProvider(now: clock) {
            let n = fetches.withLock { f -> Int in
                f += 1
                return f
            }
            let t = now.withLock { $0 }
            return AWSCredentials(accessKeyId: "K\(n)", secretAccessKey: "s", sessionToken: "t", expiration: t + 3600)
        }
        #expect(try provider.credentials().accessKeyId == "K1")
        now.withLock { $0 += 3000 }  // 10 minutes left: still good
        #expect(try provider.credentials().accessKeyId == "K1")
        now.withLock { $0 += 400 }  // under 5 minutes left: refreshed
        #expect(try provider.credentials().accessKeyId == "K2")
        #expect(fetches.withLock { $0 } == 2)
    }

    @Test func aFailedRefreshKeepsCredentialsThatStillWork() throws {
        let now = Mutex<Int64>(0)
        let fail = Mutex(false)
        let clock: @Sendable () -> Int64 = { now.withLock { $0 } }
        let provider = RefreshingCredentialsProvider(now: clock) {
            if fail.withLock({ $0 }) { throw AWSCredentialsError("STS is down") }
            return AWSCredentials(accessKeyId: "K", secretAccessKey: "s", expiration: 1000)
        }
        _ = try provider.credentials()
        fail.withLock { $0 = true }
        now.withLock { $0 = 900 }  // due for refresh, 100 s left: the old ones are kept
        #expect(try provider.credentials().accessKeyId == "K")
        now.withLock { $0 = 990 }  // 10 s left: the failure is the answer
        #expect(throws: (any Error).self) { try provider.credentials() }
    }

    @Test func iso8601Expirations() {
        #expect(AWSClock.parse("1970-01-01T00:00:00Z") == 0)
        #expect(AWSClock.parse("2024-05-01T12:34:56Z") == 1_714_566_896)
        #expect(AWSClock.parse("2024-05-01T12:34:56.789Z") == 1_714_566_896)
        #expect(AWSClock.parse("yesterday") == nil)
    }

    @Test func stsEndpoints() {
        #expect(
            STSClient(region: nil, environment: ["AWS_REGION": "eu-west-3"]).endpoint
                == "https://sts.eu-west-3.amazonaws.com")
        #expect(STSClient(region: nil, environment: [:]).endpoint == "https://sts.amazonaws.com")
        #expect(
            STSClient(region: "us-east-1", environment: ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:19000"]).endpoint
                == "http://127.0.0.1:19000")
    }
}

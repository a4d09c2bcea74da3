import AWSAuth
import ConnectAPI
import CurlClient
import KafkaClient
import Testing

@testable import KafkaClientConfigs

@Suite struct TokenProviderTests {
    /// Tokens printed by `aws-msk-iam-sasl-signer-python` 1.0.2 for these credentials at 2024-05-01T12:34:56Z
    /// in us-east-1 (its clock patched: botocore.auth.get_current_datetime). Its User-Agent query parameter
    /// is `aws-msk-iam-sasl-signer-python/1.0.2`; Tests/e2e/test_kafka_security.py re-runs the signer
    /// and compares.
    static let pythonUserAgent = "aws-msk-iam-sasl-signer-python/1.0.2"
    static let golden =
        "aHR0cHM6Ly9rYWZrYS51cy1lYXN0LTEuYW1hem9uYXdzLmNvbS8_QWN0aW9uPWthZmthLWNsdXN0ZXIlM0FDb25uZWN0JlgtQW16LUFsZ29yaXRobT1BV1M0LUhNQUMtU0hBMjU2JlgtQW16LUNyZWRlbnRpYWw9QUtJQUlPU0ZPRE5ON0VYQU1QTEUlMkYyMDI0MDUwMSUyRnVzLWVhc3QtMSUyRmthZmthLWNsdXN0ZXIlMkZhd3M0X3JlcXVlc3QmWC1BbXotRGF0ZT0yMDI0MDUwMVQxMjM0NTZaJlgtQW16LUV4cGlyZXM9OTAwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCZYLUFtei1TaWduYXR1cmU9YzQwNzkzYzJjODI5M2JmYTg5YTU2YmQzY2NiZGFhZmE1NWI4Zjc2YjA5MzM1MTZkMWJhOTY5MzYxMjdlOWNiNCZVc2VyLUFnZW50PWF3cy1tc2staWFtLXNhc2wtc2lnbmVyLXB5dGhvbiUyRjEuMC4y"
    static let goldenWithSessionToken =
        "aHR0cHM6Ly9rYWZrYS51cy1lYXN0LTEuYW1hem9uYXdzLmNvbS8_QWN0aW9uPWthZmthLWNsdXN0ZXIlM0FDb25uZWN0JlgtQW16LUFsZ29yaXRobT1BV1M0LUhNQUMtU0hBMjU2JlgtQW16LUNyZWRlbnRpYWw9QUtJQUlPU0ZPRE5ON0VYQU1QTEUlMkYyMDI0MDUwMSUyRnVzLWVhc3QtMSUyRmthZmthLWNsdXN0ZXIlMkZhd3M0X3JlcXVlc3QmWC1BbXotRGF0ZT0yMDI0MDUwMVQxMjM0NTZaJlgtQW16LUV4cGlyZXM9OTAwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCZYLUFtei1TZWN1cml0eS1Ub2tlbj1Gd29HWlhJdllYZHpFWEFNUExFVE9LRU4mWC1BbXotU2lnbmF0dXJlPTljNDYxMjFmOWZlNGI3MzBkYzJjYTdiNzdiMWU2NjlhNjE5NjE5MDcwMTFmYWIyMmExNTZmZWQ4Zjc0NjkzNGMmVXNlci1BZ2VudD1hd3MtbXNrLWlhbS1zYXNsLXNpZ25lci1weXRob24lMkYxLjAuMg"
    static let keys = AWSCredentials(
        accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let time: Int64 = 1_714_566_896  // 2024-05-01T12:34:56Z

    @Test func mskTokenMatchesThePythonSigner() {
        let (token, expiry) = MSKIAMTokenProvider.token(
            credentials: Self.keys, region: "us-east-1", epochSeconds: Self.time, userAgent: Self.pythonUserAgent)
        #expect(token == Self.golden)
        #expect(expiry == 1_714_567_796_000)
        let withToken = AWSCredentials(
            accessKeyId: Self.keys.accessKeyId, secretAccessKey: Self.keys.secretAccessKey,
            sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN")
        #expect(
            MSKIAMTokenProvider.token(
                credentials: withToken, region: "us-east-1", epochSeconds: Self.time, userAgent: Self.pythonUserAgent
            ).token == Self.goldenWithSessionToken)
    }

    @Test func mskRegionFromBrokersOrEnvironment() {
        #expect(
            MSKIAMTokenProvider.region(
                bootstrapServers:
                    "b-1.demo.abc123.c2.kafka.eu-central-1.amazonaws.com:9098,b-2.demo.abc123.c2.kafka.eu-central-1.amazonaws.com:9098",
                environment: [:]) == "eu-central-1")
        #expect(
            MSKIAMTokenProvider.region(
                bootstrapServers: "boot-abc.c1.kafka-serverless.us-gov-west-1.amazonaws.com:9098", environment: [:])
                == "us-gov-west-1")
        #expect(
            MSKIAMTokenProvider.region(bootstrapServers: "localhost:9092", environment: ["AWS_REGION": "ap-south-1"])
                == "ap-south-1")
        #expect(MSKIAMTokenProvider.region(bootstrapServers: "localhost:9092", environment: [:]) == nil)
    }

    @Test func mskJaasBecomesOAuthBearerWithAProvider() throws {
        let t = try JavaClientConfig([
            "bootstrap.servers": "b-1.x.kafka.us-west-2.amazonaws.com:9098", "security.protocol": "SASL_SSL",
            "sasl.mechanism": "AWS_MSK_IAM",
            "sasl.jaas.config": "software.amazon.msk.auth.iam.IAMLoginModule required;",
            "sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMClientCallbackHandler",
        ]).translate(for: .producer, environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "x"])
        #expect(t.config["sasl.mechanisms"] == "OAUTHBEARER")
        #expect((t.config.tokenProvider as? MSKIAMTokenProvider)?.region == "us-west-2")
        #expect(t.ignored.isEmpty)
        let token = try t.config.tokenProvider!.token()
        #expect(token.principal == "AKID")
        #expect(t.config.refusals().isEmpty)
    }

    @Test func mskStsRegionMustBeARegion() {
        // The STS host is built from it: a host of the caller's choosing must not get there.
        let base: [String: String] = [
            "bootstrap.servers": "b-1.x.kafka.us-west-2.amazonaws.com:9098", "security.protocol": "SASL_SSL",
            "sasl.mechanism": "AWS_MSK_IAM",
        ]
        func jaas(_ region: String) -> [String: String] {
            base.merging([
                "sasl.jaas.config":
                    #"software.amazon.msk.auth.iam.IAMLoginModule required awsRoleArn="arn:aws:iam::1:role/r" awsStsRegion="\#(region)";"#
            ]) { $1 }
        }
        let env = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "x"]
        #expect(throws: ClientConfigException.self) {
            try JavaClientConfig(jaas("x@internal-host/p#")).translate(for: .producer, environment: env)
        }
        #expect(throws: Never.self) {
            try JavaClientConfig(jaas("eu-west-1")).translate(for: .producer, environment: env)
        }
        #expect(!MSKIAMTokenProvider.isRegion("US-east-1") && MSKIAMTokenProvider.isRegion("us-gov-west-1"))
    }

    @Test func oidcRequestAndTokenParsing() throws {
        let t = try JavaClientConfig([
            "security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER",
            "sasl.login.callback.handler.class":
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
            "sasl.oauthbearer.token.endpoint.url": "https://idp.example.com/oauth2/token",
            "sasl.jaas.config":
                #"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="app" clientSecret="s3cret" scope="kafka write" extension_logicalCluster="lkc-1" extension_identityPoolId="pool-2";"#,
        ]).translate(for: .consumer)
        let provider = try #require(t.config.tokenProvider as? OIDCClientCredentials)
        let r = provider.request()
        #expect(r.method == "POST" && r.url == "https://idp.example.com/oauth2/token")
        #expect(r.header("Authorization") == "Basic " + Base64.encode(Array("app:s3cret".utf8)))
        #expect(String(decoding: r.body, as: UTF8.self) == "grant_type=client_credentials&scope=kafka%20write")
        #expect(t.config.refusals().isEmpty)
        // {"sub":"app-principal","exp":1900000000}
        let jwt = "eyJhbGciOiJub25lIn0." + "eyJzdWIiOiJhcHAtcHJpbmNpcGFsIiwiZXhwIjoxOTAwMDAwMDAwfQ" + ".sig"
        let token = try OIDCClientCredentials.parse(
            Array(#"{"access_token":"\#(jwt)","token_type":"bearer","expires_in":3600}"#.utf8), subClaim: "sub",
            extensions: provider.extensions, endpoint: "e")
        #expect(token.principal == "app-principal" && token.expiresAtMs == 1_900_000_000_000)
        #expect(token.extensions.map(\.0) == ["identityPoolId", "logicalCluster"])
        #expect(throws: (any Error).self) {
            try OIDCClientCredentials.parse(
                Array(#"{"error":"invalid_client"}"#.utf8), subClaim: "sub", extensions: [], endpoint: "e")
        }
    }

    @Test func oidcWithoutEndpointNamesTheKey() {
        do {
            _ = try JavaClientConfig([
                "security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER",
                "sasl.login.callback.handler.class":
                    "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler",
                "sasl.jaas.config":
                    #"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="a" clientSecret="b";"#,
            ]).translate(for: .producer)
            Issue.record("accepted")
        } catch { #expect(error.key == "sasl.oauthbearer.token.endpoint.url") }
    }

    @Test func unsecuredJwtForDevelopment() throws {
        let t = try JavaClientConfig([
            "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "OAUTHBEARER",
            "sasl.jaas.config":
                #"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice";"#,
        ]).translate(for: .producer)
        #expect(t.config["enable.sasl.oauthbearer.unsecure.jwt"] == "true")
        #expect(t.config["sasl.oauthbearer.config"] == "principal=alice")
        #expect(t.config.refusals().isEmpty)
    }
}

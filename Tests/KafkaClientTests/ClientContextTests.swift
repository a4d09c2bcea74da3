import Foundation
import Synchronization
import Testing

@testable import KafkaClient

/// librdkafka's callbacks through a client's context, without a broker: OAUTHBEARER tokens are fetched
/// on librdkafka's background thread when the client starts and again before they expire; hints name
/// the user's keys; refused properties are reported with their origin and never with a secret.
@Suite struct ClientContextTests {
    final class CountingProvider: OAuthBearerTokenProvider {
        let calls = Mutex(0)
        func token() throws -> OAuthBearerToken {
            calls.withLock { $0 += 1 }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            // Two seconds of life: librdkafka asks again at 80% of it.
            return OAuthBearerToken(value: "t", expiresAtMs: now + 2000, principal: "p", extensions: [("k", "v")])
        }
    }

    @Test func tokensAreRefreshedBeforeTheyExpire() async throws {
        let provider = CountingProvider()
        var config = KafkaConfig([
            ("bootstrap.servers", "127.0.0.1:1"), ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanisms", "OAUTHBEARER"),
        ])
        config.tokenProvider = provider
        let admin = try KafkaAdmin(config: config)
        let deadline = Date().addingTimeInterval(20)
        while provider.calls.withLock({ $0 }) < 3 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(provider.calls.withLock { $0 } >= 3)
        await admin.close()
    }

    @Test func hintsNameTheKeyThatConfiguredWhatFailed() {
        let hints = [
            KafkaErrorHint(patterns: ["certificate verify failed"], hint: "check ssl.truststore.location=/x.jks")
        ]
        #expect(
            KafkaErrorHint.explain("SSL handshake failed: Certificate Verify Failed", hints)
                == "SSL handshake failed: Certificate Verify Failed (check ssl.truststore.location=/x.jks)")
        #expect(KafkaErrorHint.explain("Connection refused", hints) == "Connection refused")
    }

    @Test func refusalsNameTheOriginAndHideSecrets() {
        var c = KafkaConfig([("sasl.password", "hunter2"), ("linger.ms", "soon"), ("no.such", "1")])
        c.origins["linger.ms"] = "producer.override.linger.ms"
        let r = c.refusals()
        #expect(r.map(\.key) == ["producer.override.linger.ms", "no.such"])
        #expect(r[0].message.contains("linger.ms=soon (set from producer.override.linger.ms)"))
        var secret = KafkaConfig([("sasl.password", "hunter2"), ("sasl.mechanisms", "NOPE")])
        secret.origins["sasl.password"] = "sasl.jaas.config"
        #expect(secret.refusals().allSatisfy { !$0.message.contains("hunter2") })
        #expect(throws: KafkaError.self) { _ = try KafkaProducer(config: c) }
    }
}

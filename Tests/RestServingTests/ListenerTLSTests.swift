import ConnectAPI
import Foundation
import Testing

@testable import RestServing

/// How the https listeners read Kafka's `ssl.*` keys: Kafka Connect's all-or-nothing prefix, the client
/// authentication forms of Kafka Connect and Confluent, and the keys refused rather than ignored.
@Suite struct ListenerTLSTests {
    /// A key and self-signed certificate made by openssl for this test, as one PEM key store.
    static let keyStorePEM: [UInt8] = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("listener-tls-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = [
            "-c",
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem -out c.pem -days 2 -subj /CN=localhost 2>/dev/null && cat k.pem c.pem > store.pem",
        ]
        p.currentDirectoryURL = dir
        try! p.run()
        p.waitUntilExit()
        return Array(try! Data(contentsOf: dir.appendingPathComponent("store.pem")))
    }()

    func read(_ raw: [String: String]) throws(ConfigException) -> ListenerTLS {
        try ListenerTLS.read(raw, prefix: "listeners.https.", what: "listeners") { path in
            guard path == "/etc/worker.pem" else { throw CocoaError(.fileNoSuchFile) }
            return Self.keyStorePEM
        }
    }

    static let store = ["ssl.keystore.location": "/etc/worker.pem", "ssl.keystore.type": "PEM"]

    @Test func topLevelKeysUnlessAnyPrefixedKeyIsSet() throws {
        let top = try read(Self.store)
        #expect(top.clientAuth == .none && top.source == "ssl.keystore.location=/etc/worker.pem")
        // One prefixed key and the top-level ones are no longer read (Kafka Connect's SSLUtils).
        #expect(throws: ConfigException.self) {
            try read(Self.store.merging(["listeners.https.ssl.client.auth": "required"]) { $1 })
        }
        let prefixed = try read(
            ["listeners.https.ssl.keystore.location": "/etc/worker.pem", "listeners.https.ssl.keystore.type": "PEM"])
        #expect(prefixed.source == "listeners.https.ssl.keystore.location=/etc/worker.pem")
    }

    @Test func clientAuthenticationAsKafkaConnectAndConfluentWriteIt() throws {
        func auth(_ extra: [String: String]) throws -> ListenerTLS.ClientAuth {
            try read(Self.store.merging(extra) { $1 }).clientAuth
        }
        #expect(try auth(["ssl.client.auth": "required"]) == .required)
        #expect(try auth(["ssl.client.auth": "requested"]) == .requested)
        #expect(try auth(["ssl.client.auth": "true"]) == .required)  // Confluent's older boolean
        #expect(try auth(["ssl.client.auth": "false"]) == ListenerTLS.ClientAuth.none)
        #expect(try auth(["ssl.client.authentication": "REQUIRED", "ssl.client.auth": "false"]) == .required)
        #expect(
            throws: ConfigException(
                name: "ssl.client.auth", value: "sometimes", reason: "String must be one of: required, requested, none")
        ) { try auth(["ssl.client.auth": "sometimes"]) }
        #expect(
            throws: ConfigException(
                name: "ssl.client.authentication", value: "YES",
                reason: "String must be one of: NONE, REQUESTED, REQUIRED")
        ) { try auth(["ssl.client.authentication": "YES"]) }
    }

    @Test func keysWeCannotApplyAreRefusedNotIgnored() {
        #expect {
            try read(Self.store.merging(["ssl.cipher.suites": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]) { $1 })
        } throws: { ($0 as? ConfigException)?.message.contains("ssl.cipher.suites") == true }
        #expect {
            try read(Self.store.merging(["ssl.enabled.protocols": "TLSv1.1"]) { $1 })
        } throws: { ($0 as? ConfigException)?.message.contains("ssl.enabled.protocols") == true }
        // No key store: the message names the keys to set.
        #expect {
            try read([:])
        } throws: { ($0 as? ConfigException)?.message.contains("listeners.https.ssl.keystore.location") == true }
    }
}

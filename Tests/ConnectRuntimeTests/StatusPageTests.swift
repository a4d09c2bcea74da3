import ConnectAPI
import Logging
import RestServing
import Testing

@testable import ConnectRuntime

/// `GET /ui`: the page, its headers and what it is told about the worker's other listeners.
@Suite struct StatusPageTests {
    static func api(_ extra: [(String, String)] = []) throws -> ConnectRestAPI {
        ConnectRestAPI(
            herder: Herder(
                workerConfig: try TestWorker.config(extra), registry: .withBuiltins(), logger: Logger(label: "test")),
            logLevels: LogLevels())
    }

    static func header(_ r: RestResponse, _ name: String) -> String? { r.headers.last { $0.0 == name }?.1 }

    static func page(_ r: RestResponse) -> String { String(decoding: r.body ?? [], as: UTF8.self) }

    @Test func servesOneHTMLPageWithAStrictPolicyAndAFreshNonce() async throws {
        let api = try Self.api()
        let r = await api.handle(RestRequest(method: "GET", path: "/ui"))
        #expect(r.status == 200)
        #expect(r.contentType == "text/html; charset=utf-8")
        #expect(Self.header(r, "Cache-Control") == "no-store")
        #expect(Self.header(r, "X-Content-Type-Options") == "nosniff")
        #expect(Self.header(r, "X-Frame-Options") == "DENY")
        let csp = try #require(Self.header(r, "Content-Security-Policy"))
        #expect(csp.hasPrefix("default-src 'none'; script-src 'nonce-"))
        #expect(csp.contains("connect-src 'self'"))
        #expect(csp.contains("frame-ancestors 'none'"))
        #expect(!csp.contains("unsafe"))
        let nonce = String(try #require(csp.split(separator: "'nonce-").dropFirst().first?.prefix { $0 != "'" }))
        #expect(nonce.count == 24)
        let html = Self.page(r)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // The one style and one script carry the nonce; nothing is left unfilled and nothing is loaded.
        #expect(html.components(separatedBy: "nonce=\"\(nonce)\"") == 3)
        #expect(html.components(separatedBy: "<script") == 2 && html.components(separatedBy: "<style") == 2)
        #expect(!html.contains("{{"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
        #expect(!html.contains("innerHTML") && !html.contains("insertAdjacentHTML") && !html.contains("document.write"))
        let again = await api.handle(RestRequest(method: "GET", path: "/ui"))
        #expect(Self.header(again, "Content-Security-Policy") != csp)
    }

    @Test func trailingSlashRedirectsToThePage() async throws {
        let api = try Self.api()
        let r = await api.handle(RestRequest(method: "GET", path: "/ui/"))
        #expect(r.status == 308)
        #expect(Self.header(r, "Location") == "/ui")
        #expect(await api.handle(RestRequest(method: "POST", path: "/ui")).status == 405)
    }

    @Test func linksGoToTheRegistryAndProxyListenersOrNowhere() async throws {
        let defaults = Self.page(try await Self.api().handle(RestRequest(method: "GET", path: "/ui")))
        #expect(defaults.contains(#"data-registry="http://:8081" data-proxy="http://:8082""#))
        let set = Self.page(
            try await Self.api([
                ("schema.registry.listeners", "https://sr.example:8443,http://:8081"), ("rest.proxy.listeners", ""),
            ]).handle(RestRequest(method: "GET", path: "/ui")))
        #expect(set.contains(#"data-registry="https://sr.example:8443" data-proxy="""#))
    }

    @Test func attributeValuesAreEscaped() {
        #expect(StatusPage.attribute(#"a"<b>&'c"#) == "a&quot;&lt;b&gt;&amp;&#39;c")
    }
}

extension String {
    fileprivate func components(separatedBy s: String) -> Int {
        split(separator: s, omittingEmptySubsequences: false).count
    }
}

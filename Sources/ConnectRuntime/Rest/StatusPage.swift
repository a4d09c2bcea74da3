import ConnectAPI
import RestServing

/// The status page at `GET /ui` (docs/ui.md): one HTML document with its style and script inline, served
/// from the binary, that shows and drives the connectors through this API with `fetch`. It loads nothing
/// from elsewhere; its Content-Security-Policy admits only its own inline style and script (a fresh nonce
/// per response) and requests to this origin.
struct StatusPage: Sendable {
    /// The page with this worker's Schema Registry and REST Proxy listeners filled in, split at the nonce.
    private let parts: [String]

    /// The links go to the first listener of `schema.registry.listeners` and `rest.proxy.listeners`;
    /// none when a service is off (an empty value).
    init(config: WorkerConfig) {
        func first(_ key: String, _ value: String) -> String {
            ((try? config.serviceListeners(key, default: value)) ?? []).first?.description ?? ""
        }
        let page = Self.template
            .replacing("{{REGISTRY}}", with: Self.attribute(first("schema.registry.listeners", "http://:8081")))
            .replacing("{{PROXY}}", with: Self.attribute(first("rest.proxy.listeners", "http://:8082")))
        parts = page.split(separator: "{{NONCE}}", omittingEmptySubsequences: false).map(String.init)
    }

    /// The page for one request: `/ui/` redirects to `/ui`, so the browser's credentials for the page
    /// (remembered for the page's directory) cover the API paths the page calls.
    func response(_ request: RestRequest) -> RestResponse {
        if request.path.hasSuffix("/") {
            return RestResponse(status: 308, body: nil, headers: [("Location", "/ui")] + Self.headers(nonce: nil))
        }
        let nonce = Self.nonce()
        return RestResponse(
            status: 200, body: Array(parts.joined(separator: nonce).utf8), headers: Self.headers(nonce: nonce),
            contentType: "text/html; charset=utf-8")
    }

    static func headers(nonce: String?) -> [(String, String)] {
        var h = [
            ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
        ]
        if let nonce { h.append(("Content-Security-Policy", contentSecurityPolicy(nonce: nonce))) }
        return h
    }

    /// Nothing but the page's own style and script runs, it talks only to this origin, and no other
    /// site may frame it.
    static func contentSecurityPolicy(nonce: String) -> String {
        "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    /// 128 random bits, base64: a script injected into the page cannot guess it.
    static func nonce() -> String {
        var rng = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `s` as a double-quoted HTML attribute value.
    static func attribute(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

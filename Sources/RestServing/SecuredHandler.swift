import ConnectAPI

/// What every listener of an API applies before and after the API's own routes, in the shared HTTP
/// layer so no route escapes it: which paths the listener serves (Kafka Connect's `admin.listeners`),
/// authentication, CORS (`access.control.allow.origin`/`.methods`, as Jetty's CrossOriginFilter
/// answers), and extra response headers.
public struct SecuredHandler: RestHandler {
    let inner: any RestHandler
    let authentication: RestAuthentication?
    let cors: CORSPolicy?
    /// Paths this listener serves, given as the routes see them (percent-decoded, without empty
    /// segments: `/admin/loggers` for `//%61dmin/loggers`); others get Kafka Connect's 404.
    let serves: @Sendable (String) -> Bool

    public init(
        _ inner: any RestHandler, authentication: RestAuthentication?, cors: CORSPolicy? = nil,
        serves: @escaping @Sendable (String) -> Bool = { _ in true }
    ) {
        self.inner = inner
        self.authentication = authentication
        self.cors = cors
        self.serves = serves
    }

    public func admit(_ request: RestRequest) -> RestResponse? {
        let path = "/" + request.segments.joined(separator: "/")
        guard serves(path) else { return .error(RestError(404, "HTTP 404 Not Found")) }
        // A CORS preflight carries no credentials (browsers never send them on one), and no data.
        if let cors, let origin = request.header("origin"), request.method == "OPTIONS",
            let method = request.header("access-control-request-method")
        {
            return cors.preflight(
                origin: origin, method: method, headers: request.header("access-control-request-headers"))
        }
        // A browser sends Origin with every request that may change something. One from another site
        // that the CORS policy does not allow is refused before it runs: the credentials a browser keeps
        // for this origin (the status page, `/ui`) must not serve another site's page, and a text/plain
        // body needs no preflight.
        if !["GET", "HEAD", "OPTIONS"].contains(request.method), let origin = request.header("origin"),
            !Self.sameOrigin(origin, host: request.header("host")), cors?.allows(origin) != true
        {
            return .error(
                RestError(
                    403,
                    "Cross-origin request from \(origin) refused: it may change state, and access.control.allow.origin does not allow that origin"
                ))
        }
        if let authentication, case .refused(let status) = authentication.check(request, path: path) {
            let browser = request.mediaTypes("accept")?.contains("text/html") == true
            return authentication.response(status, method: request.method, browser: browser)
        }
        return inner.admit(request)
    }

    /// `origin` (`scheme://host[:port]`) names the server the request was sent to (its `Host` header).
    static func sameOrigin(_ origin: String, host: String?) -> Bool {
        guard let host, let sep = origin.firstRange(of: "://") else { return false }
        return origin[sep.upperBound...].lowercased() == host.lowercased()
    }

    public func handle(_ request: RestRequest) async -> RestResponse {
        if !request.admitted, let answer = admit(request) { return answer }
        var response = await inner.handle(request)
        if let cors, let origin = request.header("origin") { response.headers += cors.headers(origin: origin) }
        return response
    }
}

/// Jetty's CrossOriginFilter as Kafka Connect sets it up: allowed origins (`*`, a list, or patterns with
/// `*`), allowed methods (default `GET,POST,HEAD`), its default allowed headers, credentials allowed,
/// the request's origin echoed.
public struct CORSPolicy: Sendable {
    let origins: [String]
    let methods: [String]
    static let allowedHeaders = ["X-Requested-With", "Content-Type", "Accept", "Origin"]

    public init?(allowOrigin: String, allowMethods: String) {
        let o = ConfigDef.listEntries(allowOrigin)
        guard !o.isEmpty else { return nil }
        origins = o
        let m = ConfigDef.listEntries(allowMethods)
        methods = m.isEmpty ? ["GET", "POST", "HEAD"] : m
    }

    func allows(_ origin: String) -> Bool {
        origin.split(separator: " ").contains { o in
            origins.contains { allowed in
                if allowed == "*" { return true }
                if !allowed.contains("*") { return allowed == o }
                let parts = allowed.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
                var rest = Substring(o)
                guard rest.hasPrefix(parts[0]) else { return false }
                rest = rest.dropFirst(parts[0].count)
                for p in parts.dropFirst().dropLast() {
                    guard let r = rest.firstRange(of: p) else { return false }
                    rest = rest[r.upperBound...]
                }
                return rest.hasSuffix(parts.last!)
            }
        }
    }

    func headers(origin: String) -> [(String, String)] {
        guard allows(origin) else { return [] }
        return [
            ("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin"),
        ]
    }

    func preflight(origin: String, method: String, headers requested: String?) -> RestResponse {
        let asked = (requested ?? "").split(separator: ",").map { String($0).trimmingWhitespace().lowercased() }
            .filter { !$0.isEmpty }
        let allowedHeaders = Set(Self.allowedHeaders.map { $0.lowercased() })
        guard allows(origin), methods.contains(method), asked.allSatisfy({ allowedHeaders.contains($0) }) else {
            return RestResponse(status: 200, body: nil)
        }
        return RestResponse(
            status: 200, body: nil,
            headers: headers(origin: origin) + [
                ("Access-Control-Max-Age", "1800"), ("Access-Control-Allow-Methods", methods.joined(separator: ",")),
                ("Access-Control-Allow-Headers", Self.allowedHeaders.joined(separator: ",")),
            ])
    }
}

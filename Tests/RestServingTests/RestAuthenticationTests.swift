import ConnectAPI
import Testing

@testable import RestServing

/// Authentication in the shared HTTP layer, answered as Kafka Connect's basic-auth extension and
/// Confluent's rest-utils answer (facts of JaasBasicAuthFilterTest, Jetty's Credential and Password).
@Suite struct RestAuthenticationTests {
    static func basic(_ userPass: String) -> String { "Basic " + Base64.encode(Array(userPass.utf8)) }
    static func request(_ path: String = "/connectors", auth: String? = nil, method: String = "GET") -> RestRequest {
        RestRequest(method: method, path: path, headers: auth.map { [("Authorization", $0)] } ?? [])
    }

    let connect = RestAuthentication(
        style: .kafkaConnect, users: .kafkaConnect([("user", "password"), ("user1", "pass:word")]),
        skipPaths: ["/health"])

    @Test func kafkaConnectsAnswers() {
        #expect(connect.check(Self.request(auth: Self.basic("user:password"))) == .allowed(user: "user"))
        // The password is everything after the first colon.
        #expect(connect.check(Self.request(auth: Self.basic("user1:pass:word"))) == .allowed(user: "user1"))
        for bad in [
            nil, Self.basic("user:wrong"), Self.basic("nobody:password"), Self.basic(":password"),
            "Basic" + Base64.encode(Array("user:password".utf8)), "Bearer abc", "Basic !!!not-base64",
        ] {
            #expect(connect.check(Self.request(auth: bad)) == .refused(status: 401), "\(bad ?? "none")")
        }
        #expect(
            connect.check(Self.request(auth: "bAsIc " + Base64.encode(Array("user:password".utf8))))
                == .allowed(user: "user"))
        let r = connect.response(401)
        #expect(r.status == 401 && r.body == Array("User cannot access the resource.".utf8))
        #expect(r.contentType == "text/plain" && r.headers.isEmpty)  // no WWW-Authenticate, as Kafka Connect
        // A skipped path needs nothing; others under it are not skipped.
        #expect(connect.check(Self.request("/health")) == .allowed(user: nil))
        #expect(connect.check(Self.request("/health/x")) == .refused(status: 401))
    }

    @Test func confluentsAnswersAndRoles() {
        let registry = RestAuthentication(
            style: .confluent(realm: "SchemaRegistry-Props"),
            users: .jetty([("admin", "admin-secret,admin"), ("reader", "MD5:5f4dcc3b5aa765d61d8327deb882cf99,read")]),
            roles: ["admin", "developer"], skipPaths: ["/subjects/*"])
        #expect(registry.check(Self.request(auth: Self.basic("admin:admin-secret"))) == .allowed(user: "admin"))
        #expect(registry.check(Self.request(auth: Self.basic("reader:password"))) == .refused(status: 403))
        #expect(registry.check(Self.request(auth: Self.basic("admin:nope"))) == .refused(status: 401))
        #expect(registry.check(Self.request("/subjects/x-value/versions")) == .allowed(user: nil))
        let r401 = registry.response(401)
        #expect(r401.headers.contains { $0 == ("WWW-Authenticate", "basic realm=\"SchemaRegistry-Props\"") })
        #expect(r401.body == Array(#"{"error_code":401,"message":"Unauthorized"}"#.utf8))
        #expect(registry.response(403).body == Array(#"{"error_code":403,"message":"Forbidden"}"#.utf8))
        // The registry's JSON error handler writes no body for methods other than GET, POST, PUT, HEAD.
        let refusedDelete = registry.response(401, method: "DELETE")
        #expect(refusedDelete.status == 401 && refusedDelete.body == nil && !refusedDelete.headers.isEmpty)
    }

    @Test func jettyCredentialForms() {
        // Vectors from Jetty 12's Credential and Password (and glibc's crypt for CRYPT:).
        typealias C = CredentialStore.Credential
        #expect(C(jetty: "MD5:5f4dcc3b5aa765d61d8327deb882cf99").matches("password"))
        #expect(C(jetty: "MD5:5F4DCC3B5AA765D61D8327DEB882CF99").matches("password"))
        #expect(!C(jetty: "MD5:5f4dcc3b5aa765d61d8327deb882cf99").matches("Password"))
        #expect(C(jetty: "CRYPT:usjRS48E8ZADM").matches("password"))
        #expect(C(jetty: "CRYPT:adR141qLis/E6").matches("admin-secret"))
        #expect(C(jetty: "CRYPT:usjRS48E8ZADM").matches("password1"))  // DES crypt reads 8 characters
        #expect(!C(jetty: "CRYPT:usjRS48E8ZADM").matches("passwor"))
        #expect(C(jetty: "OBF:1v2j1uum1xtv1zej1zer1xtn1uvk1v1v") == .plain("password"))
        #expect(C(jetty: "OBF:1w8t1tvf1w261w8v1w1c1tvn1w8x") == .plain("letmein"))
        #expect(C(jetty: "plain") == .plain("plain"))
    }

    @Test func corsAsJettysFilter() throws {
        let any = try #require(CORSPolicy(allowOrigin: "*", allowMethods: ""))
        #expect(
            any.headers(origin: "http://bar.com").contains { $0 == ("Access-Control-Allow-Origin", "http://bar.com") })
        let listed = try #require(
            CORSPolicy(allowOrigin: "http://a.com, https://*.example.org", allowMethods: "GET,PUT"))
        #expect(!listed.headers(origin: "https://x.example.org").isEmpty)
        #expect(listed.headers(origin: "http://b.com").isEmpty)
        let pre = listed.preflight(origin: "http://a.com", method: "PUT", headers: "Content-Type")
        #expect(pre.status == 200 && pre.headers.contains { $0 == ("Access-Control-Allow-Methods", "GET,PUT") })
        #expect(listed.preflight(origin: "http://a.com", method: "DELETE", headers: nil).headers.isEmpty)
        #expect(CORSPolicy(allowOrigin: " ", allowMethods: "") == nil)
    }

    @Test func securedHandlerCoversEveryRouteAndTheAdminSplit() async {
        let h = SecuredHandler(
            Echo(), authentication: connect, serves: { !$0.hasPrefix("/admin/") })
        #expect(await h.handle(Self.request("/metrics")).status == 401)
        #expect(await h.handle(Self.request("/metrics", auth: Self.basic("user:password"))).status == 200)
        let admin = await h.handle(Self.request("/admin/loggers", auth: Self.basic("user:password")))
        #expect(admin.status == 404 && admin.body == Array(#"{"error_code":404,"message":"HTTP 404 Not Found"}"#.utf8))
        // Paths as the routes see them: empty segments and percent-encoding do not get around the split.
        for path in ["//admin/loggers", "/%61dmin/loggers", "/admin//loggers/"] {
            #expect(await h.handle(Self.request(path, auth: Self.basic("user:password"))).status == 404, "\(path)")
        }
        #expect(await h.handle(Self.request("//metrics")).status == 401)
        // The head alone decides: a refused request is answered before its body is read.
        #expect(h.admit(Self.request("/connectors"))?.status == 401)
        #expect(h.admit(Self.request("/connectors", auth: Self.basic("user:password"))) == nil)
    }

    @Test func crossOriginWritesAreRefusedUnlessCORSAllowsThem() async {
        func request(_ method: String, origin: String?) -> RestRequest {
            RestRequest(
                method: method, path: "/connectors",
                headers: [("Host", "worker:8083"), ("Authorization", Self.basic("user:password"))]
                    + (origin.map { [("Origin", $0)] } ?? []))
        }
        let h = SecuredHandler(Echo(), authentication: connect)
        // Same origin, API clients (no Origin) and reads pass.
        #expect(h.admit(request("POST", origin: "http://worker:8083")) == nil)
        #expect(h.admit(request("DELETE", origin: "https://WORKER:8083")) == nil)
        #expect(h.admit(request("POST", origin: nil)) == nil)
        #expect(h.admit(request("GET", origin: "https://evil.example")) == nil)
        for (method, origin) in [("POST", "https://evil.example"), ("PUT", "null"), ("DELETE", "http://worker:9999")] {
            let refused = h.admit(request(method, origin: origin))
            #expect(refused?.status == 403, "\(method) from \(origin)")
        }
        // Unauthenticated too: refused before the credentials are looked at.
        #expect(
            h.admit(RestRequest(method: "POST", path: "/x", headers: [("Origin", "https://evil.example")]))?.status
                == 403)
        let allowed = SecuredHandler(
            Echo(), authentication: connect, cors: CORSPolicy(allowOrigin: "https://ui.example", allowMethods: "POST"))
        #expect(allowed.admit(request("POST", origin: "https://ui.example")) == nil)
        #expect(allowed.admit(request("POST", origin: "https://evil.example"))?.status == 403)
    }

    @Test func aBrowserIsAskedForCredentialsAnAPIClientIsNot() {
        let h = SecuredHandler(Echo(), authentication: connect)
        let page = RestRequest(
            method: "GET", path: "/ui", headers: [("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")])
        let challenged = h.admit(page)
        #expect(challenged?.status == 401 && challenged?.body == Array("User cannot access the resource.".utf8))
        #expect(
            challenged?.headers.contains {
                $0 == ("WWW-Authenticate", #"Basic realm="Kafka Connect", charset="UTF-8""#)
            }
                == true)
        let api = h.admit(RestRequest(method: "GET", path: "/ui", headers: [("Accept", "*/*")]))
        #expect(api?.status == 401 && api?.headers.isEmpty == true)
    }

    @Test func listenersAsKafkaConnectParsesThem() throws {
        let ls = try RestListener.parse(
            ["http://:8083", "HTTPS://myhost:8443", "https://[::1]:9443"], key: "listeners")
        #expect(
            ls == [
                RestListener(scheme: .http, host: "", port: 8083),
                RestListener(scheme: .https, host: "myhost", port: 8443),
                RestListener(scheme: .https, host: "::1", port: 9443),
            ])
        #expect(throws: ConfigException("Empty URL found when parsing listeners list.")) {
            try RestListener.parse(["http://a.b:9999", " "], key: "listeners")
        }
        #expect(
            throws: ConfigException(
                name: "listeners", value: "http://a.b:9999/",
                reason: "Listener doesn't have the right format (protocol://hostname:port).")
        ) { try RestListener.parse(["http://a.b:9999/"], key: "listeners") }
        #expect(
            throws: ConfigException(
                name: "listeners", value: "ftp://a:1", reason: "Listener protocol must be either \"http\" or \"https\"."
            )
        ) { try RestListener.parse(["ftp://a:1"], key: "listeners") }
    }
}

private struct Echo: RestHandler {
    func handle(_ request: RestRequest) async -> RestResponse { .json(200, .string(request.path)) }
}

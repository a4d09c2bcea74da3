import RestServing
import Testing

@Suite struct RouteTableTests {
    /// A table whose handlers answer with a body naming the route and its parameters.
    static let table: RouteTable<String> = {
        var t = RouteTable<String>()
        func add(_ method: String, _ pattern: String, _ parameters: [String] = []) {
            t.add(method, pattern) { _, _, p in
                RestResponse(
                    status: 200,
                    body: Array((["\(method) \(pattern)"] + parameters.map { p[$0] }).joined(separator: " ").utf8))
            }
        }
        add("GET", "/")
        add("GET", "/items")
        add("POST", "/items")
        add("GET", "/items/{item}", ["item"])
        add("DELETE", "/items/{item}", ["item"])
        add("GET", "/items/{item}/versions/latest", ["item"])
        add("GET", "/items/{item}/versions/{version}", ["item", "version"])
        add("DELETE", "/items/{item}/versions/{version}", ["item", "version"])
        return t
    }()

    func answer(_ method: String, _ path: String) async throws -> String? {
        let request = RestRequest(method: method, path: path)
        guard case .route(let route, let parameters) = Self.table.match(method, request.segments) else { return nil }
        return try await route.handler("", request, parameters).body.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func matchesLiteralsAndBindsParameters() async throws {
        #expect(try await answer("GET", "/") == "GET /")
        #expect(try await answer("POST", "/items") == "POST /items")
        #expect(try await answer("DELETE", "/items/a%2Fb") == "DELETE /items/{item} a/b")
        #expect(try await answer("GET", "/items/x/versions/3") == "GET /items/{item}/versions/{version} x 3")
    }

    @Test func aLiteralSegmentWinsOverAParameter() async throws {
        #expect(try await answer("GET", "/items/x/versions/latest") == "GET /items/{item}/versions/latest x")
    }

    @Test func unknownPathsAreNotFound() {
        for path in ["/nope", "/items/x/y", "/items/x/versions", "/items/x/versions/1/more"] {
            guard case .notFound = Self.table.match("GET", RestRequest(method: "GET", path: path).segments) else {
                Issue.record("\(path) matched")
                continue
            }
        }
    }

    @Test func aKnownPathWithAnotherMethodListsItsMethodsInTableOrder() {
        func allow(_ method: String, _ path: String) -> [String]? {
            guard
                case .methodNotAllowed(let allow) = Self.table.match(
                    method, RestRequest(method: method, path: path).segments)
            else { return nil }
            return allow
        }
        #expect(allow("PUT", "/items") == ["GET", "POST"])
        #expect(allow("PUT", "/items/x") == ["GET", "DELETE"])
        // The most specific pattern decides, as JAX-RS picks the resource before the method.
        #expect(allow("DELETE", "/items/x/versions/latest") == ["GET"])
        #expect(allow("GET", "/items/x") == nil)
    }
}

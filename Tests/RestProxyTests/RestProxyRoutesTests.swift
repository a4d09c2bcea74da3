import RestServing
import Testing

@testable import RestProxy

/// The proxy's v2 and v3 resources as its route table declares them.
@Suite struct RestProxyRoutesTests {
    func match(_ method: String, _ path: String) -> RouteTable<RestProxyAPI>.Match {
        RestProxyAPI.routes.match(method, RestRequest(method: method, path: path).segments)
    }

    func allow(_ path: String) -> [String]? {
        guard case .methodNotAllowed(let allow) = match("PATCH", path) else { return nil }
        return allow
    }

    func pattern(_ method: String, _ path: String) -> String? {
        guard case .route(let route, _) = match(method, path) else { return nil }
        return route.pattern
    }

    @Test func eachResourceTakesConfluentsMethods() {
        #expect(allow("/topics") == ["GET"])
        #expect(allow("/topics/t") == ["GET", "POST"])
        #expect(allow("/topics/t/partitions/0") == ["GET", "POST"])
        #expect(allow("/topics/t/partitions/0/offsets") == ["GET"])
        #expect(allow("/consumers/g") == ["POST"])
        #expect(allow("/consumers/g/instances/i") == ["DELETE"])
        #expect(allow("/consumers/g/instances/i/subscription") == ["POST", "GET", "DELETE"])
        #expect(allow("/consumers/g/instances/i/offsets") == ["POST", "GET"])
        #expect(allow("/v3/clusters/c/topics") == ["GET", "POST"])
        #expect(allow("/v3/clusters/c/topics/t") == ["GET", "DELETE"])
        #expect(allow("/v3/clusters/c/topics/t/records:batch") == ["POST"])
    }

    @Test func v3RecordsAndBatchesAreTheirOwnResources() {
        #expect(pattern("POST", "/v3/clusters/c/topics/t/records") == "/v3/clusters/{cluster}/topics/{topic}/records")
        #expect(
            pattern("POST", "/v3/clusters/c/topics/t/records:batch")
                == "/v3/clusters/{cluster}/topics/{topic}/records:batch")
        #expect(
            pattern("POST", "/consumers/g/instances/i/positions/end")
                == "/consumers/{group}/instances/{instance}/positions/end")
    }

    @Test func otherPathsAreUnknown() {
        for path in ["/consumers", "/consumers/g/instances", "/consumers/g/x/i", "/v3", "/v3/clusters/c/brokers"] {
            guard case .notFound = match("GET", path) else {
                Issue.record("\(path) matched")
                continue
            }
        }
    }
}

import RestServing
import Testing

@testable import SchemaRegistry

/// The registry's resources as its route table declares them: which path takes which methods, and
/// which paths are unknown.
@Suite struct SchemaRegistryRoutesTests {
    func match(_ method: String, _ path: String) -> RouteTable<SchemaRegistryAPI>.Match {
        SchemaRegistryAPI.routes.match(method, RestRequest(method: method, path: path).segments)
    }

    func allow(_ path: String) -> [String]? {
        guard case .methodNotAllowed(let allow) = match("HEAD", path) else { return nil }
        return allow
    }

    func pattern(_ method: String, _ path: String) -> String? {
        guard case .route(let route, _) = match(method, path) else { return nil }
        return route.pattern
    }

    @Test func eachResourceTakesConfluentsMethods() {
        #expect(allow("/") == ["GET"])
        #expect(allow("/schemas/ids/1/versions") == ["GET"])
        #expect(allow("/subjects") == ["GET"])
        #expect(allow("/subjects/s") == ["POST", "DELETE"])
        #expect(allow("/subjects/s/versions") == ["GET", "POST"])
        #expect(allow("/subjects/s/versions/latest") == ["GET", "DELETE"])
        #expect(allow("/subjects/s/versions/1/schema") == ["GET"])
        #expect(allow("/config") == ["GET", "PUT", "DELETE"])
        #expect(allow("/config/s") == ["GET", "PUT", "DELETE"])
        #expect(allow("/mode/s") == ["GET", "PUT"])
        #expect(allow("/compatibility/subjects/s/versions/2") == ["POST"])
    }

    @Test func theViewsOfASchemaAndOfAVersionAreTheirOwnResources() {
        #expect(pattern("GET", "/schemas/ids/7/schema") == "/schemas/ids/{id}/schema")
        #expect(
            pattern("GET", "/subjects/s/versions/1/referencedby")
                == "/subjects/{subject}/versions/{version}/referencedby")
        #expect(pattern("DELETE", "/subjects/s/versions/1") == "/subjects/{subject}/versions/{version}")
        #expect(pattern("POST", "/compatibility/subjects/s/versions") == "/compatibility/subjects/{subject}/versions")
    }

    @Test func otherPathsAreUnknown() {
        for path in [
            "/schemas", "/schemas/ids/1/nope", "/subjects/s/versions/1/nope", "/config/a/b", "/compatibility/s",
        ] {
            guard case .notFound = match("GET", path) else {
                Issue.record("\(path) matched")
                continue
            }
        }
    }
}

import Testing

@testable import ConnectRuntime

/// `docs/openapi.yaml` documents exactly the resources the Connect REST API serves.
@Suite struct ConnectOpenAPITests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]

    /// The (method, path) pairs of the spec's `paths:` section: paths are the keys indented two spaces,
    /// operations the HTTP-method keys indented four under them.
    static func specRoutes() throws -> Set<String> {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let text = String(decoding: try ProcessEnv.readFile("/\(root)/docs/openapi.yaml"), as: UTF8.self)
        var routes = Set<String>()
        var inPaths = false
        var path: String? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /") && !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).prefix { $0 != ":" })
            } else if line.hasPrefix("    ") && !line.hasPrefix("     "), let path {
                let key = String(line.dropFirst(4).prefix { $0 != ":" })
                if methods.contains(key) { routes.insert("\(key.uppercased()) \(path)") }
            }
        }
        return routes
    }

    @Test func everyRouteIsInTheSpecAndEverySpecRouteIsServed() throws {
        let spec = try Self.specRoutes()
        let table = Set(ConnectRestAPI.routeTable(metrics: true).routes.map { "\($0.method) \($0.pattern)" })
        #expect(spec.count > 20)
        #expect(table.subtracting(spec).sorted() == [], "served but not in docs/openapi.yaml")
        #expect(spec.subtracting(table).sorted() == [], "in docs/openapi.yaml but not served")
    }
}

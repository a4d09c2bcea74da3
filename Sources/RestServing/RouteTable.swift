/// The resources of one REST API: a method and a path pattern (`/connectors/{connector}/status`) to a
/// handler. Unknown paths (404) and methods a path does not take (405, with the methods it does) follow
/// from the table; each API answers them in its own error format.
public struct RouteTable<Context: Sendable>: Sendable {
    public typealias Handler = @Sendable (Context, RestRequest, PathParameters) async throws -> RestResponse

    public struct Route: Sendable {
        public let method: String
        /// As registered: `/`-separated, `{name}` for a parameter segment.
        public let pattern: String
        let segments: [RouteSegment]
        public let handler: Handler
    }

    public enum Match: Sendable {
        case route(Route, PathParameters)
        /// The path is known but not with this method: the methods it takes, in table order.
        case methodNotAllowed(allow: [String])
        case notFound
    }

    public private(set) var routes: [Route] = []
    /// What matching reads, apart from the handlers: kept in a type that does not depend on `Context`, so
    /// matching (once per request) runs as plain code instead of looking up generic metadata per route.
    private var patterns: [RoutePattern] = []

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        let segments = pattern.split(separator: "/").map { s -> RouteSegment in
            s.hasPrefix("{") && s.hasSuffix("}") ? .parameter(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
        precondition(
            !patterns.contains { $0.method == method && $0.segments == segments }, "\(method) \(pattern) added twice")
        let shape = patterns.first { $0.segments == segments }?.shape ?? patterns.count
        routes.append(Route(method: method, pattern: pattern, segments: segments, handler: handler))
        patterns.append(RoutePattern(method: method, segments: segments, shape: shape))
    }

    /// The route for percent-decoded path `segments`. When several patterns match, the one with a literal
    /// where the others have a parameter wins (leftmost difference first), as JAX-RS picks a resource.
    public func match(_ method: String, _ segments: [String]) -> Match {
        switch RoutePattern.match(patterns, method, segments) {
        case .found(let index, let values): return .route(routes[index], PathParameters(values: values))
        case .methodNotAllowed(let allow): return .methodNotAllowed(allow: allow)
        case .notFound: return .notFound
        }
    }
}

enum RouteSegment: Sendable, Equatable {
    case literal(String)
    case parameter(String)
}

/// A route's method and path pattern; `shape` is the same for routes whose patterns are equal.
struct RoutePattern: Sendable {
    let method: String
    let segments: [RouteSegment]
    let shape: Int

    enum Found {
        case found(Int, [String: String])
        case methodNotAllowed(allow: [String])
        case notFound
    }

    static func match(_ patterns: [RoutePattern], _ method: String, _ segments: [String]) -> Found {
        var best = -1
        for i in patterns.indices where matches(patterns[i].segments, segments) {
            if best < 0 || moreSpecific(patterns[i].segments, than: patterns[best].segments) { best = i }
        }
        guard best >= 0 else { return .notFound }
        let shape = patterns[best].shape
        guard
            let index = patterns.indices.first(where: { patterns[$0].shape == shape && patterns[$0].method == method })
        else {
            return .methodNotAllowed(allow: patterns.filter { $0.shape == shape }.map(\.method))
        }
        var values: [String: String] = [:]
        for (s, v) in zip(patterns[index].segments, segments) { if case .parameter(let name) = s { values[name] = v } }
        return .found(index, values)
    }

    static func matches(_ pattern: [RouteSegment], _ segments: [String]) -> Bool {
        guard pattern.count == segments.count else { return false }
        for (p, s) in zip(pattern, segments) { if case .literal(let l) = p, l != s { return false } }
        return true
    }

    static func moreSpecific(_ a: [RouteSegment], than b: [RouteSegment]) -> Bool {
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return false
    }
}

/// The values of a matched route's `{name}` segments, percent-decoded.
public struct PathParameters: Sendable {
    let values: [String: String]

    /// The value of parameter `name`; the pattern guarantees it for its own parameters.
    public subscript(_ name: String) -> String {
        guard let v = values[name] else { preconditionFailure("no path parameter \(name)") }
        return v
    }
}

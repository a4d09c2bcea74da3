/// The resources of one REST API: a method and a path pattern (`/connectors/{connector}/status`) to a
/// handler. Unknown paths (404) and methods a path does not take (405, with the methods it does) follow
/// from the table; each API answers them in its own error format.
public struct RouteTable<Context: Sendable>: Sendable {
    public typealias Handler = @Sendable (Context, RestRequest, PathParameters) async throws -> RestResponse

    public struct Route: Sendable {
        public let method: String
        /// As registered: `/`-separated, `{name}` for a parameter segment.
        public let pattern: String
        let segments: [Segment]
        public let handler: Handler
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public enum Match: Sendable {
        case route(Route, PathParameters)
        /// The path is known but not with this method: the methods it takes, in table order.
        case methodNotAllowed(allow: [String])
        case notFound
    }

    public private(set) var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        let segments = pattern.split(separator: "/").map { s -> Segment in
            s.hasPrefix("{") && s.hasSuffix("}") ? .parameter(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
        precondition(
            !routes.contains { $0.method == method && $0.segments == segments }, "\(method) \(pattern) added twice")
        routes.append(Route(method: method, pattern: pattern, segments: segments, handler: handler))
    }

    /// The route for percent-decoded path `segments`. When several patterns match, the one with a literal
    /// where the others have a parameter wins (leftmost difference first), as JAX-RS picks a resource.
    public func match(_ method: String, _ segments: [String]) -> Match {
        var best: [Segment]? = nil
        for r in routes where Self.matches(r.segments, segments) {
            if best.map({ Self.moreSpecific(r.segments, than: $0) }) ?? true { best = r.segments }
        }
        guard let best else { return .notFound }
        let candidates = routes.filter { $0.segments == best }
        guard let route = candidates.first(where: { $0.method == method }) else {
            return .methodNotAllowed(allow: candidates.map(\.method))
        }
        var values: [String: String] = [:]
        for (s, v) in zip(best, segments) { if case .parameter(let name) = s { values[name] = v } }
        return .route(route, PathParameters(values: values))
    }

    static func matches(_ pattern: [Segment], _ segments: [String]) -> Bool {
        guard pattern.count == segments.count else { return false }
        for (p, s) in zip(pattern, segments) { if case .literal(let l) = p, l != s { return false } }
        return true
    }

    static func moreSpecific(_ a: [Segment], than b: [Segment]) -> Bool {
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

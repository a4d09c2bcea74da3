/// An error answered as `{"error_code": N, "message": "…"}`. Kafka Connect uses the HTTP status as the
/// code; the REST Proxy and the Schema Registry use five-digit codes whose first three digits are it.
public struct RestError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: Int
    public let message: String
    /// 405 answers list the methods the resource takes (RFC 9110 `Allow`, as Jersey sends it).
    public var allow: [String] = []
    public init(_ status: Int, _ message: String) {
        self.status = status
        self.code = status
        self.message = message
    }
    public init(_ status: Int, code: Int, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
    public var description: String { "\(status): \(message)" }
}

extension RestError {
    /// 405 Method Not Allowed with Kafka Connect's body and an `Allow` header of `methods` (a route
    /// table's methods for the path).
    public static func methodNotAllowed(_ methods: [String]) -> RestError {
        var e = RestError(405, "HTTP 405 Method Not Allowed")
        e.allow = methods
        return e
    }
}

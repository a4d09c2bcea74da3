import ConnectAPI

/// An HTTP request as a REST resource sees it: the server only adapts to it, so resources are testable
/// without a socket.
public struct RestRequest: Sendable {
    public var method: String
    public var path: String {
        didSet { segments = Self.segments(of: path) }
    }
    /// Path segments, percent-decoded (computed once: every layer of a request reads them).
    public private(set) var segments: [String]
    public var query: [(String, String)]
    public var body: [UInt8]
    /// Header names in lower case.
    public var headers: [(String, String)]
    /// Set by the server once the handler's `admit` let the request's head through, so the checks are
    /// not made twice.
    public internal(set) var admitted = false

    public init(
        method: String, path: String, query: [(String, String)] = [], body: [UInt8] = [],
        headers: [(String, String)] = []
    ) {
        self.method = method
        self.path = path
        self.segments = Self.segments(of: path)
        self.query = query
        self.body = body
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
    }

    public func queryValues(_ name: String) -> [String] { query.filter { $0.0 == name }.map(\.1) }
    public func flag(_ name: String) -> Bool { queryValues(name).last?.lowercased() == "true" }
    /// `forward=false`: another worker already forwarded this request here.
    public var isForwarded: Bool { queryValues("forward").last?.lowercased() == "false" }
    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.last { $0.0 == n }?.1
    }

    /// The media types of a header value (`Accept: a/b, c/d;q=0.5`, or one Content-Type): parameters
    /// dropped, lower case.
    public static func mediaTypes(in value: String) -> [String] {
        value.split(separator: ",").map {
            String($0.split(separator: ";").first ?? "").trimmingWhitespace().lowercased()
        }
    }

    /// The media types of header `name`; nil when the request has no such header.
    public func mediaTypes(_ name: String) -> [String]? { header(name).map(Self.mediaTypes(in:)) }

    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { Self.percentDecode(String($0)) }
    }

    public static func percentDecode(_ s: String) -> String {
        guard s.contains("%") else { return s }
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%"), it.count >= 2,
                let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

public struct RestResponse: Sendable {
    public var status: Int
    public var body: [UInt8]?
    public var headers: [(String, String)] = []
    public var contentType = "application/json"

    public init(status: Int, body: [UInt8]?, headers: [(String, String)] = [], contentType: String = "application/json")
    {
        self.status = status
        self.body = body
        self.headers = headers
        self.contentType = contentType
    }

    public static func json(_ status: Int, _ v: JSONValue, headers: [(String, String)] = []) -> RestResponse {
        RestResponse(status: status, body: JSONWriter.bytes(v), headers: headers)
    }
    /// `{"error_code": N, "message": "…"}`, the body all three APIs use for errors.
    public static func error(_ e: RestError) -> RestResponse {
        json(
            e.status, .object([("error_code", .int(Int64(e.code))), ("message", .string(e.message))]),
            headers: e.allow.isEmpty ? [] : [("Allow", e.allow.joined(separator: ", "))])
    }
    public static let noContent = RestResponse(status: 204, body: nil)
}

/// One REST API: a function from request to response.
public protocol RestHandler: Sendable {
    func handle(_ request: RestRequest) async -> RestResponse
    /// An answer from the request's head alone (refused credentials, a path this listener does not
    /// serve), given before the body is read; nil lets the request through to `handle`.
    func admit(_ head: RestRequest) -> RestResponse?
}

extension RestHandler {
    public func admit(_ head: RestRequest) -> RestResponse? { nil }
}

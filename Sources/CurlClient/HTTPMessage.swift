/// An HTTP request as CurlSession sends it: the body is sent as given, headers in order.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Absolute URL, path and query already percent-encoded.
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [])
    {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A response: status, the final response's headers (after any 100 Continue or redirect), the body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last { $0.name.lowercased() == lower }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Parses libcurl's raw header lines, keeping only the last response's block.
    static func parseHeaders(_ raw: [UInt8]) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for line in raw.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var l = line
            if l.last == UInt8(ascii: "\r") { l = l.dropLast() }
            if l.starts(with: Array("HTTP/".utf8)) {
                headers.removeAll()  // a new status line: 100 Continue, a redirect, or the final one
                continue
            }
            guard let colon = l.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: l[l.startIndex..<colon], as: UTF8.self)
            let value = String(decoding: l[(colon + 1)...], as: UTF8.self)
            headers.append((name, trimmed(value)))
        }
        return headers
    }

    private static func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while sub.first == " " || sub.first == "\t" { sub = sub.dropFirst() }
        while sub.last == " " || sub.last == "\t" { sub = sub.dropLast() }
        return String(sub)
    }
}

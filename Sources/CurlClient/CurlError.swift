/// A transfer that did not produce an HTTP response (DNS, connect, TLS, timeout, …), or a response the
/// caller rejected. `code` is libcurl's CURLcode (0 when the failure is an HTTP status).
public struct CurlError: Error, Sendable, CustomStringConvertible {
    public let code: Int
    public let message: String
    /// The HTTP status when the failure is an unwanted response.
    public let status: Int?

    public init(code: Int, message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// Worth trying again: the network or the server may recover (timeouts, refused or reset
    /// connections, throttling, 5xx). Not: bad URLs, TLS certificate problems, 4xx.
    public var isRetriable: Bool {
        if let status { return CurlError.isRetriableStatus(status) }
        // CURLE_COULDNT_RESOLVE_PROXY 5, _HOST 6, COULDNT_CONNECT 7, PARTIAL_FILE 18, OPERATION_TIMEDOUT 28,
        // GOT_NOTHING 52, SEND_ERROR 55, RECV_ERROR 56, HTTP2 16, HTTP2_STREAM 92
        return [5, 6, 7, 16, 18, 28, 52, 55, 56, 92].contains(code)
    }

    public static func isRetriableStatus(_ status: Int) -> Bool {
        status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    public var description: String { message }
}

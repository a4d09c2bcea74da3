import ConnectAPI
import ConnectRuntime
import CurlClient

/// The Kafka Connect REST API of a worker, as an operator calls it: one base URL, the credentials the
/// worker's basic-auth extension checks, and the TLS material of an https listener.
public struct ConnectClient: Sendable {
    /// How to reach the worker.
    public struct Target: Sendable {
        /// `http://host:8083` or `https://…` (a trailing slash is ignored).
        public var url: String
        /// `user` and `password` for `Authorization: Basic`.
        public var credentials: (user: String, password: String)?
        /// PEM file of the CAs that signed the worker's certificate (instead of the system's).
        public var caFile: String?
        /// PEM files of a client certificate and its key, for listeners with `ssl.client.auth=required`.
        public var certificateFile: String?
        public var keyFile: String?

        public init(url: String) { self.url = url }
    }

    /// A response: its status and body, the body parsed when it is JSON.
    public struct Response: Sendable {
        public let status: Int
        public let body: [UInt8]
        public var json: JSONValue? { body.isEmpty ? nil : try? JSONParser.parse(body) }
    }

    public let target: Target
    private let session: CurlSession
    private let base: String

    public init(_ target: Target, readFile: (String) throws -> String) throws(CLIError) {
        self.target = target
        var base = target.url
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw CLIError("--url must start with http:// or https:// (got \(target.url))")
        }
        self.base = base
        var options = CurlSession.Options()
        options.userAgent = "tributary-cli/\(ConnectVersion.tributary)"
        if target.caFile != nil || target.certificateFile != nil {
            var tls = CurlSession.TLSOptions()
            do {
                tls.caPEM = try target.caFile.map(readFile)
                tls.certificatePEM = try target.certificateFile.map(readFile)
                tls.keyPEM = try (target.keyFile ?? target.certificateFile).map(readFile)
            } catch {
                throw CLIError("Cannot read \(error)")
            }
            options.tls = tls
        }
        do { session = try CurlSession(options: options) } catch {
            throw CLIError("Cannot use libcurl: \(error.message)")
        }
    }

    /// Sends one request; any HTTP status comes back. Throws when no response arrived, saying where the
    /// worker was looked for.
    public func send(_ method: String, _ path: String, body: JSONValue? = nil) async throws(CLIError) -> Response {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if let c = target.credentials {
            headers.append(("Authorization", "Basic " + Base64.encode(Array("\(c.user):\(c.password)".utf8))))
        }
        let request = HTTPRequest(
            method: method, url: base + path, headers: headers, body: body.map(JSONWriter.bytes) ?? [])
        do {
            let r = try await session.send(request)
            return Response(status: r.status, body: r.body)
        } catch {
            throw CLIError(Self.transportMessage(error, url: base))
        }
    }

    /// Sends one request and returns its JSON body (nil when empty); an answer other than 2xx throws with
    /// the worker's own message.
    @discardableResult
    public func call(_ method: String, _ path: String, body: JSONValue? = nil) async throws(CLIError) -> JSONValue? {
        let r = try await send(method, path, body: body)
        guard (200..<300).contains(r.status) else { throw CLIError(Self.errorMessage(r, method: method, path: path)) }
        if r.body.isEmpty { return nil }
        do { return try JSONParser.parse(r.body) } catch {
            throw CLIError("\(method) \(path): the answer is not JSON: \(error)")
        }
    }

    /// Kafka Connect's error body (`{"error_code":404,"message":"…"}`), else the status and the text.
    public static func errorMessage(_ r: Response, method: String, path: String) -> String {
        if let m = r.json?["message"]?.stringValue { return "\(m) (HTTP \(r.status))" }
        let text = String(decoding: r.body.prefix(500), as: UTF8.self).trimmingWhitespace()
        let what = "\(method) \(path): HTTP \(r.status)" + (text.isEmpty ? "" : ": \(text)")
        if r.status == 401 { return what + " (the worker wants credentials: --user or TRIBUTARY_USER)" }
        return what
    }

    static func transportMessage(_ error: CurlError, url: String) -> String {
        // CURLE_COULDNT_RESOLVE_HOST 6, CURLE_COULDNT_CONNECT 7, CURLE_OPERATION_TIMEDOUT 28
        switch error.code {
        case 7:
            return
                "Cannot connect to the Kafka Connect REST API at \(url): connection refused (is the worker running? set --url or TRIBUTARY_URL)"
        case 6: return "Cannot connect to the Kafka Connect REST API at \(url): unknown host (\(error.message))"
        default: return "Request to the Kafka Connect REST API at \(url) failed: \(error.message)"
        }
    }
}

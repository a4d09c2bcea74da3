import CCurl
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libcurl easy handle: requests run one after another on it, reusing its connections (keep-alive).
///
/// Threads: every transfer runs on this session's own serial dispatch queue, never on Swift's
/// cooperative pool; `send` suspends until it is done. Ownership: the CURL handle is owned and cleaned up
/// in `deinit`; each request's header list (curl_slist) and response buffers are freed before the
/// transfer's closure returns; the request body is borrowed for the transfer only (libcurl does not copy
/// POSTFIELDS, so it is read inside `withUnsafeBytes`).
public final class CurlSession: @unchecked Sendable {
    public struct Options: Sendable {
        public var connectTimeoutMs: Int = 10_000
        /// Whole transfer, 0 = none.
        public var timeoutMs: Int = 60_000
        /// Responses larger than this fail (protects the worker from a runaway server).
        public var maxResponseBytes: Int = 256 << 20
        public var followRedirects = false
        public var userAgent = "Tributary/0.1 (+https://github.com/tributary; libcurl)"
        /// TLS material for https:// URLs; nil: the system's CA store, no client certificate.
        public var tls: TLSOptions?
        public init() {}
    }

    /// TLS for a session, as PEM text (Java key stores are read into PEM by KeyStores).
    public struct TLSOptions: Sendable {
        /// CA certificates to trust instead of the system's.
        public var caPEM: String?
        /// The client certificate chain and its unencrypted key, for servers that require one.
        public var certificatePEM: String?
        public var keyPEM: String?
        /// Whether the server's certificate must name the host connected to (Kafka's
        /// `ssl.endpoint.identification.algorithm=https`).
        public var verifyHost = true

        public init(caPEM: String? = nil, certificatePEM: String? = nil, keyPEM: String? = nil, verifyHost: Bool = true)
        {
            self.caPEM = caPEM
            self.certificatePEM = certificatePEM
            self.keyPEM = keyPEM
            self.verifyHost = verifyHost
        }
    }

    private let handle: UnsafeMutableRawPointer  // CURL *, owned
    private let abortFlag: OpaquePointer  // tcurl_abort *, owned; set from any thread
    private let queue = DispatchQueue(label: "curl")
    public let options: Options

    public init(options: Options = Options()) throws(CurlError) {
        var err = [CChar](repeating: 0, count: 512)
        if tcurl_load(&err, err.count) != 0 {
            throw CurlError(
                code: -1, message: String(decoding: err.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            )
        }
        guard let h = tcurl_easy_init() else { throw CurlError(code: -1, message: "curl_easy_init failed") }
        guard let a = tcurl_abort_new() else {
            tcurl_easy_cleanup(h)
            throw CurlError(code: -1, message: "out of memory")
        }
        handle = h
        abortFlag = a
        self.options = options
    }

    deinit {
        tcurl_easy_cleanup(handle)
        tcurl_abort_free(abortFlag)
    }

    /// Aborts the transfer in progress, if any, every later one, and the waits between retries (a
    /// stopping task). Any thread.
    public func abortTransfers() { tcurl_abort_set(abortFlag) }

    private var isAborted: Bool { tcurl_abort_get(abortFlag) != 0 }

    /// Sends one request and returns whatever HTTP response came back (any status); throws only when no
    /// response arrived.
    public func send(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
        let result: Result<HTTPResponse, CurlError> = await withCheckedContinuation { cont in
            queue.async { [self] in cont.resume(returning: perform(request)) }
        }
        return try result.get()
    }

    /// `send` for synchronous callers (a converter's first lookup of a schema): blocks the calling thread
    /// until the response arrives. The transfer runs on this session's own queue, never the caller's.
    public func sendBlocking(_ request: HTTPRequest) throws(CurlError) -> HTTPResponse {
        try queue.sync { perform(request) }.get()
    }

    /// Sends with retries: transport failures and 408/429/5xx answers are retried up to
    /// `policy.attempts` times in all, with exponential backoff and full jitter; a `Retry-After` in
    /// seconds is honoured (capped at `policy.maxRetryAfterMs`). Returns the last response, whatever its
    /// status, once it is not retriable or attempts are used up, or once `abortTransfers` was called
    /// (checked while waiting, every 100 ms, so a stopping task is not held up by a long backoff).
    public func send(_ request: HTTPRequest, retry policy: RetryPolicy, onRetry: (String) -> Void = { _ in })
        async throws(CurlError) -> HTTPResponse
    {
        var attempt = 1
        while true {
            let outcome: Result<HTTPResponse, CurlError>
            do throws(CurlError) { outcome = .success(try await send(request)) } catch { outcome = .failure(error) }
            let retriable: Bool
            var retryAfterMs: Int? = nil
            var what: String
            switch outcome {
            case .success(let r):
                retriable = CurlError.isRetriableStatus(r.status)
                retryAfterMs = r.header("Retry-After").flatMap { Int($0) }.map { $0 * 1000 }
                what = "HTTP \(r.status)"
            case .failure(let e):
                retriable = e.isRetriable
                what = e.message
            }
            if !retriable || attempt >= policy.attempts || Task.isCancelled || isAborted { return try outcome.get() }
            let wait = retryAfterMs.map { min($0, policy.maxRetryAfterMs) } ?? policy.backoffMs(afterAttempt: attempt)
            what += "; attempt \(attempt) of \(policy.attempts), retrying in \(wait) ms"
            onRetry(what)
            var waited = 0
            while waited < wait && !isAborted && !Task.isCancelled {
                let step = min(100, wait - waited)
                try? await Task.sleep(nanoseconds: UInt64(step) * 1_000_000)
                waited += step
            }
            attempt += 1
        }
    }

    private func perform(_ request: HTTPRequest) -> Result<HTTPResponse, CurlError> {
        tcurl_easy_reset(handle)
        var list: UnsafeMutablePointer<curl_slist>? = nil
        defer { tcurl_slist_free_all(list) }
        var hasContentType = false
        for h in request.headers {
            if h.name.lowercased() == "content-type" { hasContentType = true }
            list = tcurl_slist_append(list, "\(h.name): \(h.value)")
        }
        // No "Expect: 100-continue" round trip before large bodies; no form content type curl would
        // otherwise add to a body-carrying request.
        list = tcurl_slist_append(list, "Expect:")
        if !hasContentType { list = tcurl_slist_append(list, "Content-Type:") }

        _ = tcurl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = tcurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, list)
        _ = tcurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)  // timeouts without SIGALRM: we are multithreaded
        _ = tcurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMs)
        _ = tcurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, options.timeoutMs)
        _ = tcurl_setopt_string(handle, CURLOPT_USERAGENT, options.userAgent)
        _ = tcurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
        _ = tcurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, options.followRedirects ? 1 : 0)
        // Proxies come from http_proxy / https_proxy / no_proxy, which libcurl reads itself.
        if let tls = options.tls {
            func blob(_ opt: CURLoption, _ text: String) {
                var bytes = Array(text.utf8)
                _ = bytes.withUnsafeMutableBytes { tcurl_setopt_blob(handle, opt, $0.baseAddress, $0.count) }
            }
            if let ca = tls.caPEM { blob(CURLOPT_CAINFO_BLOB, ca) }
            if let cert = tls.certificatePEM { blob(CURLOPT_SSLCERT_BLOB, cert) }
            if let key = tls.keyPEM { blob(CURLOPT_SSLKEY_BLOB, key) }
            _ = tcurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, tls.verifyHost ? 2 : 0)
        }

        var body = tcurl_buffer(data: nil, length: 0, capacity: 0, limit: options.maxResponseBytes)
        var headers = tcurl_buffer(data: nil, length: 0, capacity: 0, limit: 1 << 20)
        defer {
            tcurl_buffer_free(&body)
            tcurl_buffer_free(&headers)
        }
        let code: CURLcode = request.body.withUnsafeBytes { raw in
            switch request.method {
            case "GET": _ = tcurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            case "HEAD": _ = tcurl_setopt_long(handle, CURLOPT_NOBODY, 1)
            default:
                if request.method == "DELETE" && request.body.isEmpty {
                    _ = tcurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "DELETE")
                } else {
                    // POSTFIELDS (not copied) carries the body for any method; CUSTOMREQUEST names it.
                    let empty: StaticString = ""
                    _ = tcurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(raw.count))
                    _ = tcurl_setopt_pointer(
                        handle, CURLOPT_POSTFIELDS, raw.baseAddress ?? UnsafeRawPointer(empty.utf8Start))
                    if request.method != "POST" {
                        _ = tcurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
                    }
                }
            }
            return tcurl_perform(handle, &body, &headers, abortFlag)
        }
        if code != CURLE_OK {
            let reason = String(cString: tcurl_easy_strerror(code))
            return .failure(
                CurlError(
                    code: Int(code.rawValue),
                    message: "\(request.method) \(Self.redacted(request.url)) failed: \(reason)"))
        }
        var status = 0
        _ = tcurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let headerBytes = headers.data.map { Array(UnsafeBufferPointer(start: $0, count: headers.length)) } ?? []
        let bodyBytes = body.data.map { Array(UnsafeBufferPointer(start: $0, count: body.length)) } ?? []
        return .success(HTTPResponse(status: status, headers: HTTPResponse.parseHeaders(headerBytes), body: bodyBytes))
    }

    /// The URL without its query (which may hold tokens) and user info (`user:password@`), for messages.
    public static func redacted(_ url: String) -> String {
        var u = url
        if let scheme = u.firstRange(of: "://") {
            let authorityEnd = u[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? u.endIndex
            if let at = u[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
                u.replaceSubrange(scheme.upperBound...at, with: "")
            }
        }
        guard let q = u.firstIndex(of: "?") else { return u }
        return String(u[..<q]) + "?…"
    }
}

/// How often and how patiently to retry.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var attempts: Int
    public var baseDelayMs: Int
    public var maxDelayMs: Int
    public var maxRetryAfterMs: Int

    public init(attempts: Int, baseDelayMs: Int = 200, maxDelayMs: Int = 30_000, maxRetryAfterMs: Int = 300_000) {
        self.attempts = max(1, attempts)
        self.baseDelayMs = max(1, baseDelayMs)
        self.maxDelayMs = max(self.baseDelayMs, maxDelayMs)
        self.maxRetryAfterMs = maxRetryAfterMs
    }

    /// Exponential backoff with jitter: base·2^(n−1), capped, then a random point in its upper half (so
    /// workers that failed together do not retry together, and the wait never collapses to zero).
    public func backoffMs(afterAttempt n: Int) -> Int {
        let exp = min(n - 1, 30)
        let ceiling = min(maxDelayMs, baseDelayMs << exp)
        return ceiling / 2 + Int.random(in: 0...(ceiling - ceiling / 2))
    }
}

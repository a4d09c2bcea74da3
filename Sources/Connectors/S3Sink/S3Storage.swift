import AWSAuth
import ConnectAPI
import CurlClient

/// The S3 calls the sink makes (PutObject and the multipart upload family), signed with SigV4, over
/// one libcurl session (kept-alive connections). Path-style (`endpoint/bucket/key`) or virtual-hosted
/// (`bucket.endpoint/key`) addressing, as `s3.path.style.access.enabled` says.
final class S3Storage: Sendable {
    let bucket: String
    private let endpoint: String  // scheme://host[:port], no trailing slash
    private let pathStyle: Bool
    private let region: String
    private let credentials: any AWSCredentialsProvider
    private let session: CurlSession
    private let retry: RetryPolicy
    private let options: S3ObjectOptions
    private let clock: @Sendable () -> Int64
    private let log: @Sendable (String) -> Void

    init(
        bucket: String, endpoint: String, pathStyle: Bool, region: String, credentials: any AWSCredentialsProvider,
        retry: RetryPolicy, options: S3ObjectOptions = S3ObjectOptions(), log: @escaping @Sendable (String) -> Void,
        clock: @escaping @Sendable () -> Int64 = { SystemClock.nowMs() / 1000 }
    ) throws {
        self.bucket = bucket
        var e = endpoint
        while e.hasSuffix("/") { e.removeLast() }
        self.endpoint = e
        self.pathStyle = pathStyle
        self.region = region
        self.credentials = credentials
        var curlOptions = CurlSession.Options()
        curlOptions.timeoutMs = 300_000  // a 25 MiB part on a slow link
        do { self.session = try CurlSession(options: curlOptions) } catch {
            throw ConnectError(.connect, "Cannot use libcurl for S3: \(error.message)")
        }
        self.retry = retry
        self.options = options
        self.clock = clock
        self.log = log
    }

    /// The endpoint for `s3.region` when `store.url` is not set; `https://` is assumed for a bare host.
    static func endpoint(storeURL: String?, region: String) -> String {
        guard let u = storeURL, !u.isEmpty else { return "https://s3.\(region).amazonaws.com" }
        return u.contains("://") ? u : "https://" + u
    }

    func url(key: String, query: String = "") -> String {
        let path = AWSSigner.uriEncode(key, encodeSlash: false)
        let base: String
        if pathStyle {
            base = "\(endpoint)/\(AWSSigner.uriEncode(bucket, encodeSlash: true))/\(path)"
        } else {
            let schemeEnd = endpoint.firstRange(of: "://")!.upperBound
            base = "\(endpoint[..<schemeEnd])\(bucket).\(endpoint[schemeEnd...])/\(path)"
        }
        return query.isEmpty ? base : base + "?" + query
    }

    /// HEAD on the bucket: fails at start-up on a missing bucket or bad credentials instead of at the
    /// first flush.
    func checkBucket() async throws {
        let r = try await send(HTTPRequest(method: "HEAD", url: url(key: "")), what: "HeadBucket \(bucket)")
        if r.status == 404 {
            throw ConnectError(.connect, "Nonexistent S3 bucket: \(bucket) (HeadBucket answered 404 NoSuchBucket)")
        }
        if r.status == 403 || r.status == 400 {
            // A HEAD answer has no body, so S3's error code (SignatureDoesNotMatch, InvalidAccessKeyId,
            // AccessDenied) is read from a GET on the bucket, which carries it.
            let what = "GetBucketLocation \(bucket)"
            try check(
                try await send(HTTPRequest(method: "GET", url: url(key: "", query: "location=")), what: what),
                what: what)
        }
        try check(r, what: "HeadBucket \(bucket)")
    }

    func putObject(key: String, body: [UInt8]) async throws {
        let r = try await send(
            HTTPRequest(method: "PUT", url: url(key: key), headers: options.objectHeaders, body: body),
            what: "PutObject \(key)")
        try check(r, what: "PutObject \(key)")
    }

    func createMultipartUpload(key: String) async throws -> String {
        let what = "CreateMultipartUpload \(key)"
        let r = try await send(
            HTTPRequest(method: "POST", url: url(key: key, query: "uploads="), headers: options.objectHeaders),
            what: what)
        try check(r, what: what)
        guard let id = AWSXML.element("UploadId", in: r.bodyText) else {
            throw ConnectError(.retriable, "\(what): no UploadId in S3's answer: \(r.bodyText.prefix(200))")
        }
        return id
    }

    /// Returns the part's ETag.
    func uploadPart(key: String, uploadId: String, partNumber: Int, body: [UInt8]) async throws -> String {
        let what = "UploadPart \(key) part \(partNumber)"
        let q = "partNumber=\(partNumber)&uploadId=\(AWSSigner.uriEncode(uploadId, encodeSlash: true))"
        let r = try await send(
            HTTPRequest(method: "PUT", url: url(key: key, query: q), headers: options.partHeaders, body: body),
            what: what)
        try check(r, what: what)
        guard let etag = r.header("ETag") else {
            throw ConnectError(.retriable, "\(what): S3 answered without an ETag")
        }
        return etag
    }

    func completeMultipartUpload(key: String, uploadId: String, parts: [(Int, String)]) async throws {
        let what = "CompleteMultipartUpload \(key)"
        var xml = "<CompleteMultipartUpload>"
        for (n, etag) in parts {
            xml += "<Part><PartNumber>\(n)</PartNumber><ETag>\(AWSXML.escaped(etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let q = "uploadId=\(AWSSigner.uriEncode(uploadId, encodeSlash: true))"
        let r = try await send(
            HTTPRequest(
                method: "POST", url: url(key: key, query: q), headers: [("Content-Type", "application/xml")],
                body: Array(xml.utf8)), what: what)
        try check(r, what: what)
        // S3 may answer 200 and still report an error in the body.
        if AWSXML.element("Code", in: r.bodyText) != nil, r.bodyText.contains("<Error>") {
            try check(HTTPResponse(status: 500, body: r.body), what: what)
        }
    }

    /// PutObjectTagging (`s3.object.tagging`): a failure fails the commit when `failOnError`, else it is
    /// logged and the object stays untagged (`s3.object.behavior.on.tagging.error=ignore`).
    func tag(key: String, _ tags: [(String, String)], failOnError: Bool) async throws {
        let what = "PutObjectTagging \(key)"
        var xml = "<Tagging><TagSet>"
        for (k, v) in tags { xml += "<Tag><Key>\(AWSXML.escaped(k))</Key><Value>\(AWSXML.escaped(v))</Value></Tag>" }
        xml += "</TagSet></Tagging>"
        let body = Array(xml.utf8)
        do {
            let r = try await send(
                HTTPRequest(
                    method: "PUT", url: url(key: key, query: "tagging="),
                    headers: [
                        ("Content-Type", "application/xml"), ("Content-MD5", Base64.encode(AWSSigner.md5(body))),
                    ],
                    body: body), what: what)
            try check(r, what: what)
        } catch {
            if failOnError { throw error }
            log("Unable to tag S3 object \(key); ignored (s3.object.behavior.on.tagging.error=ignore): \(error)")
        }
    }

    func abortMultipartUpload(key: String, uploadId: String) async {
        let q = "uploadId=\(AWSSigner.uriEncode(uploadId, encodeSlash: true))"
        _ = try? await send(
            HTTPRequest(method: "DELETE", url: url(key: key, query: q)), what: "AbortMultipartUpload \(key)")
    }

    func send(_ request: HTTPRequest, what: String) async throws -> HTTPResponse {
        var req = request
        let hash = req.body.withUnsafeBytes { AWSSigner.sha256Hex($0) }
        req.headers.append(("x-amz-content-sha256", hash))
        // Temporary credentials (STS, instance metadata) are refreshed by the provider before they expire.
        let current: AWSCredentials
        do { current = try await credentials.currentCredentials() } catch {
            throw ConnectError(.retriable, "S3 \(what): no AWS credentials: \(error)")
        }
        AWSSigner(credentials: current, region: region, service: "s3").sign(
            &req, payloadHash: hash, epochSeconds: clock())
        do {
            return try await session.send(req, retry: retry, onRetry: { [log] note in log("S3 \(what): \(note)") })
        } catch {
            throw ConnectError(error.isRetriable ? .retriable : .connect, "S3 \(what) failed: \(error.message)")
        }
    }

    /// A non-2xx answer as a ConnectError whose message starts with S3's error code, retriable when S3
    /// says it may pass (throttling, 5xx).
    private func check(_ r: HTTPResponse, what: String) throws {
        guard !(200..<300).contains(r.status) else { return }
        let text = r.bodyText
        let code = AWSXML.element("Code", in: text) ?? "HTTP\(r.status)"
        let message = AWSXML.element("Message", in: text) ?? text.prefix(200).description
        let retriable = CurlError.isRetriableStatus(r.status) || code == "SlowDown" || code == "RequestTimeout"
        throw ConnectError(
            retriable ? .retriable : .connect,
            "S3 error \(code) (HTTP \(r.status)) on \(what) in bucket \(bucket): \(message)")
    }

}

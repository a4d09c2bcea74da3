import Testing

@testable import CurlClient

@Suite struct HTTPMessageTests {
    @Test func keepsOnlyTheFinalResponsesHeaders() {
        let raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nETag: \"abc\"\r\nRetry-After:  5 \r\n\r\n"
        let h = HTTPResponse.parseHeaders(Array(raw.utf8))
        #expect(h.count == 2)
        let r = HTTPResponse(status: 200, headers: h)
        #expect(r.header("etag") == "\"abc\"")
        #expect(r.header("Retry-After") == "5")
    }

    @Test func retriableErrors() {
        #expect(CurlError(code: 0, message: "", status: 503).isRetriable)
        #expect(CurlError(code: 0, message: "", status: 429).isRetriable)
        #expect(!CurlError(code: 0, message: "", status: 403).isRetriable)
        #expect(CurlError(code: 7, message: "connect").isRetriable)
        #expect(!CurlError(code: 3, message: "malformed URL").isRetriable)
    }

    @Test func backoffGrowsWithinBounds() {
        let p = RetryPolicy(attempts: 5, baseDelayMs: 100, maxDelayMs: 1000)
        for n in 1...8 {
            let ceiling = min(1000, 100 << (n - 1))
            let d = p.backoffMs(afterAttempt: n)
            #expect(d >= ceiling / 2 && d <= ceiling)
        }
    }

    @Test func redactsQueries() {
        #expect(CurlSession.redacted("https://h/p?$$app_token=secret") == "https://h/p?…")
    }
}

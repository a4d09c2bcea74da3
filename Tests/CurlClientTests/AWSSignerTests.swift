import Testing

@testable import CurlClient

/// AWS's published Signature Version 4 examples: the signature test suite (get-vanilla & co., credentials
/// AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service") and the S3 API reference's examples
/// (AKIAIOSFODNN7EXAMPLE, 2013-05-24, examplebucket).
@Suite struct AWSSignerTests {
    let suite = AWSSigner(
        credentials: AWSCredentials(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")
    let s3 = AWSSigner(
        credentials: AWSCredentials(
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3")
    let suiteTime: Int64 = 1_440_938_160  // 2015-08-30T12:36:00Z
    let s3Time: Int64 = 1_369_353_600  // 2013-05-24T00:00:00Z

    @Test func amzDate() {
        #expect(AWSSigner.amzDate(epochSeconds: suiteTime) == "20150830T123600Z")
        #expect(AWSSigner.amzDate(epochSeconds: s3Time) == "20130524T000000Z")
        #expect(AWSSigner.amzDate(epochSeconds: 0) == "19700101T000000Z")
    }

    @Test func getVanilla() {
        var r = HTTPRequest(method: "GET", url: "https://example.amazonaws.com/")
        suite.sign(&r, payloadHash: AWSSigner.emptyPayloadHash, epochSeconds: suiteTime)
        #expect(
            r.header("Authorization")
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        )
        #expect(r.header("x-amz-date") == "20150830T123600Z")
    }

    @Test func getVanillaQueryOrderKeyCase() {
        var r = HTTPRequest(method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1")
        suite.sign(&r, payloadHash: AWSSigner.emptyPayloadHash, epochSeconds: suiteTime)
        #expect(
            r.header("Authorization")?.hasSuffix("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
                == true)
    }

    @Test func postVanilla() {
        var r = HTTPRequest(method: "POST", url: "https://example.amazonaws.com/")
        suite.sign(&r, payloadHash: AWSSigner.emptyPayloadHash, epochSeconds: suiteTime)
        #expect(
            r.header("Authorization")?.hasSuffix("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
                == true)
    }

    @Test func s3GetObjectWithRange() {
        var r = HTTPRequest(
            method: "GET", url: "https://examplebucket.s3.amazonaws.com/test.txt",
            headers: [("Range", "bytes=0-9"), ("x-amz-content-sha256", AWSSigner.emptyPayloadHash)])
        s3.sign(&r, payloadHash: AWSSigner.emptyPayloadHash, epochSeconds: s3Time)
        #expect(
            r.header("Authorization")
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    @Test func s3PutObject() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = AWSSigner.sha256Hex(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        var r = HTTPRequest(
            method: "PUT", url: "https://examplebucket.s3.amazonaws.com/test%24file.text",
            headers: [
                ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                ("x-amz-content-sha256", hash),
            ], body: body)
        s3.sign(&r, payloadHash: hash, epochSeconds: s3Time)
        #expect(
            r.header("Authorization")
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        )
    }

    @Test func s3ListObjects() {
        var r = HTTPRequest(
            method: "GET", url: "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
            headers: [("x-amz-content-sha256", AWSSigner.emptyPayloadHash)])
        s3.sign(&r, payloadHash: AWSSigner.emptyPayloadHash, epochSeconds: s3Time)
        #expect(
            r.header("Authorization")?.hasSuffix("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
                == true)
    }

    @Test func hostHeaderKeepsANonDefaultPort() {
        #expect(URLParts("http://127.0.0.1:19000/bucket/key?uploads=").hostHeader == "127.0.0.1:19000")
        #expect(URLParts("https://s3.amazonaws.com:443/b").hostHeader == "s3.amazonaws.com")
        let p = URLParts("http://h:1/a/b%20c?x=1")
        #expect(p.path == "/a/b%20c")
        #expect(p.query == "x=1")
    }

    @Test func uriEncoding() {
        #expect(AWSSigner.uriEncode("topics/a b/c+d=e", encodeSlash: false) == "topics/a%20b/c%2Bd%3De")
        #expect(AWSSigner.uriEncode("a/b", encodeSlash: true) == "a%2Fb")
        #expect(AWSSigner.uriEncode("ключ", encodeSlash: true) == "%D0%BA%D0%BB%D1%8E%D1%87")
        #expect(AWSSigner.canonicalQuery("uploads=") == "uploads=")
        #expect(AWSSigner.canonicalQuery("uploadId=a%2Bb&partNumber=2") == "partNumber=2&uploadId=a%2Bb")
    }

    @Test func credentialsNeverPrintTheSecret() {
        let c = AWSCredentials(accessKeyId: "AKID", secretAccessKey: "very-secret")
        #expect(!String(describing: c).contains("very-secret"))
    }
}

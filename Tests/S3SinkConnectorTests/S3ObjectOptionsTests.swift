import ConnectAPI
import Testing

@testable import S3SinkConnector

/// The encryption and ACL headers each key combination puts on the sink's S3 requests, and the
/// combinations refused at validation.
@Suite struct S3ObjectOptionsTests {
    let env = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]
    /// base64 of 32 bytes of "k", and base64 of their MD5 (computed with Python's hashlib).
    let customerKey = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="
    let customerKeyMD5 = "mT2HRsMGJ5IX5C+0rreZ8Q=="

    func options(_ extra: [String: String]) throws -> S3ObjectOptions {
        var raw = [
            "s3.bucket.name": "b", "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
            "flush.size": "3", "store.url": "http://127.0.0.1:1",
        ]
        raw.merge(extra) { $1 }
        return try S3SinkConfig(raw, env: env).objectOptions
    }

    func names(_ headers: [(name: String, value: String)]) -> [String: String] {
        Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func noKeysNoHeaders() throws {
        let o = try options([:])
        #expect(o.objectHeaders.isEmpty && o.partHeaders.isEmpty)
    }

    @Test func sseS3AndCannedACLOnObjectRequestsOnly() throws {
        let o = try options(["s3.ssea.name": "AES256", "s3.acl.canned": "bucket-owner-full-control"])
        #expect(
            names(o.objectHeaders) == [
                "x-amz-server-side-encryption": "AES256", "x-amz-acl": "bucket-owner-full-control",
            ])
        #expect(o.partHeaders.isEmpty)
    }

    @Test func sseKMSNamesItsKey() throws {
        let o = try options(["s3.ssea.name": "aws:kms", "s3.sse.kms.key.id": "alias/tributary"])
        #expect(
            names(o.objectHeaders) == [
                "x-amz-server-side-encryption": "aws:kms",
                "x-amz-server-side-encryption-aws-kms-key-id": "alias/tributary",
            ])
        // Without a key id S3 uses the account's default KMS key.
        #expect(names(try options(["s3.ssea.name": "aws:kms"]).objectHeaders).count == 1)
    }

    @Test func sseCustomerKeyGoesOnEveryUploadRequestWithItsMD5() throws {
        let o = try options(["s3.ssea.name": "AES256", "s3.sse.customer.key": customerKey])
        let expected = [
            "x-amz-server-side-encryption-customer-algorithm": "AES256",
            "x-amz-server-side-encryption-customer-key": customerKey,
            "x-amz-server-side-encryption-customer-key-MD5": customerKeyMD5,
        ]
        #expect(names(o.objectHeaders) == expected)
        #expect(names(o.partHeaders) == expected)
    }

    @Test func combinationsThatWouldNotEncryptAreRefusedNamingTheKey() {
        let cases: [([String: String], String)] = [
            (["s3.ssea.name": "aes256"], "s3.ssea.name"),
            (["s3.sse.customer.key": customerKey], "s3.sse.customer.key"),
            (["s3.ssea.name": "AES256", "s3.sse.customer.key": "c2hvcnQ="], "s3.sse.customer.key"),
            (["s3.ssea.name": "AES256", "s3.sse.customer.key": "not base64!"], "s3.sse.customer.key"),
            (["s3.sse.kms.key.id": "alias/k"], "s3.sse.kms.key.id"),
            (["s3.acl.canned": "public"], "s3.acl.canned"),
        ]
        for (extra, key) in cases {
            do {
                _ = try options(extra)
                Issue.record("accepted \(extra)")
            } catch {
                let message = "\(error)"
                #expect(message.contains("configuration \(key)"), "\(extra): \(message)")
                #expect(!message.contains(customerKey))
            }
        }
    }
}

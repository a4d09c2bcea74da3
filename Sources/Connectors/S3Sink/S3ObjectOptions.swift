import ConnectAPI
import CurlClient

/// Server-side encryption and the canned ACL of the objects the sink writes (`s3.ssea.name`,
/// `s3.sse.kms.key.id`, `s3.sse.customer.key`, `s3.acl.canned`), as the request headers S3 reads:
/// PutObject and CreateMultipartUpload carry them all; UploadPart carries a customer-provided key
/// again (S3 encrypts each part with it and keeps no copy).
///
/// As Confluent's S3OutputStream: `AES256` alone is SSE-S3, `AES256` with a customer key is SSE-C,
/// `aws:kms` is SSE-KMS with the named key (or the account's default key when none is named).
struct S3ObjectOptions: Sendable {
    /// Headers of PutObject and CreateMultipartUpload.
    private(set) var objectHeaders: [(name: String, value: String)] = []
    /// Headers of UploadPart.
    private(set) var partHeaders: [(name: String, value: String)] = []

    static let algorithms = ["", "AES256", "aws:kms", "aws:kms:dsse"]
    /// The AWS SDK's CannedAccessControlList header values, in its order.
    static let cannedACLs = [
        "private", "public-read", "public-read-write", "authenticated-read", "log-delivery-write",
        "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read",
    ]

    static let cannedACLValidator = ConfigValidator("[\(cannedACLs.joined(separator: ", "))]") { name, value in
        cannedACLs.contains(value.trimmingWhitespace())
            ? nil
            : "Invalid value \(value) for configuration \(name): Value must be one of: \(cannedACLs.joined(separator: ", "))"
    }

    init() {}

    /// From the parsed keys; `problem(key, message)` for combinations that would not encrypt as the
    /// user asked (these are refused rather than ignored: an object written unencrypted cannot be
    /// taken back). The customer key never appears in a message.
    init(_ c: ParsedConfig, problem: (String, String) -> Void) {
        let algorithm = (c.string("s3.ssea.name") ?? "").trimmingWhitespace()
        let kmsKeyId = (c.string("s3.sse.kms.key.id") ?? "").trimmingWhitespace()
        let customerKey = (c.string("s3.sse.customer.key") ?? "").trimmingWhitespace()
        if !customerKey.isEmpty {
            if algorithm != "AES256" {
                problem(
                    "s3.sse.customer.key",
                    "Invalid value [hidden] for configuration s3.sse.customer.key: a customer-provided key (SSE-C) needs s3.ssea.name=AES256, not '\(algorithm)'"
                )
            } else if let key = Base64.decode(customerKey), key.count == 32 {
                let sse: [(name: String, value: String)] = [
                    ("x-amz-server-side-encryption-customer-algorithm", "AES256"),
                    ("x-amz-server-side-encryption-customer-key", customerKey),
                    ("x-amz-server-side-encryption-customer-key-MD5", Base64.encode(AWSSigner.md5(key))),
                ]
                objectHeaders += sse
                partHeaders += sse
            } else {
                problem(
                    "s3.sse.customer.key",
                    "Invalid value [hidden] for configuration s3.sse.customer.key: must be the base64 encoding of a 256-bit (32-byte) AES key"
                )
            }
        } else if algorithm == "AES256" {
            objectHeaders.append(("x-amz-server-side-encryption", "AES256"))
        }
        if algorithm.hasPrefix("aws:kms") {
            objectHeaders.append(("x-amz-server-side-encryption", algorithm))
            if !kmsKeyId.isEmpty { objectHeaders.append(("x-amz-server-side-encryption-aws-kms-key-id", kmsKeyId)) }
        } else if !kmsKeyId.isEmpty {
            problem(
                "s3.sse.kms.key.id",
                "Invalid value \(kmsKeyId) for configuration s3.sse.kms.key.id: a KMS key needs s3.ssea.name=aws:kms (or aws:kms:dsse), not '\(algorithm)'"
            )
        }
        if let acl = c.string("s3.acl.canned")?.trimmingWhitespace(), !acl.isEmpty {
            objectHeaders.append(("x-amz-acl", acl))
        }
    }
}

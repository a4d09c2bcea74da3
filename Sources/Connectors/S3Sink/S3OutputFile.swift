import Codecs
import ConnectAPI

/// One object being written: its bytes (gzip-compressed in chunks as they arrive, when configured) are held until
/// they fill a part; an object that ends within one part is stored with a single PutObject, a larger one
/// as a multipart upload of `partSize` parts. Nothing is visible in the bucket until `commit`
/// completes, and an abandoned file's multipart upload is aborted.
///
/// Every step can be retried after a failure: bytes stay buffered until S3 has acknowledged them, parts
/// keep their numbers, and the object's key is fixed when the file is opened.
///
/// A cancelled task neither starts nor extends an upload nor makes an object visible: those steps throw
/// `CancellationError`, and the caller aborts the file.
final class S3OutputFile {
    let key: String
    let startOffset: Int64
    /// Records in the file and the offset of the last one (the object's tags).
    private(set) var recordCount = 0
    private(set) var endOffset: Int64
    private let storage: S3Storage
    private let partSize: Int
    private let gzip: BackgroundGzip?
    /// Uncompressed bytes gathered for the compressor (gzip only); each chunk is one gzip member.
    private var chunk: [UInt8] = []
    private static let chunkSize = 256 << 10
    /// Bytes not yet sent to S3 (compressed, when gzip).
    private var pending: [UInt8] = []
    private var uploadId: String?
    private var parts: [(Int, String)] = []
    private var finished = false
    private(set) var committed = false

    /// Throws when gzip's library (libdeflate) cannot be loaded.
    init(key: String, startOffset: Int64, storage: S3Storage, partSize: Int, gzipLevel: Int?) throws(CodecUnavailable) {
        self.key = key
        self.startOffset = startOffset
        self.endOffset = startOffset
        self.storage = storage
        self.partSize = partSize
        self.gzip = try gzipLevel.map { level throws(CodecUnavailable) in try BackgroundGzip(level: level) }
        if gzip == nil { pending.reserveCapacity(min(partSize, 1 << 20)) }
    }

    func noteRecord(offset: Int64) {
        recordCount += 1
        endOffset = offset
    }

    /// Adds bytes (a record's, or a container's header or block); uploads a part when a part's worth is
    /// buffered. The bytes are kept when the upload fails, so they count as written either way.
    func append(_ bytes: [UInt8]) async throws {
        if buffer(bytes) { return }
        if let gzip {
            chunk.append(contentsOf: bytes)
            if chunk.count >= Self.chunkSize {
                await gzip.submit(chunk)
                chunk.removeAll(keepingCapacity: true)
                if pending.count + gzip.readyBytes >= partSize { pending.append(contentsOf: await gzip.take()) }
            }
        } else {
            pending.append(contentsOf: bytes)
        }
        if pending.count >= partSize { try await uploadPart() }
    }

    /// Adds bytes that fit below the next compression chunk or part without any work, without the
    /// cost of an async call: true when they were added, false when `append` has to do it.
    func buffer(_ bytes: [UInt8]) -> Bool {
        if gzip != nil {
            // (pending at a part's size: an upload failed before, and `append` retries it)
            guard chunk.count + bytes.count < Self.chunkSize, pending.count < partSize else { return false }
            chunk.append(contentsOf: bytes)
        } else {
            guard pending.count + bytes.count < partSize else { return false }
            pending.append(contentsOf: bytes)
        }
        return true
    }

    /// Bytes held in memory for this file (compressed bytes still in the compressor aside).
    var bufferedBytes: Int { pending.count + chunk.count + (gzip?.readyBytes ?? 0) }

    private func uploadPart() async throws {
        try Task.checkCancellation()
        if uploadId == nil { uploadId = try await storage.createMultipartUpload(key: key) }
        let n = parts.count + 1
        let etag = try await storage.uploadPart(key: key, uploadId: uploadId!, partNumber: n, body: pending)
        parts.append((n, etag))
        pending.removeAll(keepingCapacity: true)
    }

    /// Makes the object visible: the rest of the bytes as one PutObject, or as the last part of the
    /// multipart upload followed by CompleteMultipartUpload.
    func commit() async throws {
        guard !committed else { return }
        try Task.checkCancellation()
        if !finished {
            if let gzip {
                if !chunk.isEmpty { await gzip.submit(chunk) }
                chunk = []
                pending.append(contentsOf: await gzip.finish())
            }
            finished = true
        }
        if uploadId == nil {
            try await storage.putObject(key: key, body: pending)
        } else {
            if !pending.isEmpty { try await uploadPart() }
            try await storage.completeMultipartUpload(key: key, uploadId: uploadId!, parts: parts)
        }
        pending = []
        committed = true
    }

    /// Gives the file up: its multipart upload, if any, is aborted (best effort; S3's lifecycle rules
    /// clean up what an abort misses).
    func abort() async {
        if let uploadId, !committed { await storage.abortMultipartUpload(key: key, uploadId: uploadId) }
        pending = []
    }
}

import AWSAuth
import ConnectAPI
import ConnectTestKit
import CurlClient
import Foundation
import Testing

@testable import S3SinkConnector

/// Cancelling the Swift task running a put (a worker giving up on a task that does not stop) aborts the
/// open multipart uploads instead of completing them. Against the local S3 server.
@Suite(.serialized) struct S3SinkCancellationTests {
    /// Hands the harness to the task that runs the put; the test touches it again only after that task
    /// ended.
    struct Handle: @unchecked Sendable { let harness: SinkTaskHarness }

    /// The multipart uploads in progress in the bucket (ListMultipartUploads), by upload id.
    func openUploads(_ bucket: S3SinkHarnessTests.Bucket) async throws -> [String] {
        let r = try await bucket.storage.send(
            HTTPRequest(method: "GET", url: bucket.storage.url(key: "", query: "uploads")), what: "ListMultipartUploads"
        )
        #expect(r.status == 200)
        return r.bodyText.split(separator: "<UploadId>").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    /// Records of 1 MiB each: five fill the smallest part (s3.part.size=5242880).
    static func largeRecords(_ offsets: Range<Int>) throws -> [SinkRecord] {
        let filler = String(repeating: "x", count: 1 << 20)
        return try SinkRecords.json(
            topic: "test-topic", firstOffset: Int64(offsets.lowerBound),
            offsets.map { #"{"id":\#($0),"s":"\#(filler)"}"# })
    }

    /// A task of a new bucket with six records put: a part is uploaded, the object is not complete.
    func taskWithAnOpenUpload() async throws -> (S3SinkHarnessTests.Bucket, SinkTaskHarness) {
        let bucket = try S3SinkHarnessTests.Bucket()
        try await bucket.create()
        let h = ConnectorHarness(S3SinkConnector.plugin)
        let config = try S3SinkHarnessTests().config(bucket, ["flush.size": "10", "s3.part.size": "5242880"])
        let task = try await h.sinkTask(config, partitions: [TopicPartition("test-topic", 0)])
        try await task.put(try Self.largeRecords(0..<6))
        #expect(try await openUploads(bucket).count == 1)
        return (bucket, task)
    }

    @Test func aCancelledPutAbortsTheMultipartUploadInsteadOfCompletingIt() async throws {
        let (bucket, task) = try await taskWithAnOpenUpload()
        // The next four reach flush.size, which would complete the object; the put's task is cancelled.
        let handle = Handle(harness: task)
        let records = try Self.largeRecords(6..<10)
        let put = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await handle.harness.put(records)
        }
        await #expect(throws: CancellationError.self) { try await put.value }
        #expect(try await openUploads(bucket) == [])
        #expect(try await bucket.keys() == [])
        #expect(try await task.commit() == [:])
        try await task.stop()
    }

    /// Stopping in a cancelled task aborts the open uploads as a normal stop does.
    @Test func stopInACancelledTaskAbortsOpenUploads() async throws {
        let (bucket, task) = try await taskWithAnOpenUpload()
        let handle = Handle(harness: task)
        let stop = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await handle.harness.task.stop()
        }
        await stop.value
        #expect(try await openUploads(bucket) == [])
        #expect(try await bucket.keys() == [])
    }
}

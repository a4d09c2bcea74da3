import ConnectAPI
import ConnectTestKit
import Testing

@testable import S3SinkConnector

/// When a partition's files are committed: `flush.size`, `rotate.interval.ms` on record time and
/// `rotate.schedule.interval.ms` on the wall clock, with the facts of storage-cloud's
/// TopicPartitionWriterTest (testWriteRecordDefaultWithPadding, testWriteRecordTimeBasedPartitionRecordTimestamp…,
/// testWallclockScheduledRotation). The clock is the test's; the objects go to the local S3 server.
@Suite(.serialized) struct TopicPartitionWriterTests {
    /// The writer's wall clock, moved by the test.
    final class Clock {
        var now: Int64 = 0
    }

    let tp = TopicPartition("test-topic", 0)

    func writer(_ bucket: S3SinkHarnessTests.Bucket, _ extra: [String: String], clock: Clock) throws
        -> TopicPartitionWriter
    {
        let config = try S3SinkConfig(try S3SinkHarnessTests().config(bucket, extra), env: [:])
        return TopicPartitionWriter(
            partition: tp, config: config, storage: bucket.storage, encoder: try RecordEncoder(config),
            now: { clock.now })
    }

    func record(_ offset: Int64, timestamp: Int64? = nil) -> SinkRecord {
        SinkRecord(
            topic: tp.topic, kafkaPartition: tp.partition, kafkaOffset: offset, keySchema: nil, key: .null,
            valueSchema: nil, value: .map([MapEntry(key: .string("id"), value: .int64(offset))]), timestamp: timestamp)
    }

    // flush.size records per object; the offset to commit moves only when an object completed.
    @Test func flushSizeCommitsEveryNRecords() async throws {
        let bucket = try S3SinkHarnessTests.Bucket()
        try await bucket.create()
        let w = try writer(bucket, ["flush.size": "3"], clock: Clock())
        for o in 0..<2 { try await w.write(record(Int64(o))) }
        #expect(w.offsetToCommit == nil)
        #expect(w.hasOpenFiles)
        try await w.write(record(2))
        #expect(w.offsetToCommit == 3)
        #expect(!w.hasOpenFiles)
        for o in 3..<7 { try await w.write(record(Int64(o))) }
        #expect(w.offsetToCommit == 6)
        #expect(try await bucket.keys().count == 2)
        await w.abandon()
    }

    // A record at least rotate.interval.ms past the files' first record (record time) commits them
    // before it is written: it starts the next file.
    @Test func rotateIntervalCommitsOnRecordTime() async throws {
        let bucket = try S3SinkHarnessTests.Bucket()
        try await bucket.create()
        let w = try writer(
            bucket, ["flush.size": "100", "rotate.interval.ms": "1000", "timestamp.extractor": "Record"],
            clock: Clock())
        try await w.write(record(0, timestamp: 10_000))
        try await w.write(record(1, timestamp: 10_500))
        try await w.write(record(2, timestamp: 10_999))
        #expect(w.offsetToCommit == nil)
        try await w.write(record(3, timestamp: 11_000))
        #expect(w.offsetToCommit == 3)
        #expect(w.hasOpenFiles)
        #expect(
            try await bucket.keys() == ["topics/test-topic/partition=0/test-topic+0+0000000000.json"])
        await w.abandon()
    }

    // Scheduled rotation: at the next multiple of the interval after the first file opened (counted
    // from midnight in the timezone), even when no record arrives.
    @Test func scheduledRotationCommitsOnTheWallClock() async throws {
        let bucket = try S3SinkHarnessTests.Bucket()
        try await bucket.create()
        let clock = Clock()
        clock.now = 3_600_000 + 100  // 01:00:00.100 UTC
        let w = try writer(
            bucket, ["flush.size": "100", "rotate.schedule.interval.ms": "60000", "timezone": "UTC"], clock: clock)
        try await w.write(record(0))
        clock.now = 3_660_000 - 1
        try await w.rotateIfScheduled()
        #expect(w.offsetToCommit == nil)
        clock.now = 3_660_000
        try await w.rotateIfScheduled()
        #expect(w.offsetToCommit == 1)
        #expect(!w.hasOpenFiles)
        // Nothing open: nothing to rotate, and the next file gets the next boundary after it opened.
        clock.now = 3_700_000
        try await w.write(record(1))
        clock.now = 3_719_999
        try await w.rotateIfScheduled()
        #expect(w.offsetToCommit == 1)
        clock.now = 3_720_000
        try await w.rotateIfScheduled()
        #expect(w.offsetToCommit == 2)
    }
}

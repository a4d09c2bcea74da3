import ConnectAPI
import Testing

@testable import ConnectRuntime

/// Which `SourceTask.commitRecord` calls the fate of each produced record makes (Kafka Connect's
/// `commitTaskRecord`).
@Suite struct TaskRecordCommitsTests {
    func record(_ n: Int) -> SourceRecord {
        SourceRecord(
            sourcePartition: ["f": "a"], sourceOffset: ["line": .int(Int64(n))], topic: "in", valueSchema: nil,
            value: .null)
    }

    @Test func anAcknowledgedRecordIsCommittedWithWhereKafkaStoredIt() {
        let c = TaskRecordCommits()
        // Produced to the topic a transformation chose: the metadata names it, the record is the polled one.
        c.sending(record(1), topic: "out", token: 10)
        c.sending(record(2), topic: "out", token: 11)
        #expect(c.take().isEmpty)
        c.delivered([(token: 11, partition: 3, offset: 42, failed: false)], toleratesErrors: false)
        c.delivered([(token: 10, partition: 0, offset: 7, failed: false)], toleratesErrors: false)
        let calls = c.take()
        #expect(calls.map(\.record) == [record(2), record(1)])  // in the order of the acknowledgements
        #expect(
            calls.map(\.metadata) == [
                RecordMetadata(topic: "out", partition: 3, offset: 42),
                RecordMetadata(topic: "out", partition: 0, offset: 7),
            ])
        #expect(c.take().isEmpty && c.inFlightCount == 0)
    }

    @Test func aDroppedRecordIsCommittedWithoutMetadata() {
        let c = TaskRecordCommits()
        c.dropped(record(1), token: 1)
        // Refused by the producer after `sending` under errors.tolerance=all: forgotten there, too.
        c.sending(record(2), topic: "out", token: 2)
        c.dropped(record(2), token: 2)
        let calls = c.take()
        #expect(calls.map(\.record) == [record(1), record(2)] && calls.allSatisfy { $0.metadata == nil })
        #expect(c.inFlightCount == 0)
    }

    @Test func aFailedDeliveryIsCommittedWithoutMetadataOnlyWhenTolerated() {
        let c = TaskRecordCommits()
        c.sending(record(1), topic: "out", token: 1)
        c.sending(record(2), topic: "out", token: 2)
        c.delivered([(token: 1, partition: 0, offset: -1, failed: true)], toleratesErrors: true)
        c.delivered([(token: 2, partition: 0, offset: -1, failed: true)], toleratesErrors: false)
        let calls = c.take()
        // Not tolerated, the task fails: the record was not committed, so no commitRecord for it.
        #expect(calls.count == 1 && calls[0].record == record(1) && calls[0].metadata == nil)
        #expect(c.inFlightCount == 0)
    }

    @Test func aReportForAnUnknownTokenIsIgnored() {
        let c = TaskRecordCommits()
        c.delivered([(token: 5, partition: 0, offset: 1, failed: false)], toleratesErrors: true)
        #expect(c.take().isEmpty)
    }
}

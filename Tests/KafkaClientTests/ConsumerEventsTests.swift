import Testing

@testable import KafkaClient

/// A poll's events are taken in the order they were added, each once; the ones never taken are
/// destroyed with the batch.
struct ConsumerEventsTests {
    @Test func eventsAreTakenInOrderEachOnce() {
        let events = ConsumerEvents(capacity: 4)
        events.append(.assigned([KafkaPartition("t", 0)]))
        for offset in 0..<3 {
            events.append(
                .message(
                    KafkaMessage(
                        topic: "t", partition: 0, offset: Int64(offset), key: nil, value: [UInt8(offset)],
                        headers: [], timestamp: nil, timestampType: "CreateTime")))
        }
        #expect(events.remaining == 4)
        guard case .assigned(let tps) = events.next() else {
            Issue.record("the rebalance event first")
            return
        }
        #expect(tps == [KafkaPartition("t", 0)])
        var offsets: [Int64] = []
        while let e = events.next() {
            if case .message(let m) = e { offsets.append(m.offset) }
        }
        #expect(offsets == [0, 1, 2])
        #expect(events.remaining == 0 && events.next() == nil)
    }

    /// The value's storage is shared with the batch while it lives; once the batch is gone, untaken
    /// events included, the value is uniquely referenced again (a write does not copy it).
    @Test func eventsNotTakenAreReleasedWithTheBatch() {
        var value = [UInt8](repeating: 7, count: 64)
        let before = value.withUnsafeBufferPointer { $0.baseAddress }
        do {
            let events = ConsumerEvents(capacity: 3)
            for offset in 0..<3 {
                events.append(
                    .message(
                        KafkaMessage(
                            topic: "t", partition: 0, offset: Int64(offset), key: nil, value: value, headers: [],
                            timestamp: nil, timestampType: "CreateTime")))
            }
            _ = events.next()
            #expect(events.remaining == 2)
        }
        value[0] = 8
        #expect(value.withUnsafeBufferPointer { $0.baseAddress } == before)
    }

    /// A consumer without a group does not know its count before it polls: appending past the expected
    /// count grows the storage and keeps the order.
    @Test func appendingPastTheExpectedCountKeepsTheOrder() {
        let events = ConsumerEvents(capacity: 1)
        for offset in 0..<5 {
            events.append(.partitionEOF(KafkaPartition("t", 0), offset: Int64(offset)))
        }
        var offsets: [Int64] = []
        while let e = events.next() {
            if case .partitionEOF(_, let offset) = e { offsets.append(offset) }
        }
        #expect(offsets == [0, 1, 2, 3, 4])
    }
}

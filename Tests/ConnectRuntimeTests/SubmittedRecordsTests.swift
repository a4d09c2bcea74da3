import ConnectAPI
import Testing

@testable import ConnectRuntime

/// Kafka Connect's `SubmittedRecordsTest`, event by event, and the properties the source hot path relies
/// on (tokens, folding, failures).
@Suite struct SubmittedRecordsTests {
    typealias Records = SubmittedRecords<String, Int>
    struct Refused: Error {}

    private func committed(_ r: Records) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: r.drainCommittable().map { ($0.key, $0.value) })
    }

    @Test func noRecordsNothingToCommitAndNothingTracked() {
        let r = Records()
        for _ in 0..<3 {
            let c = r.committableOffsets()
            #expect(c.offsets.isEmpty && c.committableCount == 0 && c.pendingCount == 0 && c.largestQueue == nil)
        }
        #expect(r.partitionCount == 0)
    }

    @Test func submittedRecordsWithoutAcknowledgementsCommitNothing() {
        let r = Records()
        var offset = 0
        for _ in 0..<3 {
            for p in ["p1", "p2", "p3"] {
                _ = r.submit(partition: p, offset: offset)
                offset += 1
            }
        }
        for _ in 0..<3 {
            let c = r.committableOffsets()
            #expect(c.offsets.isEmpty)
            #expect(c.committableCount == 0 && c.pendingCount == 9 && c.largestQueue?.count == 3)
            #expect(r.partitionCount == 3)
        }
    }

    @Test func singleAcknowledgementIsCommittedOnceThenForgotten() {
        let r = Records()
        let t = r.submit(partition: "p1", offset: 7)
        var c = r.committableOffsets()
        #expect(c.offsets.isEmpty && c.pendingCount == 1 && c.largestQueue?.partition == "p1")
        r.ack(token: t, error: nil)
        c = r.committableOffsets()
        #expect(c.offsets.map(\.key) == ["p1"] && c.offsets.map(\.value) == [7])
        #expect(c.committableCount == 1 && c.pendingCount == 0)
        #expect(r.partitionCount == 0)  // nothing left of it: no memory kept per partition seen
        #expect(r.committableOffsets().offsets.isEmpty)
    }

    @Test func eachPartitionCommitsItsOwnAcknowledgedPrefix() {
        let r = Records()
        let p1r1 = r.submit(partition: "p1", offset: 11)
        let p1r2 = r.submit(partition: "p1", offset: 12)
        let p2r1 = r.submit(partition: "p2", offset: 21)
        let p2r2 = r.submit(partition: "p2", offset: 22)
        #expect(committed(r).isEmpty)
        // Acknowledged, but an earlier record of the same partition is not.
        r.ack(token: p1r2, error: nil)
        #expect(committed(r).isEmpty)
        // p2 commits although p1's first record, submitted before it, is still in flight.
        r.ack(token: p2r1, error: nil)
        var c = r.committableOffsets()
        #expect(c.offsets.map(\.key) == ["p2"] && c.offsets.map(\.value) == [21])
        #expect(c.committableCount == 1 && c.pendingCount == 3 && c.largestQueue?.partition == "p1")
        #expect(committed(r).isEmpty)  // nothing new
        r.ack(token: p1r1, error: nil)
        r.ack(token: p2r2, error: nil)
        c = r.committableOffsets()
        #expect(Dictionary(uniqueKeysWithValues: c.offsets.map { ($0.key, $0.value) }) == ["p1": 12, "p2": 22])
        #expect(c.committableCount == 3 && c.pendingCount == 0)
        #expect(r.partitionCount == 0)
        #expect(committed(r).isEmpty)
    }

    @Test func aSlowPartitionDoesNotHoldBackTheOthers() {
        let r = Records()
        let slow = r.submit(partition: "slow", offset: 0)
        var tokens: [UInt] = []
        r.submit(count: 100, tokens: &tokens) { i in (i % 2 == 0 ? "even" : "odd", i) }
        r.ack(tokens.map { (token: $0, error: nil) })
        #expect(committed(r) == ["even": 98, "odd": 99])
        #expect(r.pendingCount == 1)
        r.ack(token: slow, error: nil)
        #expect(committed(r) == ["slow": 0])
    }

    @Test func droppingTheLastSubmittedRecord() {
        let r = Records()
        let t = r.submit(partition: "p1", offset: 1)
        #expect(r.drop(token: t))
        #expect(!r.drop(token: t))  // already dropped
        #expect(r.committableOffsets().offsets.isEmpty)
        r.ack(token: t, error: nil)  // somehow acknowledged after all: still not committable
        #expect(r.committableOffsets().offsets.isEmpty)
        #expect(r.partitionCount == 0)
    }

    @Test func droppingARecordOfAnotherPartition() {
        let r = Records()
        let dropped = r.submit(partition: "p1", offset: 1)
        let last = r.submit(partition: "p2", offset: 2)
        #expect(r.drop(token: dropped))
        var c = r.committableOffsets()
        #expect(c.offsets.isEmpty && c.pendingCount == 1 && c.largestQueue?.partition == "p2")
        #expect(r.partitionCount == 1)  // p1 had only the dropped record: no longer tracked
        r.ack(token: dropped, error: nil)
        #expect(r.committableOffsets().offsets.isEmpty)
        r.ack(token: last, error: nil)
        c = r.committableOffsets()
        #expect(c.offsets.map(\.key) == ["p2"] && c.offsets.map(\.value) == [2] && c.pendingCount == 0)
        #expect(r.partitionCount == 0)
    }

    @Test func aDroppedRecordNoLongerHoldsBackItsPartition() {
        let r = Records()
        let first = r.submit(partition: "p", offset: 1)
        let second = r.submit(partition: "p", offset: 2)
        let third = r.submit(partition: "p", offset: 3)
        r.ack(token: third, error: nil)
        #expect(r.drop(token: second))
        r.ack(token: first, error: nil)
        #expect(committed(r) == ["p": 3])
        // Dropped last: the committable offset is the last acknowledged one, not the dropped one's.
        let a = r.submit(partition: "p", offset: 4)
        let b = r.submit(partition: "p", offset: 5)
        r.drop(token: b)
        r.ack(token: a, error: nil)
        #expect(committed(r) == ["p": 4])
    }

    @Test func emptyPartitionAndOffsetAreCommittedAsGiven() {
        // No source partition nor offset (Kafka's null ones): committed as the empty object, which the
        // offset commit writes as a tombstone.
        let r = SubmittedRecords<JSONObject, JSONObject>()
        let t = r.submit(partition: [:], offset: [:])
        #expect(r.committableOffsets().pendingCount == 1)
        r.ack(token: t, error: nil)
        let c = r.committableOffsets()
        #expect(c.offsets.count == 1 && c.offsets[0].key.isEmpty && c.offsets[0].value.isEmpty)
        #expect(c.committableCount == 1 && c.pendingCount == 0)
    }

    @Test func aRecordAcknowledgedTwiceCountsOnce() {
        let r = Records()
        let a = r.submit(partition: "p", offset: 1)
        let b = r.submit(partition: "p", offset: 2)
        r.ack(token: a, error: nil)
        r.ack(token: a, error: nil)  // folded already: the token is past its queue, and ignored
        #expect(committed(r) == ["p": 1])
        #expect(r.pendingCount == 1)
        r.ack(token: b, error: nil)
        r.ack(token: b, error: nil)
        #expect(r.committableOffsets().committableCount == 1)
        // The partition's slot is freed at that commit and taken by the next partition: a stale token of
        // the old one must not acknowledge a record of the new one.
        let c = r.submit(partition: "q", offset: 9)
        r.ack(token: b, error: nil)
        r.ack(token: a, error: nil)
        #expect(committed(r).isEmpty)
        r.ack(token: c, error: nil)
        #expect(committed(r) == ["q": 9])
    }

    @Test func aPartitionWhoseSlotWasTakenByAnotherGetsANewOne() {
        // The latest slot is remembered with its partition; when a commit frees it and another
        // partition takes it, the first one's next record must not land in the other's queue.
        let r = Records()
        let a = r.submit(partition: "p", offset: 1)
        r.ack(token: a, error: nil)
        #expect(committed(r) == ["p": 1])
        let b = r.submit(partition: "q", offset: 2)
        let c = r.submit(partition: "p", offset: 3)
        #expect(b >> 32 != c >> 32)
        r.ack(token: c, error: nil)
        #expect(committed(r) == ["p": 3])
        #expect(r.pendingCount == 1)
        r.ack(token: b, error: nil)
        #expect(committed(r) == ["q": 2])
    }

    @Test func acknowledgementsOutOfOrderWithinAPoll() {
        let r = Records()
        // One poll: partitions 1, 2, 1 interleaved.
        let entries = [("1", 10), ("2", 20), ("1", 11), ("2", 21), ("1", 12)]
        var tokens: [UInt] = []
        r.submit(count: entries.count, tokens: &tokens) { entries[$0] }
        #expect(Set(tokens).count == entries.count && !tokens.contains(0))
        r.ack([(token: tokens[4], error: nil), (token: tokens[1], error: nil)])
        #expect(committed(r) == ["2": 20])
        r.ack(token: tokens[2], error: nil)
        #expect(committed(r).isEmpty)  // "1": 11 and 12 wait for 10
        r.ack([(token: tokens[0], error: nil), (token: tokens[3], error: nil)])
        #expect(committed(r) == ["1": 12, "2": 21])
    }

    @Test func aBatchOfReportsFoldsEachPartitionOnceWhateverTheOrder() {
        let r = Records()
        var tokens: [UInt] = []
        r.submit(count: 6, tokens: &tokens) { i in (i < 3 ? "a" : "b", i) }
        // Heads last, and a record of "b" left in flight in the middle.
        r.ack([2, 1, 3, 5, 0].map { (token: tokens[$0], error: nil) })
        #expect(r.pendingCount == 2)  // "b": 4 in flight, 5 acknowledged behind it
        #expect(committed(r) == ["a": 2, "b": 3])
        r.ack([(token: tokens[4], error: nil)])
        #expect(committed(r) == ["b": 5])
    }

    @Test func acknowledgedPrefixesAreFoldedIntoOneOffsetPerPartition() {
        let r = Records()
        var tokens: [UInt] = []
        r.submit(count: 1000, tokens: &tokens) { i in (String(i % 2), i) }
        // All but the last acknowledged: what waits for the commit is one offset per partition and the
        // one record in flight, not 999 entries.
        r.ack(tokens.dropLast().map { (token: $0, error: nil) })
        #expect(r.pendingCount == 1)
        r.ack(token: tokens[999], error: nil)
        #expect(r.pendingCount == 0)
        #expect(committed(r) == ["0": 998, "1": 999])
    }

    @Test func manyPartitions() {
        let r = Records()
        var tokens: [UInt] = []
        r.submit(count: 3000, tokens: &tokens) { i in ("p\(i % 1000)", i) }
        // Every record but partition p0's first acknowledged: all the other partitions commit.
        r.ack(tokens.dropFirst().map { (token: $0, error: nil) })
        let c = r.committableOffsets()
        #expect(c.offsets.count == 999)
        #expect(Dictionary(uniqueKeysWithValues: c.offsets.map { ($0.key, $0.value) })["p999"] == 2999)
        #expect(c.pendingCount == 3 && c.largestQueue?.partition == "p0")
        #expect(r.partitionCount == 1)
        r.ack(token: tokens[0], error: nil)
        #expect(committed(r) == ["p0": 2000])
        #expect(r.partitionCount == 0)
    }

    @Test func theFirstDeliveryFailureIsKeptAndItsRecordNeverCommitted() {
        let r = Records()
        let a = r.submit(partition: "p", offset: 1)
        let b = r.submit(partition: "p", offset: 2)
        let other = r.submit(partition: "q", offset: 3)
        r.ack([(token: a, error: Refused()), (token: b, error: nil), (token: other, error: nil)])
        r.ack(token: b, error: ConnectError(.connect, "second"))
        #expect(r.failure is Refused)
        // p's first record was refused: nothing of p after it is committed; q is unaffected.
        #expect(committed(r) == ["q": 3])
        #expect(r.pendingCount == 2)
    }
}

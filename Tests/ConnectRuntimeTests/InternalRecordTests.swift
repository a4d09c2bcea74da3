import ConnectAPI
import Testing

@testable import ConnectRuntime

@Suite struct InternalRecordTests {
    @Test func configRecordValuesMatchKafkaConnect() {
        #expect(String(decoding: ConfigRecords.commitValue(tasks: 3), as: UTF8.self) == #"{"tasks":3}"#)
        #expect(
            String(decoding: ConfigRecords.targetStateValue(.stopped), as: UTF8.self)
                == #"{"state":"PAUSED","state.v2":"STOPPED"}"#)
        #expect(
            String(decoding: ConfigRecords.targetStateValue(.started), as: UTF8.self)
                == #"{"state":"STARTED","state.v2":"STARTED"}"#)
        #expect(
            String(decoding: ConfigRecords.restartValue(includeTasks: true, onlyFailed: false), as: UTF8.self)
                == #"{"include-tasks":true,"only-failed":false}"#)
        let status = StatusRecord(state: .running, trace: nil, workerId: "10.0.0.5:8083", generation: 7)
        #expect(
            String(decoding: status.json, as: UTF8.self)
                == #"{"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":7}"#)
    }

    @Test func taskConfigsApplyOnlyWhenCommitted() {
        var s = ConfigSnapshot()
        let props = Array(#"{"properties":{"a":"1"}}"#.utf8)
        _ = ConfigRecords.apply(key: "connector-c", value: props, offset: 0, to: &s)
        _ = ConfigRecords.apply(key: "task-c-0", value: props, offset: 1, to: &s)
        #expect(s.taskConfigs["c"] == nil)
        _ = ConfigRecords.apply(key: "commit-c", value: Array(#"{"tasks":2}"#.utf8), offset: 2, to: &s)
        #expect(s.inconsistent.contains("c"))  // task-c-1 never arrived
        _ = ConfigRecords.apply(key: "task-c-0", value: props, offset: 3, to: &s)
        _ = ConfigRecords.apply(key: "task-c-1", value: props, offset: 4, to: &s)
        _ = ConfigRecords.apply(key: "commit-c", value: Array(#"{"tasks":2}"#.utf8), offset: 5, to: &s)
        #expect(s.taskConfigs["c"]?.count == 2)
        #expect(!s.inconsistent.contains("c"))
        // Names with dashes: the task number is the last segment.
        _ = ConfigRecords.apply(key: "task-my-conn-0", value: props, offset: 6, to: &s)
        _ = ConfigRecords.apply(key: "commit-my-conn", value: Array(#"{"tasks":1}"#.utf8), offset: 7, to: &s)
        #expect(s.taskConfigs["my-conn"]?.count == 1)
    }

    @Test func targetStatePrefersV2AndTombstonesDelete() {
        var s = ConfigSnapshot()
        _ = ConfigRecords.apply(
            key: "target-state-c", value: ConfigRecords.targetStateValue(.stopped), offset: 0, to: &s)
        #expect(s.targetState("c") == .stopped)
        _ = ConfigRecords.apply(key: "connector-c", value: Array(#"{"properties":{}}"#.utf8), offset: 1, to: &s)
        _ = ConfigRecords.apply(key: "connector-c", value: nil, offset: 2, to: &s)
        #expect(s.connectorConfigs["c"] == nil)
        #expect(s.targetState("c") == .started)
    }

    @Test func offsetTrackerCommitsOnlyAnAcknowledgedPrefix() {
        let t = SourceOffsetTracker<[UInt8], [UInt8]>()
        let a = t.submit(offsetKey: [1], offsetValue: Array("1".utf8))
        let b = t.submit(offsetKey: [1], offsetValue: Array("2".utf8))
        let c = t.submit(offsetKey: [2], offsetValue: Array("9".utf8))
        t.ack(token: b, error: nil)
        #expect(t.drainCommittable().isEmpty)  // a is not acknowledged yet: nothing after it may be committed
        t.ack(token: a, error: nil)
        let first = t.drainCommittable()
        #expect(first.map(\.key) == [[1]])
        #expect(first.map(\.value) == [Array("2".utf8)])
        t.ack(token: c, error: nil)
        #expect(t.drainCommittable().map(\.value) == [Array("9".utf8)])
    }

    @Test func offsetTrackerKeepsOneOffsetPerPartitionForAcknowledgedRecordsUntilTheCommit() {
        let t = SourceOffsetTracker<[UInt8], [UInt8]>()
        // Even records in partition [0], odd ones in [1]; all but the last acknowledged.
        let first = t.submit(count: 1000) { i in ([UInt8(i % 2)], Array(String(i).utf8)) }
        t.ack((0..<999).map { (token: first + UInt($0), error: nil) })
        // The next submit folds the acknowledged prefix: what waits for the commit is one offset per
        // partition, not 999 entries.
        let next = t.submit(offsetKey: [2], offsetValue: [7])
        #expect(next == first + 1000)
        #expect(t.pendingCount == 2)  // record 999, not acknowledged, and the new one
        t.ack([(token: first + 999, error: nil), (token: next, error: nil)])
        let drained = t.drainCommittable()
        #expect(drained.map(\.key) == [[0], [1], [2]])
        #expect(drained.map(\.value) == [Array("998".utf8), Array("999".utf8), [7]])
        #expect(t.pendingCount == 0)
        #expect(t.drainCommittable().isEmpty)
    }

    @Test func offsetTrackerBatchesKeepTheirOrderAcrossPartitions() {
        let t = SourceOffsetTracker<[UInt8], [UInt8]>()
        // One poll: partitions 1, 2, 1 interleaved; tokens follow the first one.
        let entries: [([UInt8], [UInt8])] = [([1], [10]), ([2], [20]), ([1], [11]), ([2], [21]), ([1], [12])]
        let first = t.submit(count: entries.count) { entries[$0] }
        #expect(t.submit(offsetKey: [3], offsetValue: [30]) == first + 5)
        // Delivery reports out of order, in two batches.
        t.ack([(token: first + 4, error: nil), (token: first + 1, error: nil)])
        #expect(t.drainCommittable().isEmpty)
        t.ack([(token: first, error: nil), (token: first + 2, error: nil)])
        // Prefix 0...2: the last offset of each partition within it, partitions in order of appearance.
        let drained = t.drainCommittable()
        #expect(drained.map(\.key) == [[1], [2]])
        #expect(drained.map(\.value) == [[11], [20]])
        t.ack([(token: first + 3, error: nil), (token: first + 5, error: nil)])
        let rest = t.drainCommittable()
        #expect(rest.map(\.key) == [[2], [1], [3]])
        #expect(rest.map(\.value) == [[21], [12], [30]])
    }
}

import Testing

@testable import ConnectRuntime

/// The second step of the handover, decided record by record.
@Suite struct HandoverTests {
    let group = WorkerGroup(
        members: [
            .init(memberId: "m-1", workerId: "w1:8083"), .init(memberId: "m-2", workerId: "w2:8083"),
        ], me: "m-1")
    let handover = Handover(me: "w1:8083", releaseTimeoutMs: 10_000, scheduledRebalanceMaxDelayMs: 0)

    func record(_ state: ConnectorState, by worker: String) -> StatusRecord {
        StatusRecord(state: state, trace: nil, workerId: worker, generation: 1)
    }

    @Test func workNobodyRanStartsAtOnce() {
        #expect(handover.decide(last: nil, group: group, waitedMs: 0) == .start)
    }

    @Test func workThisWorkerRanLastStartsAtOnce() {
        #expect(handover.decide(last: record(.running, by: "w1:8083"), group: group, waitedMs: 0) == .start)
    }

    @Test func workALiveWorkerStillRunsWaitsForItsRecord() {
        let running = record(.running, by: "w2:8083")
        guard case .wait = handover.decide(last: running, group: group, waitedMs: 0) else {
            Issue.record("started while w2 still runs it")
            return
        }
        #expect(handover.decide(last: record(.unassigned, by: "w2:8083"), group: group, waitedMs: 10) == .start)
    }

    /// RESTARTING: another worker has claimed it and is starting it.
    @Test func failedPausedOrClaimedWorkOfALiveWorkerWaitsToo() {
        for state in [ConnectorState.failed, .paused, .restarting] {
            #expect(handover.decide(last: record(state, by: "w2:8083"), group: group, waitedMs: 0) != .start)
        }
    }

    /// A worker that has not recorded a stop after a session and a graceful stop is stuck or leaving.
    @Test func aLiveWorkerThatNeverRecordsAStopIsWaitedForTheReleaseTimeout() {
        let running = record(.running, by: "w2:8083")
        #expect(handover.decide(last: running, group: group, waitedMs: 9_999) != .start)
        #expect(handover.decide(last: running, group: group, waitedMs: 10_000) == .start)
    }

    @Test func workOfAWorkerThatLeftStartsAtOnceByDefault() {
        #expect(handover.decide(last: record(.running, by: "w3:8083"), group: group, waitedMs: 0) == .start)
    }

    /// scheduled.rebalance.max.delay.ms: a departed worker's work waits for it, even when it recorded
    /// its work UNASSIGNED on the way out (a rolling restart), then moves.
    @Test func scheduledDelayHoldsADepartedWorkersWork() {
        let delayed = Handover(me: "w1:8083", releaseTimeoutMs: 10_000, scheduledRebalanceMaxDelayMs: 30_000)
        for state in [ConnectorState.running, .unassigned] {
            let last = record(state, by: "w3:8083")
            #expect(delayed.decide(last: last, group: group, waitedMs: 29_999) != .start)
            #expect(delayed.decide(last: last, group: group, waitedMs: 30_000) == .start)
        }
        // The worker itself, back within the delay, takes its work at once.
        let back = Handover(me: "w3:8083", releaseTimeoutMs: 10_000, scheduledRebalanceMaxDelayMs: 30_000)
        #expect(back.decide(last: record(.unassigned, by: "w3:8083"), group: group, waitedMs: 0) == .start)
    }

    @Test func onlyWorkLastRecordedByAnotherWorkerIsClaimedBeforeItStarts() {
        #expect(Herder.isTakeover(record(.unassigned, by: "w2:8083"), me: "w1:8083"))
        #expect(Herder.isTakeover(record(.running, by: "w3:8083"), me: "w1:8083"))
        #expect(!Herder.isTakeover(record(.unassigned, by: "w1:8083"), me: "w1:8083"))
        #expect(!Herder.isTakeover(nil, me: "w1:8083"))
    }
}

import ConnectAPI
import Testing

@testable import ConnectRuntime

/// Which offsets a sink task's `preCommit` answer commits, and when commits happen, with the facts of
/// Kafka Connect's `WorkerSinkTaskTest` (testPreCommit, testIgnoredCommit, testPreCommitFailure,
/// testCommitWithOutOfOrderCallback's "no change since last commit").
@Suite struct SinkOffsetCommitsTests {
    let p0 = TopicPartition("t", 0)
    let p1 = TopicPartition("t", 1)
    let p2 = TopicPartition("t", 2)

    func delivered(_ positions: [TopicPartition: Int64]) -> SinkOffsetCommits {
        var c = SinkOffsetCommits(intervalMs: 1000, now: 0)
        for (tp, o) in positions { c.delivered(tp, nextOffset: o) }
        return c
    }

    @Test func preCommitIsGivenTheConsumedPositionsOfAssignedPartitions() {
        let c = delivered([p0: 10, p1: 20])
        #expect(c.preCommitOffsets(assignment: [p0]) == [p0: 10])
    }

    // testPreCommit: what the task returns is committed, even below the consumed position.
    @Test func theTasksOffsetsAreCommitted() {
        let c = delivered([p0: 10, p1: 20])
        let (commit, ignored) = c.toCommit([p0: 10, p1: 15], assignment: [p0, p1])
        #expect(commit == [p0: 10, p1: 15])
        #expect(ignored.isEmpty)
    }

    // testIgnoredCommit: an offset beyond what the task was given is ignored, with Kafka's warning.
    @Test func offsetsNotYetConsumedAreIgnored() {
        let c = delivered([p0: 10])
        let (commit, ignored) = c.toCommit([p0: 11, p1: 5], assignment: [p0, p1])
        #expect(commit == [:])
        #expect(
            ignored == [
                .init(partition: p0, offset: 11, reason: .notYetConsumed(consumed: 10)),
                .init(partition: p1, offset: 5, reason: .notYetConsumed(consumed: nil)),
            ])
        #expect(
            ignored[0].description
                == "Ignoring invalid task provided offset t-0/11 -- not yet consumed, taskOffset=11 currentOffset=10")
    }

    @Test func offsetsOfPartitionsNotAssignedAreIgnored() {
        let c = delivered([p0: 10, p2: 3])
        let (commit, ignored) = c.toCommit([p0: 10, p2: 3], assignment: [p0])
        #expect(commit == [p0: 10])
        #expect(ignored == [.init(partition: p2, offset: 3, reason: .notAssigned)])
        #expect(ignored[0].description.hasSuffix("-- partition not assigned"))
    }

    // "Skipping offset commit, no change since last commit": only what changed is committed, and with
    // nothing delivered since, preCommit is not even asked.
    @Test func nothingIsCommittedTwice() {
        var c = delivered([p0: 10, p1: 20])
        let began0 = c.beginCommit(now: 0)
        #expect(began0)
        c.committed(c.toCommit([p0: 10, p1: 20], assignment: [p0, p1]).commit)
        let began1 = c.beginCommit(now: 1)
        #expect(!began1)
        c.delivered(p1, nextOffset: 25)
        let began2 = c.beginCommit(now: 2)
        #expect(began2)
        #expect(c.toCommit([p0: 10, p1: 25], assignment: [p0, p1]).commit == [p1: 25])
    }

    // A task that holds offsets back (the S3 sink until its files complete) is asked again each interval.
    @Test func offsetsHeldBackByTheTaskAreAskedForAgain() {
        var c = delivered([p0: 10])
        let began0 = c.beginCommit(now: 0)
        #expect(began0)
        #expect(c.toCommit([:], assignment: [p0]).commit == [:])
        let began1000 = c.beginCommit(now: 1000)
        #expect(began1000)
    }

    @Test func commitsAreDueOnTheIntervalOrOnRequest() {
        var c = SinkOffsetCommits(intervalMs: 1000, now: 0)
        #expect(!c.isDue(now: 999, requested: false))
        #expect(c.isDue(now: 500, requested: true))
        #expect(c.isDue(now: 1000, requested: false))
        _ = c.beginCommit(now: 1200)
        #expect(!c.isDue(now: 2199, requested: false))
        #expect(c.isDue(now: 2200, requested: false))
    }

    // After a revocation the partition's positions are forgotten: assigned again, its first commit goes
    // through even at the same offset.
    @Test func revokedPartitionsAreForgotten() {
        var c = delivered([p0: 10, p1: 20])
        c.committed([p0: 10, p1: 20])
        c.revoked([p0])
        #expect(c.preCommitOffsets(assignment: [p0, p1]) == [p1: 20])
        c.delivered(p0, nextOffset: 10)
        #expect(c.toCommit([p0: 10], assignment: [p0, p1]).commit == [p0: 10])
    }

    // WorkerSinkTask.rewind: after SinkTaskContext.offset the position is where the task put it, and it
    // is not committed before records from there were delivered.
    @Test func aRewindMovesThePositionWithoutACommit() {
        var c = delivered([p0: 10])
        c.committed([p0: 10])
        c.rewound(p0, to: 4)
        let began0 = c.beginCommit(now: 0)
        #expect(!began0)
        #expect(c.preCommitOffsets(assignment: [p0]) == [p0: 4])
        c.delivered(p0, nextOffset: 6)
        #expect(c.toCommit([p0: 6], assignment: [p0]).commit == [p0: 6])
    }
}

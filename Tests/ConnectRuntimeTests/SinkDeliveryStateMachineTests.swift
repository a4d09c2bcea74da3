import ConnectAPI
import Testing

@testable import ConnectRuntime

/// The sink loop's pausing and redelivery, event by event, with the facts of Kafka Connect's
/// `WorkerSinkTaskTest` (testPollRedelivery, testPollRedeliveryWithConsumerRebalance,
/// testPauseAndResumeConnector, testPartialRevocationAndAssignment).
@Suite struct SinkDeliveryStateMachineTests {
    typealias Actions = SinkDeliveryStateMachine.Actions
    let p0 = TopicPartition("t", 0)
    let p1 = TopicPartition("t", 1)
    let p2 = TopicPartition("t", 2)

    func assigned(_ partitions: Set<TopicPartition>) -> SinkDeliveryStateMachine {
        var m = SinkDeliveryStateMachine()
        _ = m.assigned(partitions)
        return m
    }

    @Test func newRecordsAreDeliveredWhileNothingIsKept() {
        var m = assigned([p0, p1])
        #expect(m.delivery(now: 0) == .deliverNew)
        #expect(m.putSucceeded() == Actions())
        #expect(m.delivery(now: 1) == .deliverNew)
    }

    // testPollRedelivery: a retriable put pauses every partition, the consumer is polled meanwhile, the
    // same batch is delivered again after the timeout, and success resumes the partitions.
    @Test func aRetriablePutPausesEverythingAndRedeliversAfterTheTimeout() {
        var m = assigned([p0, p1])
        #expect(m.putFailedRetriable(timeoutMs: 500, now: 1000) == Actions(pause: [p0, p1]))
        #expect(m.pausedForRedelivery)
        #expect(m.delivery(now: 1000) == .wait)
        #expect(m.delivery(now: 1499) == .wait)
        #expect(m.delivery(now: 1500) == .redeliver)
        // Failing again waits again, from then.
        #expect(m.putFailedRetriable(timeoutMs: 500, now: 1500) == Actions())
        #expect(m.delivery(now: 1600) == .wait)
        #expect(m.delivery(now: 2000) == .redeliver)
        #expect(m.putSucceeded() == Actions(resume: [p0, p1]))
        #expect(!m.pausedForRedelivery)
        #expect(m.delivery(now: 2000) == .deliverNew)
    }

    @Test func aZeroTimeoutRedeliversOnTheNextPoll() {
        var m = assigned([p0])
        _ = m.putFailedRetriable(timeoutMs: 0, now: 10)
        #expect(m.delivery(now: 10) == .redeliver)
    }

    // Partitions the task paused itself stay paused when the redelivery ends.
    @Test func partitionsPausedByTheTaskStayPausedAfterRedelivery() {
        var m = assigned([p0, p1, p2])
        #expect(m.taskPaused([p1]) == Actions(pause: [p1]))
        #expect(m.putFailedRetriable(timeoutMs: 100, now: 0) == Actions(pause: [p0, p2]))
        #expect(m.putSucceeded() == Actions(resume: [p0, p2]))
        #expect(m.paused == [p1])
    }

    // A task's resume during the redelivery is not applied to the consumer until the batch went through.
    @Test func aTaskResumeWaitsForTheRedelivery() {
        var m = assigned([p0, p1])
        _ = m.taskPaused([p1])
        _ = m.putFailedRetriable(timeoutMs: 100, now: 0)
        #expect(m.taskResumed([p1]) == Actions())
        #expect(m.paused == [p0, p1])
        #expect(m.putSucceeded() == Actions(resume: [p0, p1]))
    }

    @Test func theTaskPausesOnlyAssignedPartitions() {
        var m = assigned([p0])
        #expect(m.taskPaused([p0, p2]) == Actions(pause: [p0]))
        #expect(m.taskResumed([p0, p2]) == Actions(resume: [p0]))
    }

    // testPollRedeliveryWithConsumerRebalance: partitions assigned while a batch waits are paused too.
    @Test func partitionsAssignedDuringRedeliveryArePaused() {
        var m = assigned([p0])
        _ = m.putFailedRetriable(timeoutMs: 100, now: 0)
        #expect(m.assigned([p1]) == Actions(pause: [p1]))
        #expect(m.putSucceeded() == Actions(resume: [p0, p1]))
    }

    // A revocation that leaves records of the kept batch keeps waiting; one that takes all of them ends
    // the redelivery and resumes what remains assigned.
    @Test func revokingTheKeptBatchsPartitionsEndsTheRedelivery() {
        var m = assigned([p0, p1, p2])
        _ = m.putFailedRetriable(timeoutMs: 100, now: 0)
        #expect(m.revoked([p0], batchRemains: true) == Actions())
        #expect(m.delivery(now: 50) == .wait)
        #expect(m.revoked([p1], batchRemains: false) == Actions(resume: [p2]))
        #expect(m.delivery(now: 50) == .deliverNew)
        #expect(m.assignment == [p2])
    }

    @Test func revokedPartitionsAreNoLongerPausedByTheTask() {
        var m = assigned([p0, p1])
        _ = m.taskPaused([p0])
        #expect(m.revoked([p0], batchRemains: false) == Actions())
        // Assigned again: it starts unpaused and nothing pauses it.
        #expect(m.assigned([p0]) == Actions())
        #expect(m.paused == [])
    }

    // testPauseAndResumeConnector: a paused connector pauses every partition, including ones assigned
    // later; resuming it leaves the task's own pauses and a waiting batch's pause in place.
    @Test func aPausedConnectorPausesEverything() {
        var m = assigned([p0, p1])
        _ = m.taskPaused([p1])
        #expect(m.connectorPaused(true) == Actions(pause: [p0]))
        #expect(m.assigned([p2]) == Actions(pause: [p2]))
        #expect(m.connectorPaused(false) == Actions(resume: [p0, p2]))
        #expect(m.paused == [p1])
    }

    @Test func resumingTheConnectorDuringRedeliveryKeepsThePartitionsPaused() {
        var m = assigned([p0])
        _ = m.connectorPaused(true)
        #expect(m.putFailedRetriable(timeoutMs: 100, now: 0) == Actions())
        #expect(m.connectorPaused(false) == Actions())
        #expect(m.putSucceeded() == Actions(resume: [p0]))
    }
}

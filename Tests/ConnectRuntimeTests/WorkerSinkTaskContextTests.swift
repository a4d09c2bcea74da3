import ConnectAPI
import ConnectTestKit
import Testing

@testable import ConnectRuntime

/// `SinkTaskContext.pause`/`resume` as the runtime's context takes them (Kafka Connect's
/// `WorkerSinkTaskContext`), and as the sink loop applies them to its consumer.
@Suite struct WorkerSinkTaskContextTests {
    typealias Actions = SinkDeliveryStateMachine.Actions
    let p0 = TopicPartition("t", 0)
    let p1 = TopicPartition("t", 1)
    let p2 = TopicPartition("t", 2)

    func context(assigned: Set<TopicPartition>) -> WorkerSinkTaskContext {
        let c = WorkerSinkTaskContext(logger: CapturedLog().logger("test"))
        c.setAssignment(assigned)
        return c
    }

    @Test func pausingAPartitionNotAssignedThrowsAndPausesNone() {
        let c = context(assigned: [p0])
        do {
            try c.pause([p0, p2])
            Issue.record("no failure")
        } catch let e as ConnectError {
            #expect(e.kind == .connect)
            #expect(
                e.message
                    == "SinkTasks may not pause partitions that are not currently assigned to them: No current assignment for partition t-2"
            )
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: ConnectError.self) { try c.resume([p1]) }
        #expect(c.takePauseRequests().isEmpty)
    }

    @Test func requestsAreTakenInOrderOnce() throws {
        let c = context(assigned: [p0, p1])
        try c.pause([p0, p1])
        try c.resume([p1])
        #expect(c.takePauseRequests() == [.pause([p0, p1]), .resume([p1])])
        #expect(c.takePauseRequests().isEmpty)
    }

    @Test func theLoopAppliesTheRequestsAsOneChange() throws {
        let c = context(assigned: [p0, p1])
        var m = SinkDeliveryStateMachine()
        _ = m.assigned([p0, p1])
        try c.pause([p0, p1])
        try c.resume([p1])
        #expect(m.taskRequested(c.takePauseRequests()) == Actions(pause: [p0]))
        #expect(m.paused == [p0])
        try c.resume([p0])
        #expect(m.taskRequested(c.takePauseRequests()) == Actions(resume: [p0]))
    }

    // testPollRedelivery with a task pause: the partition the task paused during the failed put stays
    // paused once the batch went through; the rest resume.
    @Test func aPauseDuringTheFailedPutOutlivesTheRedelivery() throws {
        let c = context(assigned: [p0, p1])
        var m = SinkDeliveryStateMachine()
        _ = m.assigned([p0, p1])
        try c.pause([p1])
        #expect(m.putFailedRetriable(timeoutMs: 100, now: 0) == Actions(pause: [p0, p1]))
        #expect(m.taskRequested(c.takePauseRequests()) == Actions())  // already paused for the redelivery
        #expect(m.putSucceeded() == Actions(resume: [p0]))
        #expect(m.paused == [p1])
    }

    // A rebalance forgets the pauses of revoked partitions: assigned again, they are fetched.
    @Test func aRevokedPartitionIsNoLongerPausedWhenAssignedAgain() throws {
        let c = context(assigned: [p0, p1])
        var m = SinkDeliveryStateMachine()
        _ = m.assigned([p0, p1])
        try c.pause([p0, p1])
        _ = m.taskRequested(c.takePauseRequests())
        _ = m.revoked([p0], batchRemains: false)
        c.setAssignment(m.assignment)
        #expect(m.assigned([p0]) == Actions())
        #expect(m.paused == [p1])
        #expect(throws: ConnectError.self) { try context(assigned: [p1]).pause([p0]) }
    }
}

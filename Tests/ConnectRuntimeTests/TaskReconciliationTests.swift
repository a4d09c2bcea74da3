import ConnectAPI
import Testing

@testable import ConnectRuntime

/// Desired against running, case by case.
@Suite struct TaskReconciliationTests {
    let a: JSONObject = ["k": .string("a")]
    let b: JSONObject = ["k": .string("b")]
    func ids(_ tasks: Int...) -> [ConnectorTaskId] { tasks.map { ConnectorTaskId("c", $0) } }

    @Test func ownedTasksNotRunningAreStartedAndOthersLeftAlone() {
        let plan = TaskReconciliation(
            connector: "c", taskConfigs: [a, a, a], ownedHere: [true, false, true], running: [:])
        #expect(plan == TaskReconciliation.expected(start: ids(0, 2)))
    }

    @Test func tasksThatMovedAwayAreReleased() {
        let plan = TaskReconciliation(
            connector: "c", taskConfigs: [a, a], ownedHere: [false, true], running: [0: a, 1: a])
        #expect(plan == TaskReconciliation.expected(release: ids(0), keep: ids(1)))
    }

    @Test func aChangedConfigRestartsOnlyThatTask() {
        let plan = TaskReconciliation(
            connector: "c", taskConfigs: [a, b], ownedHere: [true, true], running: [0: a, 1: a])
        #expect(plan == TaskReconciliation.expected(restart: ids(1), keep: ids(0)))
    }

    /// Fewer tasks than before: the extra ones running here go, owned or not.
    @Test func tasksBeyondTheConnectorsCountAreRemoved() {
        let plan = TaskReconciliation(
            connector: "c", taskConfigs: [a], ownedHere: [true], running: [0: a, 1: a, 3: a])
        #expect(plan == TaskReconciliation.expected(keep: ids(0), remove: ids(1, 3)))
    }

    /// Before this worker has a group, it owns nothing: what runs here is released.
    @Test func withoutAGroupEverythingRunningIsReleased() {
        let plan = TaskReconciliation(connector: "c", taskConfigs: [a, a], ownedHere: [], running: [1: a])
        #expect(plan == TaskReconciliation.expected(release: ids(1)))
    }
}

extension TaskReconciliation {
    static func expected(
        release: [ConnectorTaskId] = [], restart: [ConnectorTaskId] = [], start: [ConnectorTaskId] = [],
        keep: [ConnectorTaskId] = [], remove: [ConnectorTaskId] = []
    ) -> TaskReconciliation {
        var r = TaskReconciliation(connector: "", taskConfigs: [], ownedHere: [], running: [:])
        (r.release, r.restart, r.start, r.keep, r.remove) = (release, restart, start, keep, remove)
        return r
    }
}

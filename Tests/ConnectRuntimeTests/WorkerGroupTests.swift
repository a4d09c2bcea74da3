import Testing

@testable import ConnectRuntime

@Suite struct WorkerGroupTests {
    let members = ["m-c", "m-a", "m-b"].map { WorkerGroup.Member(memberId: $0, workerId: "host-\($0):8083") }

    /// Every worker must derive the same owners from the same member list, whatever order it got it in.
    @Test func everyWorkerAgreesOnOneOwnerPerItem() {
        let views = members.map { me in WorkerGroup(members: members.shuffled(), me: me.memberId) }
        for c in (0..<50).map({ "connector-\($0)" }) {
            #expect(views.filter { $0.ownsConnector(c) }.count == 1)
            for t in 0..<4 {
                let id = ConnectorTaskId(c, t)
                #expect(views.filter { $0.ownsTask(id) }.count == 1)
                #expect(Set(views.map { $0.ownerOfTask(id).memberId }).count == 1)
            }
        }
    }

    @Test func aConnectorsTasksAreSpreadOverAllWorkers() {
        let g = WorkerGroup(members: members, me: "m-a")
        let owners = (0..<6).map { g.ownerOfTask(ConnectorTaskId("jdbc", $0)).memberId }
        for m in members { #expect(owners.filter { $0 == m.memberId }.count == 2) }
    }

    /// The hash is fixed (FNV-1a), not Swift's per-process seeded hashing: pinned values prove it.
    @Test func assignmentIsStableAcrossProcesses() {
        #expect(WorkerGroup.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(WorkerGroup.hash("a") == 0xaf63_dc4c_8601_ec8c)
    }

    @Test func aWorkerAloneRunsEverything() {
        let g = WorkerGroup(members: [members[0]], me: "m-c")
        #expect(g.ownsConnector("x") && g.ownsTask(ConnectorTaskId("x", 7)))
    }

    @Test func workerIdComesFromClientIdOrMemberId() {
        #expect(WorkerGroup.workerId(clientId: "tributary-worker-10.0.0.1:8083", memberId: "x") == "10.0.0.1:8083")
        #expect(
            WorkerGroup.workerId(
                clientId: "", memberId: "tributary-worker-10.0.0.1:8083-5104baa7-4f2b-48c3-aff5-883eb2cae611")
                == "10.0.0.1:8083")
    }
}

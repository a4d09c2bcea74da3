/// The workers of one Connect group (`group.id`) in one generation, and who runs what.
///
/// Every worker computes the same assignment from the same member list, so no leader has to send
/// assignments around. The assignment is sticky and count-balanced (KIP-415's goals):
/// - **Rendezvous hashing on the worker id**: each worker scores each item by a hash of the item and the
///   worker's id (`host:port`, stable across restarts), and the item goes to the best score. A worker
///   that joins takes only the items it now scores best on; a worker that leaves gives away only its
///   own; a worker that restarts under the same id gets its items back.
/// - **Balanced per connector**: no worker gets more than ⌈tasks / workers⌉ of one connector's tasks;
///   (task, worker) pairs are taken best score first, so a task goes elsewhere than its best worker
///   only when that worker is full of tasks that score higher there.
///
/// An owner depends only on the member list and on its own connector's task count, never on other
/// connectors: two workers that have read the config topic to different points still agree on every
/// task they both know. The hash is the same in every process (FNV-1a and a mixer, not Swift's seeded
/// `Hasher`).
public struct WorkerGroup: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        /// The group member id the broker gave this worker.
        public let memberId: String
        /// The worker's id (`host:port` of its REST API), carried in the member's client id.
        public let workerId: String
    }

    /// Members ordered by member id, the same order on every worker.
    public let members: [Member]
    /// This worker's member id.
    public let me: String

    public init(members: [Member], me: String) {
        self.members = members.sorted { $0.memberId < $1.memberId }
        self.me = me
    }

    public func isMember(workerId: String) -> Bool { members.contains { $0.workerId == workerId } }

    /// The best-scoring member for `item`.
    private func best(_ item: String) -> Int {
        var best = -1
        var bestScore: UInt64 = 0
        for (i, m) in members.enumerated() {
            let score = Self.score(item, m.workerId)
            // Ties (two members under one worker id, a misconfiguration) go to the lower member id.
            if best < 0 || score > bestScore {
                best = i
                bestScore = score
            }
        }
        return best
    }

    public func ownerOfConnector(_ name: String) -> Member { members[best("connector\u{0}" + name)] }

    /// The owners of a connector's tasks 0..<taskCount: every (task, worker) pair in order of score, best
    /// first, each taken while the task has no worker and the worker fewer than the cap. A task leaves
    /// its best worker only for a task that scores higher there, so a change of members moves few.
    public func taskOwners(connector: String, taskCount: Int) -> [Member] {
        guard taskCount > 0 else { return [] }
        let cap = (taskCount + members.count - 1) / members.count
        var pairs: [(score: UInt64, task: Int, member: Int)] = []
        pairs.reserveCapacity(taskCount * members.count)
        for t in 0..<taskCount {
            let item = "task\u{0}\(connector)\u{0}\(t)"
            for (i, m) in members.enumerated() { pairs.append((Self.score(item, m.workerId), t, i)) }
        }
        // Ties (two members under one worker id, a misconfiguration) go to the lower task, then member.
        pairs.sort { ($0.score, $1.task, $1.member) > ($1.score, $0.task, $0.member) }
        var owner = [Int](repeating: -1, count: taskCount)
        var load = [Int](repeating: 0, count: members.count)
        var left = taskCount
        for p in pairs where owner[p.task] < 0 && load[p.member] < cap {
            owner[p.task] = p.member
            load[p.member] += 1
            left -= 1
            if left == 0 { break }
        }
        return owner.map { members[$0] }
    }

    /// The owner of task `id` of a connector that has `taskCount` tasks.
    public func ownerOfTask(_ id: ConnectorTaskId, taskCount: Int) -> Member {
        let owners = taskOwners(connector: id.connector, taskCount: max(taskCount, id.task + 1))
        return owners[id.task]
    }

    public func ownsConnector(_ name: String) -> Bool { ownerOfConnector(name).memberId == me }

    /// The prefix of the group member's `client.id`; the rest is the worker id.
    static let clientIdPrefix = "tributary-worker-"

    /// The worker id of a member: its client id without our prefix. Brokers name members
    /// `<client.id>-<UUID>`, so the member id serves when a broker leaves the client id out (Tansu).
    static func workerId(clientId: String, memberId: String) -> String {
        var id = Substring(clientId.isEmpty ? memberId : clientId)
        if clientId.isEmpty, id.count > 37, id.dropLast(36).last == "-" { id = id.dropLast(37) }
        return id.hasPrefix(clientIdPrefix) ? String(id.dropFirst(clientIdPrefix.count)) : String(id)
    }

    /// The rendezvous score of `item` on the worker `workerId`.
    static func score(_ item: String, _ workerId: String) -> UInt64 {
        // FNV-1a spreads short, similar strings poorly in its high bits; SplitMix64's finaliser mixes them.
        var z = hash(item + "\u{0}" + workerId)
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }
}

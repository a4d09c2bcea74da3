/// The workers of one Connect group (`group.id`) in one generation, and who runs what.
///
/// Every worker computes the same assignment from the same member list, so no leader has to send
/// assignments around: connector `c` goes to member `h(c) mod n` and its task `i` to member
/// `(h(c) + 1 + i) mod n`, with `h` a hash that is the same in every process (FNV-1a, not Swift's
/// seeded `Hasher`). A connector's tasks are spread evenly over the workers, adding or removing a
/// connector moves nothing else, and one worker alone runs everything.
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

    public func ownerOfConnector(_ name: String) -> Member {
        members[Int(Self.hash(name) % UInt64(members.count))]
    }

    public func ownerOfTask(_ id: ConnectorTaskId) -> Member {
        members[Int((Self.hash(id.connector) &+ 1 &+ UInt64(id.task)) % UInt64(members.count))]
    }

    public func ownsConnector(_ name: String) -> Bool { ownerOfConnector(name).memberId == me }
    public func ownsTask(_ id: ConnectorTaskId) -> Bool { ownerOfTask(id).memberId == me }

    /// The prefix of the group member's `client.id`; the rest is the worker id.
    static let clientIdPrefix = "tributary-worker-"

    /// The worker id of a member: its client id without our prefix. Brokers name members
    /// `<client.id>-<UUID>`, so the member id serves when a broker leaves the client id out (Tansu).
    static func workerId(clientId: String, memberId: String) -> String {
        var id = Substring(clientId.isEmpty ? memberId : clientId)
        if clientId.isEmpty, id.count > 37, id.dropLast(36).last == "-" { id = id.dropLast(37) }
        return id.hasPrefix(clientIdPrefix) ? String(id.dropFirst(clientIdPrefix.count)) : String(id)
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

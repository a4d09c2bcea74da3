import KafkaClient
import Logging

/// This worker's membership in the Connect group `group.id`, kept through a Kafka consumer group.
///
/// Kafka Connect's own group protocol (protocol type "connect") is not available through librdkafka,
/// so the workers join an ordinary consumer group named `group.id`, subscribed to the config topic.
/// Kafka does what matters: it notices workers that join, leave or die (`session.timeout.ms`). After
/// each rebalance every worker reads the member list (DescribeGroups) and derives the same sticky
/// assignment (`WorkerGroup`); the Herder then stops only what moved away and starts what moved in,
/// after its previous owner has recorded it stopped (the two-step handover), so nothing runs twice and
/// work that stays put keeps running through the rebalance (KIP-415's incremental cooperative
/// rebalancing, reached without the connect protocol).
///
/// The consumer never reads records: the config topic's partition is paused as soon as it is assigned.
/// Rebalance events are drained by the poll loop; the rebalance callback waits for nothing.
/// Because the protocol type differs, a Java Connect worker still running with the same `group.id`
/// makes the join fail (INCONSISTENT_GROUP_PROTOCOL) instead of two runtimes sharing the work.
final class WorkerGroupMember: Sendable {
    private let consumer: KafkaConsumer
    private let admin: KafkaAdmin
    private let groupId: String
    private let topic: String
    private let logger: Logger
    /// Set when the worker shuts down.
    private let closing = LockedBox(false)
    /// Set once the poll loop must end.
    private let finished = LockedBox(false)
    /// True between a completed join and the next revoke.
    private let steady = LockedBox(false)
    private let joinTimeoutMs: Int
    /// Finished when the poll loop has ended (or never started).
    private let loopEnded = AsyncStream<Void>.makeStream()
    private let onAssigned: @Sendable (WorkerGroup) async -> Void

    /// - Parameters:
    ///   - onAssigned: called with the new group after each completed rebalance.
    init(
        config: WorkerConfig, admin: KafkaAdmin, logger: Logger,
        onAssigned: @escaping @Sendable (WorkerGroup) async -> Void
    ) throws(KafkaError) {
        var c = config.clientConfig("consumer")
        c["group.id"] = config.groupId
        c["client.id"] = WorkerGroup.clientIdPrefix + config.workerId
        c["session.timeout.ms"] = String(config.sessionTimeoutMs)
        c["heartbeat.interval.ms"] = String(config.heartbeatIntervalMs)
        c["max.poll.interval.ms"] = String(max(config.rebalanceTimeoutMs, config.sessionTimeoutMs))
        c["partition.assignment.strategy"] = "range"
        c["enable.auto.commit"] = "false"
        c["enable.auto.offset.store"] = "false"
        let steady = self.steady
        // Work keeps running through a rebalance: the callback only notes that one is under way.
        consumer = try KafkaConsumer(config: c) { _ in steady.mutex.withLock { $0 = false } }
        self.admin = admin
        self.groupId = config.groupId
        self.topic = config.configTopic
        self.logger = logger
        self.onAssigned = onAssigned
        self.joinTimeoutMs = config.sessionTimeoutMs
    }

    /// Subscribes, and runs the poll loop through `spawn` (a child of the Worker's task group).
    func start(spawn: (@escaping @Sendable () async -> Void) -> Bool) throws(KafkaError) {
        try consumer.subscribe([topic])
        let ended = loopEnded.continuation
        let spawned = spawn { [self] in
            await pollLoop()
            ended.finish()
        }
        if !spawned { ended.finish() }
    }

    private func pollLoop() async {
        while !finished.mutex.withLock({ $0 }) {
            for event in await consumer.poll(maxEvents: 100, timeoutMs: 100) {
                switch event {
                case .assigned(let partitions):
                    consumer.pause(partitions)
                    steady.mutex.withLock { $0 = true }
                    await joined()
                case .error(let e):
                    logger.warning("Worker group \(groupId): \(e)")
                default:
                    break
                }
            }
        }
    }

    /// Reads the members of the generation we just joined. The group is Stable once every member has
    /// its assignment; while it is not (another rebalance already under way) the next revoke/assign
    /// round brings us back here.
    private func joined() async {
        let me = consumer.memberId
        for attempt in 1...20 {
            if closing.mutex.withLock({ $0 }) { return }
            do {
                let d = try await admin.describeGroup(groupId)
                if d.state == "Stable", d.members.contains(where: { $0.memberId == me }) {
                    let members = d.members.map {
                        WorkerGroup.Member(
                            memberId: $0.memberId,
                            workerId: WorkerGroup.workerId(clientId: $0.clientId, memberId: $0.memberId))
                    }
                    let group = WorkerGroup(members: members, me: me)
                    logger.info(
                        "Joined worker group \(groupId) with \(members.count) member(s): \(group.members.map(\.workerId).joined(separator: ", "))"
                    )
                    await onAssigned(group)
                    return
                }
                logger.debug("Worker group \(groupId) is \(d.state) (attempt \(attempt)); asking again")
            } catch {
                logger.warning("Could not describe worker group \(groupId): \(error)")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        logger.error("Worker group \(groupId) did not become stable; waiting for the next rebalance")
    }

    /// From now on a completed join is not reported (the worker is stopping its work itself).
    func prepareToLeave() {
        closing.mutex.withLock { $0 = true }
    }

    /// Leaves the group (a rebalance gives our work to the others) and stops polling.
    ///
    /// A member that leaves while its join is still under way can leave a broker's group stuck with a
    /// departed leader (seen with Tansu), so we first let a join in progress finish, for at most
    /// `session.timeout.ms`.
    func stop() async {
        prepareToLeave()
        let deadline = ContinuousClock.now + .milliseconds(joinTimeoutMs)
        while !steady.mutex.withLock({ $0 }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        finished.mutex.withLock { $0 = true }
        for await _ in loopEnded.stream {}
        await consumer.close()
    }
}

import CRdKafka
import Dispatch
import Synchronization

/// Admin operations (metadata, topic creation and inspection) on a client handle of its own.
///
/// Each request blocks until the broker answers, so requests run on a private queue, off Swift's
/// cooperative pool; `close()` runs there too, after the requests in progress.
public final class KafkaAdmin: @unchecked Sendable {
    let handle: OpaquePointer  // rd_kafka_t, owned; destroyed in close()
    private let queue = DispatchQueue(label: "rdkafka-admin", attributes: .concurrent)
    private let isClosed = Mutex(false)
    /// The opaque of librdkafka's callbacks (logs, token refresh), kept until after rd_kafka_destroy.
    private let context: ClientContext

    public struct TopicDescription: Sendable {
        public let name: String
        public let partitions: Int
    }

    public struct NewTopic: Sendable {
        public let name: String
        public let partitions: Int32
        public let replicationFactor: Int32
        public let config: [(String, String)]
        public init(name: String, partitions: Int32, replicationFactor: Int32, config: [(String, String)] = []) {
            self.name = name
            self.partitions = partitions
            self.replicationFactor = replicationFactor
            self.config = config
        }
    }

    public init(config: KafkaConfig) throws(KafkaError) {
        let context = ClientContext(config: config)
        let rk = try ClientContext.makeHandle(RD_KAFKA_PRODUCER, config: config, context: context, what: "admin client")
        self.context = context
        handle = rk
    }

    /// No request can be running: each holds a reference until it ends.
    deinit { if !isClosed.withLock({ $0 }) { rd_kafka_destroy(handle) } }

    /// Destroys the client (and a mock cluster it hosts). Idempotent: a second call returns at once. The
    /// destruction waits for the requests in progress and runs on the admin's queue, so the caller's task
    /// waits without holding a thread of the cooperative pool; a request made afterwards fails with
    /// `_DESTROY`.
    public func close() async {
        let first = isClosed.withLock { closed -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            // A barrier of the concurrent queue: after every request already started.
            queue.async(flags: .barrier) { [self] in
                rd_kafka_destroy(handle)
                done.resume()
            }
        }
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
        let r: Result<T, KafkaError> = await withCheckedContinuation { cont in
            queue.async { [self] in
                // Closed: the handle is destroyed, or about to be once the requests in progress end.
                guard !isClosed.withLock({ $0 }) else {
                    return cont.resume(returning: .failure(KafkaError(RD_KAFKA_RESP_ERR__DESTROY)))
                }
                do throws(KafkaError) { cont.resume(returning: .success(try body())) } catch {
                    cont.resume(returning: .failure(error))
                }
            }
        }
        return try r.get()
    }

    /// The cluster id the brokers report. The first contact with a cluster: a certificate or credential
    /// the broker refuses ends the wait at once, with librdkafka's reason and the key at fault; other
    /// failures are retried until the timeout, which reports the last one.
    public func clusterId(timeoutMs: Int32 = 10_000) async throws(KafkaError) -> String {
        try await run { [self] () throws(KafkaError) -> String in
            var waited: Int32 = 0
            while true {
                let step = min(250, timeoutMs - waited)
                if let p = rd_kafka_clusterid(handle, step) {
                    defer { rd_kafka_mem_free(handle, p) }
                    return String(cString: p)
                }
                waited += step
                if context.lastFailureIsPermanent, let f = context.lastFailure {
                    let sasl = f.contains("SASL")
                    throw KafkaError(sasl ? RD_KAFKA_RESP_ERR__AUTHENTICATION : RD_KAFKA_RESP_ERR__SSL, message: f)
                }
                if waited >= timeoutMs {
                    let last = context.lastFailure.map { " (last error: \($0))" } ?? ""
                    throw KafkaError(
                        RD_KAFKA_RESP_ERR__TIMED_OUT, message: "Timed out asking the Kafka cluster for its id\(last)")
                }
            }
        }
    }

    /// All topics with their partition counts.
    public func topics(timeoutMs: Int32 = 10_000) async throws(KafkaError) -> [String: TopicDescription] {
        try await run { [self] () throws(KafkaError) -> [String: TopicDescription] in
            var md: UnsafePointer<rd_kafka_metadata>? = nil
            let err = rd_kafka_metadata(handle, 1, nil, &md, timeoutMs)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let md else { throw KafkaError(err) }
            defer { rd_kafka_metadata_destroy(md) }
            var out: [String: TopicDescription] = [:]
            for i in 0..<Int(md.pointee.topic_cnt) {
                let t = md.pointee.topics[i]
                if t.err != RD_KAFKA_RESP_ERR_NO_ERROR { continue }
                let name = String(cString: t.topic)
                out[name] = TopicDescription(name: name, partitions: Int(t.partition_cnt))
            }
            return out
        }
    }

    /// Creates topics; a topic that already exists is not an error.
    public func createTopics(_ topics: [NewTopic], timeoutMs: Int32 = 30_000) async throws(KafkaError) {
        try await run { [self] () throws(KafkaError) in
            var errstr = [CChar](repeating: 0, count: 512)
            var newTopics: [OpaquePointer?] = []
            defer { for t in newTopics { rd_kafka_NewTopic_destroy(t) } }
            for t in topics {
                guard let nt = rd_kafka_NewTopic_new(t.name, t.partitions, t.replicationFactor, &errstr, errstr.count)
                else { throw KafkaError.local("Invalid topic \(t.name): \(cString(errstr))") }
                newTopics.append(nt)
                for (k, v) in t.config { rd_kafka_NewTopic_set_config(nt, k, v) }
            }
            try adminRequest(RD_KAFKA_ADMIN_OP_CREATETOPICS, what: "creating topics", timeoutMs: timeoutMs) {
                rd_kafka_CreateTopics(handle, &newTopics, newTopics.count, $0, $1)
            } read: { ev throws(KafkaError) in
                let res = rd_kafka_event_CreateTopics_result(ev)
                var cnt = 0
                guard let results = rd_kafka_CreateTopics_result_topics(res, &cnt) else { return }
                for i in 0..<cnt {
                    let r = results[i]
                    let err = rd_kafka_topic_result_error(r)
                    if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                        let name = String(cString: rd_kafka_topic_result_name(r))
                        let msg = rd_kafka_topic_result_error_string(r).map { String(cString: $0) } ?? ""
                        throw KafkaError(err, message: "Could not create topic \(name): \(msg)")
                    }
                }
            }
        }
    }

    /// Deletes topics (used by tests and tools); unknown topics are not an error.
    public func deleteTopics(_ names: [String], timeoutMs: Int32 = 30_000) async throws(KafkaError) {
        try await run { [self] () throws(KafkaError) in
            var dts: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
            defer { for t in dts { rd_kafka_DeleteTopic_destroy(t) } }
            let rq = rd_kafka_queue_new(handle)
            defer { rd_kafka_queue_destroy(rq) }
            rd_kafka_DeleteTopics(handle, &dts, dts.count, nil, rq)
            guard let ev = rd_kafka_queue_poll(rq, timeoutMs) else {
                throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, message: "Timed out deleting topics")
            }
            rd_kafka_event_destroy(ev)
        }
    }

    /// The configuration entries the broker reports for a topic.
    ///
    /// Some brokers (Tansu) report only keys set explicitly, so an absent key means "unknown", not "default".
    public func topicConfig(_ topic: String, timeoutMs: Int32 = 10_000) async throws(KafkaError) -> [String: String] {
        try await run { [self] () throws(KafkaError) -> [String: String] in
            var res: [OpaquePointer?] = [rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic)]
            defer { rd_kafka_ConfigResource_destroy(res[0]) }
            return try adminRequest(
                RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, what: "describing topic \(topic)", timeoutMs: timeoutMs
            ) {
                rd_kafka_DescribeConfigs(handle, &res, 1, $0, $1)
            } read: { ev throws(KafkaError) -> [String: String] in
                var cnt = 0
                guard
                    let rs = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &cnt),
                    cnt > 0
                else { return [:] }
                let rerr = rd_kafka_ConfigResource_error(rs[0])
                if rerr != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError(
                        rerr, message: rd_kafka_ConfigResource_error_string(rs[0]).map { String(cString: $0) })
                }
                var n = 0
                var out: [String: String] = [:]
                if let entries = rd_kafka_ConfigResource_configs(rs[0], &n) {
                    for i in 0..<n {
                        let name = String(cString: rd_kafka_ConfigEntry_name(entries[i]))
                        if let v = rd_kafka_ConfigEntry_value(entries[i]) { out[name] = String(cString: v) }
                    }
                }
                return out
            }
        }
    }

    public struct GroupMember: Sendable, Equatable {
        public let memberId: String
        public let clientId: String
        public let host: String
    }

    public struct GroupDescription: Sendable {
        /// "Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead" or "Unknown".
        public let state: String
        public let members: [GroupMember]
    }

    /// The state and members of a consumer group (DescribeGroups).
    public func describeGroup(_ groupId: String, timeoutMs: Int32 = 10_000) async throws(KafkaError)
        -> GroupDescription
    {
        try await run { [self] () throws(KafkaError) -> GroupDescription in
            try adminRequest(
                RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, what: "describing group \(groupId)", timeoutMs: timeoutMs
            ) { opts, rq in
                groupId.withCString { id in
                    var ids: [UnsafePointer<CChar>?] = [id]
                    rd_kafka_DescribeConsumerGroups(handle, &ids, 1, opts, rq)
                }
            } read: { ev throws(KafkaError) -> GroupDescription in
                var cnt = 0
                guard
                    let groups = rd_kafka_DescribeConsumerGroups_result_groups(
                        rd_kafka_event_DescribeConsumerGroups_result(ev), &cnt), cnt > 0, let g = groups[0]
                else { throw KafkaError.local("Describing group \(groupId) returned no group") }
                if let gerr = rd_kafka_ConsumerGroupDescription_error(g) {
                    throw KafkaError(rd_kafka_error_code(gerr), message: String(cString: rd_kafka_error_string(gerr)))
                }
                let state = String(
                    cString: rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(g)))
                var members: [GroupMember] = []
                for i in 0..<rd_kafka_ConsumerGroupDescription_member_count(g) {
                    guard let m = rd_kafka_ConsumerGroupDescription_member(g, i) else { continue }
                    members.append(
                        GroupMember(
                            memberId: String(cString: rd_kafka_MemberDescription_consumer_id(m)),
                            clientId: String(cString: rd_kafka_MemberDescription_client_id(m)),
                            host: String(cString: rd_kafka_MemberDescription_host(m))))
                }
                return GroupDescription(state: state, members: members)
            }
        }
    }

    /// Sets committed offsets of `group` (which must have no active members), like
    /// `kafka-consumer-groups --reset-offsets`.
    public func alterGroupOffsets(_ group: String, _ offsets: [KafkaPartition: Int64], timeoutMs: Int32 = 30_000)
        async throws(KafkaError)
    {
        try await run { [self] () throws(KafkaError) in
            let list = TopicPartitionList(offsets.map { ($0.key, $0.value) })
            var req: [OpaquePointer?] = [list.withPointer { rd_kafka_AlterConsumerGroupOffsets_new(group, $0) }]
            defer { rd_kafka_AlterConsumerGroupOffsets_destroy(req[0]) }
            try groupRequest(RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, what: "altering offsets of group \(group)") {
                rd_kafka_AlterConsumerGroupOffsets(handle, &req, 1, $0, $1)
            } results: { ev, n in
                rd_kafka_AlterConsumerGroupOffsets_result_groups(rd_kafka_event_AlterConsumerGroupOffsets_result(ev), n)
            }
        }
    }

    /// The committed offsets of `group` for `partitions` (partitions without one are left out), read with
    /// the ListConsumerGroupOffsets request: no consumer joins or leaves the group to ask.
    public func listGroupOffsets(_ group: String, _ partitions: [KafkaPartition], timeoutMs: Int32 = 10_000)
        async throws(KafkaError) -> [KafkaPartition: Int64]
    {
        try await run { [self] () throws(KafkaError) -> [KafkaPartition: Int64] in
            let list = TopicPartitionList(partitions)
            var req: [OpaquePointer?] = [list.withPointer { rd_kafka_ListConsumerGroupOffsets_new(group, $0) }]
            defer { rd_kafka_ListConsumerGroupOffsets_destroy(req[0]) }
            let what = "listing offsets of group \(group)"
            return try adminRequest(
                RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, what: what, timeoutMs: timeoutMs,
                submit: { rd_kafka_ListConsumerGroupOffsets(handle, &req, 1, $0, $1) }
            ) { ev throws(KafkaError) -> [KafkaPartition: Int64] in
                var n = 0
                let result = rd_kafka_event_ListConsumerGroupOffsets_result(ev)
                guard let groups = rd_kafka_ListConsumerGroupOffsets_result_groups(result, &n) else { return [:] }
                var out: [KafkaPartition: Int64] = [:]
                for i in 0..<n {
                    if let gerr = rd_kafka_group_result_error(groups[i]) {
                        throw KafkaError(
                            rd_kafka_error_code(gerr),
                            message: "\(what): " + String(cString: rd_kafka_error_string(gerr)))
                    }
                    guard let parts = rd_kafka_group_result_partitions(groups[i]) else { continue }
                    for j in 0..<Int(parts.pointee.cnt) {
                        let tp = parts.pointee.elems[j]
                        if tp.err == RD_KAFKA_RESP_ERR_NO_ERROR && tp.offset >= 0 {
                            out[KafkaPartition(String(cString: tp.topic), tp.partition)] = tp.offset
                        }
                    }
                }
                return out
            }
        }
    }

    /// Removes the committed offsets of `partitions` from `group`.
    public func deleteGroupOffsets(_ group: String, _ partitions: [KafkaPartition], timeoutMs: Int32 = 30_000)
        async throws(KafkaError)
    {
        try await run { [self] () throws(KafkaError) in
            let list = TopicPartitionList(partitions)
            var req: [OpaquePointer?] = [list.withPointer { rd_kafka_DeleteConsumerGroupOffsets_new(group, $0) }]
            defer { rd_kafka_DeleteConsumerGroupOffsets_destroy(req[0]) }
            try groupRequest(RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, what: "deleting offsets of group \(group)") {
                rd_kafka_DeleteConsumerGroupOffsets(handle, &req, 1, $0, $1)
            } results: { ev, n in
                rd_kafka_DeleteConsumerGroupOffsets_result_groups(
                    rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), n)
            }
        }
    }

    /// Deletes `group` with its committed offsets; a group that does not exist is not an error.
    public func deleteGroup(_ group: String) async throws(KafkaError) {
        try await run { [self] () throws(KafkaError) in
            var req: [OpaquePointer?] = [rd_kafka_DeleteGroup_new(group)]
            defer { rd_kafka_DeleteGroup_destroy(req[0]) }
            do throws(KafkaError) {
                try groupRequest(RD_KAFKA_ADMIN_OP_DELETEGROUPS, what: "deleting group \(group)") {
                    rd_kafka_DeleteGroups(handle, &req, 1, $0, $1)
                } results: { ev, n in
                    rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev), n)
                }
            } catch {
                if error.code != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND.rawValue { throw error }
            }
        }
    }

    /// Runs one group admin request and turns the first error (request, group or partition) into a throw.
    /// Called on `queue`; `submit` gets the options and the result queue.
    private func groupRequest(
        _ op: rd_kafka_admin_op_t, what: String, timeoutMs: Int32 = 30_000,
        submit: (OpaquePointer?, OpaquePointer?) -> Void,
        results: (OpaquePointer?, UnsafeMutablePointer<Int>) -> UnsafeMutablePointer<OpaquePointer?>?
    ) throws(KafkaError) {
        try adminRequest(op, what: what, timeoutMs: timeoutMs, submit: submit) { ev throws(KafkaError) in
            try Self.checkGroupResults(ev, what: what, results: results)
        }
    }

    private static func checkGroupResults(
        _ ev: OpaquePointer, what: String,
        results: (OpaquePointer?, UnsafeMutablePointer<Int>) -> UnsafeMutablePointer<OpaquePointer?>?
    ) throws(KafkaError) {
        var n = 0
        guard let groups = results(ev, &n) else { return }
        for i in 0..<n {
            if let gerr = rd_kafka_group_result_error(groups[i]) {
                throw KafkaError(
                    rd_kafka_error_code(gerr), message: "\(what): " + String(cString: rd_kafka_error_string(gerr)))
            }
            if let parts = rd_kafka_group_result_partitions(groups[i]) {
                for j in 0..<Int(parts.pointee.cnt) where parts.pointee.elems[j].err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    let tp = parts.pointee.elems[j]
                    throw KafkaError(tp.err, message: "\(what): \(String(cString: tp.topic))-\(tp.partition)")
                }
            }
        }
    }

    /// One admin request, on `queue`: options carrying the request timeout, a private result queue,
    /// `submit` (given the options and the queue), then `read` on the result event once request-level
    /// errors are thrown. Options, queue and event are destroyed here.
    private func adminRequest<T>(
        _ op: rd_kafka_admin_op_t, what: String, timeoutMs: Int32,
        submit: (OpaquePointer?, OpaquePointer?) -> Void, read: (OpaquePointer) throws(KafkaError) -> T
    ) throws(KafkaError) -> T {
        var errstr = [CChar](repeating: 0, count: 512)
        let rq = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(rq) }
        let opts = rd_kafka_AdminOptions_new(handle, op)
        defer { rd_kafka_AdminOptions_destroy(opts) }
        rd_kafka_AdminOptions_set_request_timeout(opts, timeoutMs, &errstr, errstr.count)
        submit(opts, rq)
        guard let ev = rd_kafka_queue_poll(rq, timeoutMs + 5000) else {
            throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, message: "Timed out \(what)")
        }
        defer { rd_kafka_event_destroy(ev) }
        let e = rd_kafka_event_error(ev)
        if e != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(e, message: "\(what): " + String(cString: rd_kafka_event_error_string(ev)))
        }
        return try read(ev)
    }
}

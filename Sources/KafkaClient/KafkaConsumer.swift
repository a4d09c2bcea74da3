import CRdKafka
import Dispatch
import Synchronization

/// A librdkafka consumer, used either with manual assignment (internal topics) or a consumer group
/// (sink tasks).
///
/// Every call that can wait runs on this consumer's own serial dispatch queue, never on Swift's
/// cooperative pool. librdkafka calls the rebalance callback only from inside its poll calls
/// (`rd_kafka_consume_batch_queue`, `rd_kafka_consumer_poll`, `rd_kafka_consumer_close`), that is on that same queue, so the callback and the poll share state without further locking.
public final class KafkaConsumer: @unchecked Sendable {
    private let handle: OpaquePointer  // rd_kafka_t, owned; destroyed in close()
    private let queue: DispatchQueue
    private let rebalance: RebalanceState  // outlives `handle`: released after rd_kafka_destroy
    /// The opaque of librdkafka's callbacks; likewise kept until after rd_kafka_destroy.
    private let context: ClientContext
    private let closed = Mutex(false)
    /// Topic names by librdkafka topic handle, so a message costs no String allocation. Touched only by
    /// `pollBlocking`, that is on `queue`.
    private var topicNames: [OpaquePointer: String] = [:]
    /// The group's queue (rd_kafka_queue_t), read in batches; nil without `group.id`. Destroyed before
    /// the handle.
    private let consumerQueue: OpaquePointer?
    /// Where a batch read puts librdkafka's message pointers, reused by every poll. Touched only on `queue`.
    private var batch = UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>(start: nil, count: 0)

    /// Rebalance events collected by the C callback between two polls. Touched only on `queue`.
    final class RebalanceState: @unchecked Sendable {
        var events: [ConsumerEvent] = []
        let beforeRevoke: (@Sendable ([KafkaPartition]) -> Void)?
        init(beforeRevoke: (@Sendable ([KafkaPartition]) -> Void)?) { self.beforeRevoke = beforeRevoke }
    }

    /// - Parameter beforeRevoke: called inside the rebalance callback, before partitions are given up.
    ///   librdkafka rejoins the group only after the callback returns, so whatever this does (stop the
    ///   work the partitions stand for) is finished before any other member can be given them. It runs
    ///   on the poll thread and may block it; it is also called on `close()`.
    public init(config: KafkaConfig, beforeRevoke: (@Sendable ([KafkaPartition]) -> Void)? = nil) throws(KafkaError) {
        let rebalance = RebalanceState(beforeRevoke: beforeRevoke)
        let context = ClientContext(config: config)
        context.rebalance = rebalance
        let rk = try ClientContext.makeHandle(RD_KAFKA_CONSUMER, config: config, context: context, what: "consumer") {
            if config["group.id"] != nil { rd_kafka_conf_set_rebalance_cb($0, rebalanceCallback) }
        }
        // Route everything (messages, errors, rebalances) through the consumer queue.
        rd_kafka_poll_set_consumer(rk)
        self.consumerQueue = rd_kafka_queue_get_consumer(rk)
        self.handle = rk
        self.rebalance = rebalance
        self.context = context
        self.queue = DispatchQueue(label: "rdkafka-consumer")
    }

    deinit {
        // The last reference may be dropped by a block on `queue` itself: waiting for the queue here
        // would deadlock, and there is nothing left on it to wait for.
        if !isClosed { destroy() }
        batch.deallocate()
    }

    /// This member's id in its group (empty before the first join and after `close()`).
    public var memberId: String {
        withOpenHandle { rk in
            guard let p = rd_kafka_memberid(rk) else { return "" }
            defer { rd_kafka_mem_free(rk, p) }
            return String(cString: p)
        } ?? ""
    }

    /// Runs `body` with the handle unless the consumer is closed, for the calls that run on the caller's
    /// thread (they do not wait for the broker). It holds `closed`'s lock: `close()` cannot start the handle's destruction
    /// meanwhile (it sets `closed` before queueing it).
    private func withOpenHandle<T: Sendable>(_ body: (OpaquePointer) -> T) -> T? {
        closed.withLock { isClosed in isClosed ? nil : body(handle) }
    }

    /// Whether `close()` has begun. On `queue` a false answer stays good for the rest of the block: the
    /// handle is destroyed by a block queued after `closed` is set.
    private var isClosed: Bool { closed.withLock { $0 } }

    /// Fetches the metadata of `topics` into librdkafka's cache. An `assign` right after a consumer's
    /// creation otherwise finds no leader for its partitions, and librdkafka retries the offset query
    /// of each after a fixed 500 ms: every internal topic took that long to read at start-up. Failures
    /// are left to the fetches that follow.
    public func learnTopics(_ topics: [String], timeoutMs: Int32 = 5000) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                guard !isClosed else { return done.resume() }
                for name in Set(topics) {
                    guard let rkt = rd_kafka_topic_new(handle, name, nil) else { continue }
                    fetchTopicMetadata(handle, rkt, timeoutMs: timeoutMs)
                    rd_kafka_topic_destroy(rkt)
                }
                done.resume()
            }
        }
    }

    /// Assigns partitions with explicit start offsets (`nil` offset = beginning).
    public func assign(_ partitions: [(KafkaPartition, Int64?)]) throws(KafkaError) {
        let list = TopicPartitionList(partitions.map { ($0.0, $0.1 ?? Int64(RD_KAFKA_OFFSET_BEGINNING)) })
        let err = withOpenHandle { rk in list.withPointer { rd_kafka_assign(rk, $0) } } ?? RD_KAFKA_RESP_ERR__DESTROY
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    /// Joins the group given by `group.id`; topics starting with `^` are regular expressions.
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = TopicPartitionList(topics.map { KafkaPartition($0, -1) })
        let err = withOpenHandle { rk in list.withPointer { rd_kafka_subscribe(rk, $0) } } ?? RD_KAFKA_RESP_ERR__DESTROY
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    /// Leaves the subscription (and with it the partitions the group gave this member).
    public func unsubscribe() throws(KafkaError) {
        let err = withOpenHandle { rd_kafka_unsubscribe($0) } ?? RD_KAFKA_RESP_ERR__DESTROY
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    /// Drops a manual assignment.
    public func unassign() throws(KafkaError) {
        let err = withOpenHandle { rd_kafka_assign($0, nil) } ?? RD_KAFKA_RESP_ERR__DESTROY
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    /// The earliest offset whose timestamp is at or after the given one, per partition (-1: none).
    public func offsetsForTimes(_ times: [KafkaPartition: Int64], timeoutMs: Int32 = 10_000) async throws(KafkaError)
        -> [KafkaPartition: Int64]
    {
        try await listRequest(times.map { ($0.key, $0.value) }) { rd_kafka_offsets_for_times($0, $1, timeoutMs) }
    }

    /// The group's committed offsets of `partitions` (-1001 when none).
    public func committed(_ partitions: [KafkaPartition], timeoutMs: Int32 = 10_000) async throws(KafkaError)
        -> [KafkaPartition: Int64]
    {
        try await listRequest(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }) {
            rd_kafka_committed($0, $1, timeoutMs)
        }
    }

    /// Runs a librdkafka call that fills in a partition list's offsets, on this consumer's queue (it
    /// waits for the broker), and returns the offsets it wrote.
    private func listRequest(
        _ entries: [(KafkaPartition, Int64)],
        _ call:
            @escaping @Sendable (OpaquePointer, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) ->
            rd_kafka_resp_err_t
    ) async throws(KafkaError) -> [KafkaPartition: Int64] {
        let r: Result<[KafkaPartition: Int64], KafkaError> = await withCheckedContinuation { cont in
            queue.async { [self] in
                guard !isClosed else { return cont.resume(returning: .failure(KafkaError(RD_KAFKA_RESP_ERR__DESTROY))) }
                let list = TopicPartitionList(entries)
                let err = list.withPointer { call(handle, $0) }
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    return cont.resume(returning: .failure(KafkaError(err)))
                }
                cont.resume(returning: .success(Dictionary(list.entries, uniquingKeysWith: { a, _ in a })))
            }
        }
        return try r.get()
    }

    /// Blocking poll: waits up to `timeoutMs` for the first event, then takes whatever else is ready, up
    /// to `maxEvents`. Runs on `queue` only (`poll`), which checks `closed` first and shares
    /// `topicNames` and the rebalance events with it.
    ///
    /// A group's consumer reads its queue in batches (`rd_kafka_consume_batch_queue`): one lock and one
    /// clock reading per batch instead of per message. The rebalance callback runs inside the batch
    /// read; its events come first in the answer. That is the right order: messages of partitions that
    /// a rebalance took away, read earlier in the same batch, are dropped by librdkafka (the barrier op
    /// of the partition's new version), and messages of newly assigned partitions are fetched after.
    private func pollBlocking(maxEvents: Int, timeoutMs: Int32) -> ConsumerEvents {
        guard let consumerQueue else { return pollEachBlocking(maxEvents: maxEvents, timeoutMs: timeoutMs) }
        if batch.count < maxEvents {
            batch.deallocate()
            batch = .allocate(capacity: maxEvents)
        }
        let base = batch.baseAddress!
        // Whatever is ready now; else wait for one message, then take whatever came with it. A single
        // batch call with a timeout would wait out the whole timeout for a full batch.
        var count = max(0, rd_kafka_consume_batch_queue(consumerQueue, 0, base, maxEvents))
        if count == 0 && rebalance.events.isEmpty && timeoutMs != 0 {
            count = max(0, rd_kafka_consume_batch_queue(consumerQueue, timeoutMs, base, 1))
            if count == 1 && maxEvents > 1 {
                count += max(0, rd_kafka_consume_batch_queue(consumerQueue, 0, base + 1, maxEvents - 1))
            }
        }
        let events = ConsumerEvents(capacity: count + rebalance.events.count)
        if !rebalance.events.isEmpty {
            for e in rebalance.events { events.append(e) }
            rebalance.events.removeAll()
        }
        for i in 0..<count {
            guard let m = base[i] else { continue }
            events.append(Self.event(from: m, topics: &topicNames))
            rd_kafka_message_destroy(m)
        }
        return events
    }

    /// `pollBlocking` for a consumer without a group (manual assignment): a message at a time.
    private func pollEachBlocking(maxEvents: Int, timeoutMs: Int32) -> ConsumerEvents {
        let events = ConsumerEvents(capacity: min(maxEvents, 64))
        var wait = timeoutMs
        while events.remaining < maxEvents {
            let m = rd_kafka_consumer_poll(handle, wait)
            // Rebalance events the poll collected go before its message.
            let rebalanced = !rebalance.events.isEmpty
            if rebalanced {
                for e in rebalance.events { events.append(e) }
                rebalance.events.removeAll()
            }
            guard let m else {
                if !rebalanced { break }
                wait = 0
                continue
            }
            events.append(Self.event(from: m, topics: &topicNames))
            rd_kafka_message_destroy(m)
            wait = 0
        }
        return events
    }

    /// `pollBlocking` on this consumer's own queue.
    public func poll(maxEvents: Int = 1000, timeoutMs: Int32 = 100) async -> [ConsumerEvent] {
        Array(IteratorSequence(await pollEvents(maxEvents: maxEvents, timeoutMs: timeoutMs)))
    }

    /// `poll`, the events to be taken one at a time (each moved out, not copied): a sink's read path.
    public func pollEvents(maxEvents: Int = 1000, timeoutMs: Int32 = 100) async -> ConsumerEvents {
        await withCheckedContinuation { cont in
            queue.async { [self] in
                cont.resume(
                    returning: isClosed
                        ? ConsumerEvents(capacity: 0) : pollBlocking(maxEvents: maxEvents, timeoutMs: timeoutMs))
            }
        }
    }

    /// Commits `offsets` (the next offset to read, per partition) to the group, synchronously.
    public func commit(_ offsets: [KafkaPartition: Int64]) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let result: KafkaError? = await withCheckedContinuation { cont in
            queue.async { [self] in
                guard !isClosed else { return cont.resume(returning: KafkaError(RD_KAFKA_RESP_ERR__DESTROY)) }
                let list = TopicPartitionList(offsets.map { ($0.key, $0.value) })
                let err = list.withPointer { rd_kafka_commit(handle, $0, 0) }
                cont.resume(returning: err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(err))
            }
        }
        if let result { throw result }
    }

    /// Stops fetching `partitions`; does nothing after `close()`.
    public func pause(_ partitions: [KafkaPartition]) {
        _ = withOpenHandle { rk in TopicPartitionList(partitions).withPointer { rd_kafka_pause_partitions(rk, $0) } }
    }

    /// Fetches `partitions` again; does nothing after `close()`.
    public func resume(_ partitions: [KafkaPartition]) {
        _ = withOpenHandle { rk in TopicPartitionList(partitions).withPointer { rd_kafka_resume_partitions(rk, $0) } }
    }

    /// Moves the fetch position of assigned partitions, and returns once librdkafka has applied it (at
    /// most `timeoutMs`). Runs on this consumer's queue, after a poll in progress.
    public func seek(_ offsets: [KafkaPartition: Int64], timeoutMs: Int32 = 5000) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let result: KafkaError? = await withCheckedContinuation { cont in
            queue.async { [self] in
                guard !isClosed else { return cont.resume(returning: KafkaError(RD_KAFKA_RESP_ERR__DESTROY)) }
                let list = TopicPartitionList(offsets.map { ($0.key, $0.value) })
                let error = list.withPointer { rd_kafka_seek_partitions(handle, $0, timeoutMs) }
                cont.resume(returning: error.map { KafkaError(consuming: $0) })
            }
        }
        if let result { throw result }
    }

    /// Leaves the group (if any) and destroys the client. Idempotent; runs after a poll in progress, on
    /// this consumer's queue, so the caller's task waits without holding a thread of the cooperative pool.
    public func close() async {
        let first = closed.withLock { c -> Bool in
            defer { c = true }
            return !c
        }
        guard first else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                destroy()
                done.resume()
            }
        }
    }

    /// Blocks the calling thread. Called from deinit, where no block on `queue` can still be running (each
    /// holds a reference), and from `close()` on the queue.
    private func destroy() {
        _ = rd_kafka_consumer_close(handle)
        if let consumerQueue { rd_kafka_queue_destroy(consumerQueue) }
        rd_kafka_destroy(handle)
    }

    /// `m` must be librdkafka's own pointer: the header and timestamp accessors reach the internal
    /// message that encloses it, so a copy of the struct would make them read garbage.
    private static func event(
        from m: UnsafeMutablePointer<rd_kafka_message_t>, topics: inout [OpaquePointer: String]
    ) -> ConsumerEvent {
        let msg = m.pointee
        // One String per topic handle, not one allocation per message (librdkafka keeps the handle while
        // the consumer lives).
        let topic: String
        if let rkt = msg.rkt {
            if let t = topics[rkt] {
                topic = t
            } else {
                topic = String(cString: rd_kafka_topic_name(rkt))
                topics[rkt] = topic
            }
        } else {
            topic = ""
        }
        switch msg.err {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            break
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            return .partitionEOF(KafkaPartition(topic, msg.partition), offset: msg.offset)
        default:
            var text: String? = nil
            if let p = msg.payload, msg.len > 0 {
                text = String(decoding: UnsafeRawBufferPointer(start: p, count: msg.len), as: UTF8.self)
            }
            return .error(KafkaError(msg.err, message: text))
        }
        let key = msg.key.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.key_len)) }
        let value = msg.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.len)) }
        var headers: [KafkaHeader] = []
        var hdrs: OpaquePointer? = nil
        if rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            var idx = 0
            var name: UnsafePointer<CChar>? = nil
            var valuePtr: UnsafeRawPointer? = nil
            var size = 0
            while rd_kafka_header_get_all(hdrs, idx, &name, &valuePtr, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(
                    KafkaHeader(
                        key: String(cString: name!),
                        value: valuePtr.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                idx += 1
            }
        }
        var tsType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(m, &tsType)
        let typeName: String
        switch tsType {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME: typeName = "CreateTime"
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: typeName = "LogAppendTime"
        default: typeName = "NoTimestampType"
        }
        return .message(
            KafkaMessage(
                topic: topic, partition: msg.partition, offset: msg.offset, key: key, value: value, headers: headers,
                timestamp: ts >= 0 ? ts : nil, timestampType: typeName))
    }
}

/// librdkafka calls this only from inside its poll calls (on the consumer's queue). It applies
/// the new assignment at once (eager or cooperative) and records the change for the Swift side.
private func rebalanceCallback(
    rk: OpaquePointer?, err: rd_kafka_resp_err_t, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    opaque: UnsafeMutableRawPointer?
) {
    guard let rk, let opaque else { return }
    guard let state = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue().rebalance else { return }
    let tps = partitions.map { TopicPartitionList.entries(of: $0).map(\.0) } ?? []
    // NULL when the consumer never joined a group (assign-only clients still get a revoke on close).
    let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
    if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
        if cooperative {
            if let e = rd_kafka_incremental_assign(rk, partitions) { rd_kafka_error_destroy(e) }
        } else {
            rd_kafka_assign(rk, partitions)
        }
        state.events.append(.assigned(tps))
    } else {
        state.beforeRevoke?(tps)
        if cooperative {
            if let e = rd_kafka_incremental_unassign(rk, partitions) { rd_kafka_error_destroy(e) }
        } else {
            rd_kafka_assign(rk, nil)
        }
        state.events.append(.revoked(tps))
    }
}

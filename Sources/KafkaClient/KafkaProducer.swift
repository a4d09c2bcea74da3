import CRdKafka
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A librdkafka producer.
///
/// `produce` never blocks: it hands the record to librdkafka and returns. Delivery reports arrive as
/// events on librdkafka's main queue, which a dedicated thread of ours polls (librdkafka enqueues, we
/// poll: no C callbacks), and are passed in batches to `onDelivery` on that thread.
///
/// Threads: `produce` may be called from any thread (librdkafka's produce API is thread-safe).
/// `rd_kafka_t` is owned by this object and destroyed in `close()` after the poll thread has stopped.
/// `flush` and `close` wait for the broker; they are async and do their waiting on a serial dispatch
/// queue of this producer, never on Swift's cooperative pool.
public final class KafkaProducer: @unchecked Sendable {
    private let handle: OpaquePointer  // rd_kafka_t, owned
    private let mainQueue: OpaquePointer  // rd_kafka_queue_t, owned (released in close)
    private let onDelivery: @Sendable ([DeliveryReport]) -> Void
    private let onError: @Sendable (KafkaError) -> Void
    private let state = Mutex(State())
    /// Set by `fence()`; read once per record, so an atomic rather than the state lock.
    private let fenced = Atomic<Bool>(false)
    /// Calls of `produce` between their fence check and librdkafka's enqueue: `fence()` waits for them
    /// before it purges, so no record slips in after the purge.
    private let producing = Atomic<Int>(0)
    private let pollerDone = DispatchSemaphore(value: 0)
    /// Where the calls that wait (flush, close) run, off Swift's cooperative pool.
    private let queue = DispatchQueue(label: "rdkafka-producer")
    /// Kept until after rd_kafka_destroy: librdkafka's callbacks reach it through the opaque.
    private let context: ClientContext

    private struct State {
        var closed = false
        /// Cleared only after the closing flush: `rd_kafka_flush` on an event-based client waits until
        /// the delivery reports have been polled, so the poll thread must keep going through it.
        var polling = true
        var fatal: KafkaError?
        /// rd_kafka_topic_t handles given out by `topic(_:)`, destroyed in `close()`.
        var topics: [String: Topic] = [:]
    }

    /// A topic handle of this producer. Producing through it spares librdkafka the lookup of the topic by
    /// name (a list scan under a lock) for every record. Valid until the producer is closed.
    public struct Topic: @unchecked Sendable {
        public let name: String
        fileprivate let rkt: OpaquePointer  // rd_kafka_topic_t, owned by the producer
    }

    /// - Parameters:
    ///   - config: librdkafka properties.
    ///   - onDelivery: called on the poll thread with each batch of delivery reports.
    ///   - onError: called on the poll thread with client-level errors (broker down, fatal errors).
    public init(
        config: KafkaConfig,
        onDelivery: @escaping @Sendable ([DeliveryReport]) -> Void = { _ in },
        onError: @escaping @Sendable (KafkaError) -> Void = { _ in }
    ) throws(KafkaError) {
        let context = ClientContext(config: config)
        let rk = try ClientContext.makeHandle(RD_KAFKA_PRODUCER, config: config, context: context, what: "producer") {
            rd_kafka_conf_set_events($0, Int32(RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR))
        }
        self.context = context
        self.handle = rk
        self.mainQueue = rd_kafka_queue_get_main(rk)
        self.onDelivery = onDelivery
        self.onError = onError
        DetachedThread.start { [self] in self.pollLoop() }
    }

    deinit {
        closeBlocking(flushTimeoutMs: 0)
    }

    /// The first fatal error the client reported, if any; a producer with a fatal error must be recreated.
    public var fatalError: KafkaError? { state.withLock { $0.fatal } }

    /// The handle for `name`, made on first use. The first call for a topic also asks the broker for the
    /// topic's metadata (a broker with auto-creation on creates it) and returns once it has answered:
    /// librdkafka on its own learns about a topic first produced after its start-up metadata only at its
    /// next periodic scan, up to a second later, while the records wait and the buffer fills.
    /// Throws when librdkafka refuses the name (longer than 512 bytes).
    public func topic(_ name: String, timeoutMs: Int32 = 5000) async throws(KafkaError) -> Topic {
        let made = state.withLock { s -> (topic: Topic, isNew: Bool)? in
            if let t = s.topics[name] { return (t, false) }
            guard let rkt = rd_kafka_topic_new(handle, name, nil) else { return nil }
            let t = Topic(name: name, rkt: rkt)
            s.topics[name] = t
            return (t, true)
        }
        guard let (topic, isNew) = made else {
            throw KafkaError(rd_kafka_last_error(), message: "Invalid topic name \(name)")
        }
        guard isNew else { return topic }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [self] in
                // Errors (no such topic) surface when producing.
                fetchTopicMetadata(handle, topic.rkt, timeoutMs: timeoutMs)
                done.resume()
            }
        }
        return topic
    }

    /// Enqueues one record. Throws `_QUEUE_FULL` (retriable) when librdkafka's buffer is full.
    public func produce(_ message: ProducerMessage, token: UInt) throws(KafkaError) {
        try withOptionalBytes(message.key) { key throws(KafkaError) in
            try withOptionalBytes(message.value) { value throws(KafkaError) in
                try produce(
                    topic: message.topic, partition: message.partition, key: key, value: value,
                    headers: message.headers, timestamp: message.timestamp, token: token)
            }
        }
    }

    /// Enqueues one record whose key and value bytes librdkafka copies before returning, so callers may
    /// reuse one buffer for every record. Throws `_QUEUE_FULL` (retriable) when librdkafka's buffer is full.
    public func produce(
        topic: String, partition: Int32?, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers kafkaHeaders: [KafkaHeader] = [], timestamp: Int64?, token: UInt
    ) throws(KafkaError) {
        // String.withCString rethrows untyped errors: carry the typed one out in a Result.
        try topic.withCString { topic in
            Result { () throws(KafkaError) in
                try produce(
                    { tributary_vu_topic($0, topic) }, partition: partition, key: key, value: value,
                    headers: kafkaHeaders, timestamp: timestamp, token: token)
            }
        }.get()
    }

    /// `produce(topic:…)` through a handle from `topic(_:)`.
    public func produce(
        topic: Topic, partition: Int32?, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers kafkaHeaders: [KafkaHeader] = [], timestamp: Int64?, token: UInt
    ) throws(KafkaError) {
        try produce(
            { tributary_vu_rkt($0, topic.rkt) }, partition: partition, key: key, value: value,
            headers: kafkaHeaders, timestamp: timestamp, token: token)
    }

    @inline(__always)
    private func produce(
        _ setTopic: (UnsafeMutablePointer<rd_kafka_vu_t>) -> Void, partition: Int32?, key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?, headers kafkaHeaders: [KafkaHeader], timestamp: Int64?, token: UInt
    ) throws(KafkaError) {
        producing.wrappingAdd(1, ordering: .sequentiallyConsistent)
        defer { producing.wrappingSubtract(1, ordering: .sequentiallyConsistent) }
        if fenced.load(ordering: .sequentiallyConsistent) { throw KafkaError(RD_KAFKA_RESP_ERR__FENCED) }
        var headers: OpaquePointer? = nil
        if !kafkaHeaders.isEmpty {
            headers = rd_kafka_headers_new(kafkaHeaders.count)
            for h in kafkaHeaders {
                if let v = h.value {
                    _ = v.withUnsafeBytes { rd_kafka_header_add(headers, h.key, -1, $0.baseAddress, $0.count) }
                } else {
                    _ = rd_kafka_header_add(headers, h.key, -1, nil, 0)
                }
            }
        }
        let err: rd_kafka_resp_err_t =
            // On the stack: this runs once per record.
            withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { vus in
                var n = 0
                setTopic(vus.baseAddress! + n)
                n += 1
                if let p = partition {
                    tributary_vu_partition(vus.baseAddress! + n, p)
                    n += 1
                }
                if let key {
                    tributary_vu_key(vus.baseAddress! + n, key.baseAddress, key.count)
                    n += 1
                }
                if let value {
                    tributary_vu_value(vus.baseAddress! + n, value.baseAddress, value.count)
                    n += 1
                }
                // Copy the payload: the caller's buffers do not outlive this call.
                tributary_vu_msgflags(vus.baseAddress! + n, RD_KAFKA_MSG_F_COPY)
                n += 1
                tributary_vu_opaque(vus.baseAddress! + n, UnsafeMutableRawPointer(bitPattern: token))
                n += 1
                if let ts = timestamp {
                    tributary_vu_timestamp(vus.baseAddress! + n, ts)
                    n += 1
                }
                if let headers {
                    tributary_vu_headers(vus.baseAddress! + n, headers)
                    n += 1
                }
                guard let error = rd_kafka_produceva(handle, vus.baseAddress, n) else {
                    return RD_KAFKA_RESP_ERR_NO_ERROR
                }
                let code = rd_kafka_error_code(error)
                rd_kafka_error_destroy(error)
                return code
            }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            // On failure librdkafka did not take the headers.
            if let headers { rd_kafka_headers_destroy(headers) }
            throw KafkaError(err)
        }
    }

    /// Waits until every enqueued record is delivered or failed. Returns false on timeout.
    ///
    /// `rd_kafka_flush` blocks its thread for up to `timeoutMs`: it runs on this producer's own queue, so
    /// the caller's task is suspended instead of holding a thread of Swift's cooperative pool.
    @discardableResult
    public func flush(timeoutMs: Int32) async -> Bool {
        await onQueue { [self] in
            state.withLock { $0.closed } ? true : rd_kafka_flush(handle, timeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR
        }
    }

    /// Makes this producer write nothing more, at once and without blocking: `produce` throws from now
    /// on, and every record still queued or in flight is purged (its delivery report carries
    /// `_PURGE_QUEUE` or `_PURGE_INFLIGHT`). A request already on the wire may still be written by the
    /// broker; nothing sent after this call is. This is how a cancelled task is stopped from writing while
    /// its thread may still be blocked elsewhere (Kafka's `AbstractWorkerSourceTask.cancel()` closes the
    /// producer for the same reason).
    public func fence() {
        fenced.store(true, ordering: .sequentiallyConsistent)
        // A produce call that passed its check before the store is at most one enqueue away.
        while producing.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
        // Under the state lock: `close()` marks the producer closed under it before destroying the handle.
        state.withLock { s in
            guard !s.closed else { return }
            _ = rd_kafka_purge(
                handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING)
        }
    }

    /// Records enqueued but not yet delivered.
    public var outstanding: Int { Int(rd_kafka_outq_len(handle)) }

    /// Flushes, stops the poll thread and destroys the client. Idempotent: a second call returns at once.
    /// The waiting (flush, the poll thread's last round) happens on this producer's own queue.
    public func close(flushTimeoutMs: Int32 = 5000) async {
        await onQueue { [self] in closeBlocking(flushTimeoutMs: flushTimeoutMs) }
    }

    /// Runs `body` on this producer's serial queue and resumes the caller with its result.
    private func onQueue<R: Sendable>(_ body: @escaping @Sendable () -> R) async -> R {
        await withCheckedContinuation { cont in queue.async { cont.resume(returning: body()) } }
    }

    /// `close` for the one caller that cannot await: deinit. Blocks the calling thread.
    private func closeBlocking(flushTimeoutMs: Int32) {
        let first = state.withLock { s -> Bool in
            defer { s.closed = true }
            return !s.closed
        }
        guard first else { return }
        if flushTimeoutMs > 0 { rd_kafka_flush(handle, flushTimeoutMs) }
        state.withLock { $0.polling = false }
        pollerDone.wait()
        for t in state.withLock({ $0.topics.values }) { rd_kafka_topic_destroy(t.rkt) }
        rd_kafka_queue_destroy(mainQueue)
        rd_kafka_destroy(handle)
    }

    private func pollLoop() {
        var reports: [DeliveryReport] = []
        while state.withLock({ $0.polling }) {
            guard let ev = rd_kafka_queue_poll(mainQueue, 100) else { continue }
            switch rd_kafka_event_type(ev) {
            case Int32(RD_KAFKA_EVENT_DR):
                reports.removeAll(keepingCapacity: true)
                while let m = rd_kafka_event_message_next(ev) {
                    let msg = m.pointee
                    reports.append(
                        DeliveryReport(
                            token: UInt(bitPattern: msg._private), partition: msg.partition, offset: msg.offset,
                            error: msg.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(msg.err)))
                }
                onDelivery(reports)
            case Int32(RD_KAFKA_EVENT_ERROR):
                var error = KafkaError(
                    rd_kafka_event_error(ev), message: context.explain(String(cString: rd_kafka_event_error_string(ev)))
                )
                if rd_kafka_event_error_is_fatal(ev) != 0 {
                    var buf = [CChar](repeating: 0, count: 512)
                    let code = rd_kafka_fatal_error(handle, &buf, buf.count)
                    error = KafkaError(code, message: context.explain(cString(buf)))
                    let e = error
                    state.withLock { if $0.fatal == nil { $0.fatal = e } }
                }
                onError(error)
            default:
                break
            }
            rd_kafka_event_destroy(ev)
        }
        pollerDone.signal()
    }
}

@inline(__always)
func withOptionalBytes<R, E: Error>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws(E) -> R) throws(E) -> R
{
    guard let bytes else { return try body(nil) }
    // Array.withUnsafeBytes rethrows untyped errors: carry the typed one out in a Result.
    return try bytes.withUnsafeBytes { b in Result { () throws(E) -> R in try body(b) } }.get()
}

func cString(_ buf: [CChar]) -> String {
    String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

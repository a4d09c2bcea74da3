import ConnectAPI
import Synchronization

/// Turns the fate of each produced source record into the `SourceTask.commitRecord` calls Kafka
/// Connect makes (`AbstractWorkerSourceTask.commitTaskRecord`): the record as polled with where Kafka
/// stored it once acknowledged; with no metadata when a transformation dropped it or its failure was
/// tolerated (`errors.tolerance=all`, in conversion, transformation or delivery); none for a record
/// whose failure fails the task. The producer's delivery thread only queues the calls: the task's loop
/// takes them between polls, so the task is never called from two threads at once.
///
/// Only used for a task that asks for it (`wantsCommitRecord`): it holds every record in flight.
final class TaskRecordCommits: Sendable {
    private struct State {
        /// Records handed to the producer, by token, with the topic they were produced to.
        var sent: [UInt: (record: SourceRecord, topic: String)] = [:]
        var ready: [(record: SourceRecord, metadata: RecordMetadata?)] = []
    }
    private let state = Mutex(State())

    /// `record` (as polled) is about to be produced to `topic` under `token`. Registered before the
    /// produce call: the delivery report may come before that call returns.
    func sending(_ record: SourceRecord, topic: String, token: UInt) {
        state.withLock { $0.sent[token] = (record, topic) }
    }

    /// `record` was not produced: a transformation dropped it, or its failure was tolerated. Forgets
    /// what `sending` registered under `token`, if anything.
    func dropped(_ record: SourceRecord, token: UInt) {
        state.withLock { s in
            s.sent[token] = nil
            s.ready.append((record, nil))
        }
    }

    /// Delivery reports (the producer's thread). A failed delivery becomes a call without metadata
    /// when failures are tolerated; otherwise the record is forgotten (the task fails).
    func delivered<S: Sequence>(_ reports: S, toleratesErrors: Bool)
    where S.Element == (token: UInt, partition: Int32, offset: Int64, failed: Bool) {
        state.withLock { s in
            for r in reports {
                guard let sent = s.sent.removeValue(forKey: r.token) else { continue }
                if !r.failed {
                    s.ready.append(
                        (sent.record, RecordMetadata(topic: sent.topic, partition: r.partition, offset: r.offset)))
                } else if toleratesErrors {
                    s.ready.append((sent.record, nil))
                }
            }
        }
    }

    /// The calls due, in the order the outcomes came.
    func take() -> [(record: SourceRecord, metadata: RecordMetadata?)] {
        state.withLock { s in
            let out = s.ready
            s.ready = []
            return out
        }
    }

    /// Records handed to the producer and not yet reported (for tests).
    var inFlightCount: Int { state.withLock { $0.sent.count } }
}

import ConnectAPI
import DequeModule
import Synchronization

/// Tracks produced source records until Kafka acknowledges them, and yields the offsets that are safe
/// to commit: per source partition, the offset of the latest record such that it and every record
/// submitted before it were acknowledged (so a crash replays from there: at-least-once, no gaps).
///
/// Partitions and offsets are kept as given; only the committed ones are ever serialized, at commit
/// time, so the per-record cost is an append.
final class SourceOffsetTracker<Partition: Equatable & Sendable, Offset: Sendable>: Sendable {
    private struct Pending {
        var partition: Partition
        var offset: Offset
        var acked: Bool
    }
    private struct State {
        var base: UInt = 1  // token of pending.first
        var pending = Deque<Pending>()
        var failure: (any Error & Sendable)?
    }
    private let state = Mutex(State())

    init() {}

    /// Registers a record about to be produced; returns its token for the delivery report.
    func submit(offsetKey: Partition, offsetValue: Offset) -> UInt {
        state.withLock { s in
            s.pending.append(Pending(partition: offsetKey, offset: offsetValue, acked: false))
            return s.base + UInt(s.pending.count - 1)
        }
    }

    func ack(token: UInt, error: (any Error & Sendable)?) {
        state.withLock { s in
            if let error {
                if s.failure == nil { s.failure = error }
                return
            }
            guard token >= s.base else { return }
            let i = Int(token - s.base)
            if i < s.pending.count { s.pending[i].acked = true }
        }
    }

    var failure: (any Error & Sendable)? { state.withLock { $0.failure } }

    /// Removes the acknowledged prefix and returns the last offset per partition within it, in the order
    /// partitions first appeared.
    func drainCommittable() -> [(key: Partition, value: Offset)] {
        state.withLock { s in
            var out: [(key: Partition, value: Offset)] = []
            while let p = s.pending.first, p.acked {
                // Consecutive records nearly always share a partition: check the last one first.
                if let last = out.indices.last, out[last].key == p.partition {
                    out[last].value = p.offset
                } else if let i = out.firstIndex(where: { $0.key == p.partition }) {
                    out[i].value = p.offset
                } else {
                    out.append((p.partition, p.offset))
                }
                s.pending.removeFirst()
                s.base += 1
            }
            return out
        }
    }
}

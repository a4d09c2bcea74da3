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
    fileprivate struct Pending {
        var partition: Partition
        var offset: Offset
        var acked: Bool
    }
    fileprivate struct State {
        var base: UInt = 1  // token of pending.first
        var pending = Deque<Pending>()
        var failure: (any Error & Sendable)?
    }
    private let state = Mutex(State())

    init() {}

    /// Registers a record about to be produced; returns its token for the delivery report.
    func submit(offsetKey: Partition, offsetValue: Offset) -> UInt {
        submit(count: 1) { _ in (offsetKey, offsetValue) }
    }

    /// Registers `count` records about to be produced, in order, under one lock; returns the first
    /// one's token (the others follow it: first + 1, first + 2, …). `entry(i)` gives record i's
    /// partition and offset.
    func submit(count: Int, _ entry: (Int) -> (Partition, Offset)) -> UInt {
        state.withLock { s in
            let first = s.base + UInt(s.pending.count)
            s.pending.reserveCapacity(s.pending.count + count)
            for i in 0..<count {
                let (partition, offset) = entry(i)
                s.pending.append(Pending(partition: partition, offset: offset, acked: false))
            }
            return first
        }
    }

    func ack(token: UInt, error: (any Error & Sendable)?) {
        state.withLock { s in s.ack(token, error) }
    }

    /// A batch of delivery reports under one lock.
    func ack<S: Sequence>(_ reports: S) where S.Element == (token: UInt, error: (any Error & Sendable)?) {
        state.withLock { s in
            for r in reports { s.ack(r.token, r.error) }
        }
    }

    var failure: (any Error & Sendable)? { state.withLock { $0.failure } }

    /// Removes the acknowledged prefix and returns the last offset per partition within it, in the order
    /// partitions first appeared.
    func drainCommittable() -> [(key: Partition, value: Offset)] {
        state.withLock { s in
            var acked = 0
            while acked < s.pending.count && s.pending[acked].acked { acked += 1 }
            // Indices first, values at the end: nothing is copied for the records in between.
            var last: [(key: Partition, index: Int)] = []
            for i in 0..<acked {
                // Consecutive records nearly always share a partition: check the latest one first.
                if let j = last.indices.last, last[j].key == s.pending[i].partition {
                    last[j].index = i
                } else if let j = last.firstIndex(where: { $0.key == s.pending[i].partition }) {
                    last[j].index = i
                } else {
                    last.append((s.pending[i].partition, i))
                }
            }
            let out = last.map { (key: $0.key, value: s.pending[$0.index].offset) }
            s.pending.removeFirst(acked)
            s.base += UInt(acked)
            return out
        }
    }
}

extension SourceOffsetTracker.State {
    fileprivate mutating func ack(_ token: UInt, _ error: (any Error & Sendable)?) {
        if let error {
            if failure == nil { failure = error }
            return
        }
        guard token >= base else { return }
        let i = Int(token - base)
        if i < pending.count { pending[i].acked = true }
    }
}

import ConnectAPI
import DequeModule
import Synchronization

/// Tracks produced source records until Kafka acknowledges them, and yields the offsets that are safe
/// to commit: per source partition, the offset of the latest record such that it and every record
/// submitted before it were acknowledged (so a crash replays from there: at-least-once, no gaps).
///
/// Partitions and offsets are kept as given; only the committed ones are ever serialized, at commit
/// time, so the per-record cost is an append. Each submit first folds the acknowledged prefix into one
/// offset per partition: records wait for the next commit (every `offset.flush.interval.ms`, a minute
/// by default) as that one offset, not one entry each, so memory follows the records in flight, not
/// the rate times the interval (1M rows with a 10-s interval held 100 MB more before).
final class SourceOffsetTracker<Partition: Equatable & Sendable, Offset: Sendable>: Sendable {
    fileprivate struct Pending {
        /// Index into `State.partitions`: records share a handful of partitions, so each pending entry
        /// holds a plain number instead of a reference to count up and down.
        var partition: Int
        var offset: Offset
        var acked: Bool
    }
    fileprivate struct State {
        var base: UInt = 1  // token of pending.first
        var pending = Deque<Pending>()
        /// Every partition seen, in order of first appearance.
        var partitions: [Partition] = []
        var lastPartition = -1
        var failure: (any Error & Sendable)?
        /// The acknowledged prefix already taken off `pending`: per partition (index) its last offset,
        /// partitions in order of first appearance since the last drain.
        var done: [(partition: Int, offset: Offset)] = []

        mutating func index(of partition: Partition) -> Int {
            if lastPartition >= 0 && partitions[lastPartition] == partition { return lastPartition }
            if let i = partitions.firstIndex(of: partition) {
                lastPartition = i
            } else {
                partitions.append(partition)
                lastPartition = partitions.count - 1
            }
            return lastPartition
        }

        /// Moves the acknowledged prefix of `pending` into `done`.
        mutating func foldAcknowledged() {
            var acked = 0
            while acked < pending.count && pending[acked].acked { acked += 1 }
            guard acked > 0 else { return }
            // Indices first, offsets at the end: nothing is copied for the records in between.
            var last = [Int](repeating: -1, count: partitions.count)
            var slot = [Int](repeating: -1, count: partitions.count)  // position in `done`
            for (j, d) in done.enumerated() { slot[d.partition] = j }
            for i in 0..<acked {
                let p = pending[i].partition
                if slot[p] < 0 {
                    slot[p] = done.count
                    done.append((p, pending[i].offset))
                }
                last[p] = i
            }
            for p in last.indices where last[p] >= 0 { done[slot[p]].offset = pending[last[p]].offset }
            pending.removeFirst(acked)
            base += UInt(acked)
        }
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
            s.foldAcknowledged()
            let first = s.base + UInt(s.pending.count)
            s.pending.reserveCapacity(s.pending.count + count)
            for i in 0..<count {
                let (partition, offset) = entry(i)
                s.pending.append(Pending(partition: s.index(of: partition), offset: offset, acked: false))
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

    /// Records submitted and not yet folded into the committable offsets (for tests).
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Removes the acknowledged prefix and returns the last offset per partition within it (and within
    /// the prefixes folded since the last call), in the order partitions first appeared.
    func drainCommittable() -> [(key: Partition, value: Offset)] {
        state.withLock { s in
            s.foldAcknowledged()
            let out = s.done.map { (key: s.partitions[$0.partition], value: $0.offset) }
            s.done.removeAll()
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

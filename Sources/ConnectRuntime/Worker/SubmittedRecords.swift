import ConnectAPI
import DequeModule
import Synchronization

/// Tracks produced source records until Kafka acknowledges them, and yields the offsets that are safe
/// to commit (Kafka Connect's `SubmittedRecords`): per source partition, the offset of the latest record
/// such that it and every record of that partition submitted before it were acknowledged (so a crash
/// replays from there: at-least-once, no gaps). Each source partition has its own queue: a record
/// waiting for its acknowledgement holds back only the offsets of its own partition.
///
/// Partitions and offsets are kept as given; only the committed ones are ever serialized, at commit
/// time, so the per-record cost is an append. An acknowledgement that settles the head of a
/// partition's queue folds the acknowledged prefix into that partition's one committable offset (once
/// per partition per batch of delivery reports): records wait for the next commit (every
/// `offset.flush.interval.ms`, a minute by default) as that one offset, not one entry each, so memory
/// follows the records in flight, not the rate times the interval.
///
/// A token is the record's partition slot (plus one, so no token is 0, the null pointer librdkafka
/// hands back as the opaque) in the high 32 bits and its sequence number within that slot in the low
/// 32: `ack` finds the queue and the position in it with a shift and a subtraction, no lookup per
/// record (a token-to-record map would cost a hash and an entry per record in flight). Sequence numbers
/// wrap: the position is `sequence - head's sequence` modulo 2^32, right as long as a partition has
/// fewer than 2^31 records in flight (the producer's queue holds far fewer). A token whose record is
/// gone (acknowledged twice) lands past the end of its queue and is ignored. A slot freed at a commit
/// (its queue empty) keeps counting its sequence numbers, so stale tokens stay past the end of the queue
/// of the partition that reuses it.
final class SubmittedRecords<Partition: Hashable & Sendable, Offset: Sendable>: Sendable {
    fileprivate enum Status: UInt8 {
        case inFlight
        case acknowledged
        /// Taken back (`drop`): it never counts as committable, and a later acknowledgement is ignored.
        case dropped
    }
    fileprivate struct Pending {
        var offset: Offset
        var status: Status
    }
    fileprivate struct Slot {
        var partition: Partition?
        /// Records of the partition not yet folded; the head is always in flight.
        var queue = Deque<Pending>()
        /// Sequence number of `queue.first`.
        var head: UInt32 = 0
        /// The offset of the last acknowledged record folded since the last commit.
        var committable: Offset?
    }
    fileprivate struct State {
        var slots: [Slot] = []
        var slotOf: [Partition: Int] = [:]
        var free: [Int] = []
        var lastSlot = -1
        /// `slots[lastSlot].partition`, kept beside it: compared for every record, the slot's copy was
        /// read out of the array with the rest of its slot, four reference counts each way per record.
        var lastPartition: Partition?
        /// Records folded into the committable offsets since the last commit.
        var committableCount = 0
        var failure: (any Error & Sendable)?
        /// Slots whose queue head a batch of acknowledgements settled, folded once at the batch's end
        /// (the storage reused): one offset copied per partition per batch, not one per record.
        var headsSettled: [Int] = []

        mutating func slot(for partition: Partition) -> Int {
            if lastSlot >= 0, case .some(let last) = lastPartition, last == partition { return lastSlot }
            if let i = slotOf[partition] {
                lastSlot = i
                lastPartition = partition
                return i
            }
            let i: Int
            if let f = free.popLast() {
                i = f
                slots[i].partition = partition
            } else {
                precondition(slots.count < Int(UInt32.max), "too many source partitions in flight")
                i = slots.count
                slots.append(Slot(partition: partition))
            }
            slotOf[partition] = i
            lastSlot = i
            lastPartition = partition
            return i
        }

        // `consuming`: the offset moves into the queue (it was copied there, a retain and a release more).
        mutating func append(_ partition: Partition, _ offset: consuming Offset) -> UInt {
            let i = slot(for: partition)
            let sequence = slots[i].head &+ UInt32(truncatingIfNeeded: slots[i].queue.count)
            precondition(slots[i].queue.count < 1 << 31, "too many records of one source partition in flight")
            slots[i].queue.append(Pending(offset: offset, status: .inFlight))
            return UInt(i + 1) << 32 | UInt(sequence)
        }

        /// Marks the record of `token` (if still queued and in flight). Returns its slot when it was the
        /// head of its queue (the prefix to fold), -1 otherwise; `ignored` when there was nothing to mark.
        mutating func mark(_ token: UInt, as status: Status) -> (slot: Int, ignored: Bool) {
            let i = Int(token >> 32) - 1
            guard i >= 0 && i < slots.count else { return (-1, true) }
            let position = Int(UInt32(truncatingIfNeeded: token) &- slots[i].head)
            guard position < slots[i].queue.count, slots[i].queue[position].status == .inFlight else {
                return (-1, true)
            }
            slots[i].queue[position].status = status
            return (position == 0 ? i : -1, false)
        }

        /// Marks the record of `token` and folds its queue's settled prefix; false if there was nothing
        /// to mark.
        mutating func settle(_ token: UInt, as status: Status) -> Bool {
            let (i, ignored) = mark(token, as: status)
            if i >= 0 { fold(i) }
            return !ignored
        }

        /// Moves the settled prefix of slot `i`'s queue into its committable offset. Positions first, the
        /// offset at the end: nothing is copied for the records in between.
        mutating func fold(_ i: Int) {
            var settled = 0
            var lastAcknowledged = -1
            // Read in place through `slots[i]`: a local copy of the queue would make the removal below
            // copy its storage.
            while settled < slots[i].queue.count && slots[i].queue[settled].status != .inFlight {
                if slots[i].queue[settled].status == .acknowledged {
                    lastAcknowledged = settled
                    committableCount += 1
                }
                settled += 1
            }
            if lastAcknowledged >= 0 {
                slots[i].committable = slots[i].queue[lastAcknowledged].offset
            }
            slots[i].queue.removeFirst(settled)
            slots[i].head &+= UInt32(truncatingIfNeeded: settled)
        }
    }
    private let state = Mutex(State())

    init() {}

    /// Registers a record about to be produced; returns its token for the delivery report.
    func submit(partition: Partition, offset: Offset) -> UInt {
        state.withLock { $0.append(partition, offset) }
    }

    /// Registers `count` records about to be produced, in order, under one lock; `tokens` (cleared
    /// first, its storage reused across polls) receives record i's token at i. `entry(i)` gives record
    /// i's partition and offset.
    func submit(count: Int, tokens: inout [UInt], _ entry: (Int) -> (Partition, Offset)) {
        tokens.removeAll(keepingCapacity: true)
        tokens.reserveCapacity(count)
        state.withLock { s in
            for i in 0..<count {
                let (partition, offset) = entry(i)
                tokens.append(s.append(partition, offset))
            }
        }
    }

    /// Kafka acknowledged the record of `token` (error nil), or refused it: the first refusal is kept as
    /// `failure` and the record stays in flight, so nothing of its partition after it is committed.
    func ack(token: UInt, error: (any Error & Sendable)?) {
        state.withLock { s in s.ack(token, error) }
    }

    /// A batch of delivery reports under one lock.
    func ack<S: Sequence>(_ reports: S) where S.Element == (token: UInt, error: (any Error & Sendable)?) {
        state.withLock { s in
            for r in reports {
                if let error = r.error {
                    if s.failure == nil { s.failure = error }
                    continue
                }
                let i = s.mark(r.token, as: .acknowledged).slot
                if i >= 0 { s.headsSettled.append(i) }
            }
            for i in s.headsSettled { s.fold(i) }
            s.headsSettled.removeAll(keepingCapacity: true)
        }
    }

    /// Takes back a record that was not sent after all: its offset never becomes committable, and it no
    /// longer holds back the records of its partition after it. False if it was already acknowledged or
    /// dropped.
    @discardableResult
    func drop(token: UInt) -> Bool {
        state.withLock { $0.settle(token, as: .dropped) }
    }

    var failure: (any Error & Sendable)? { state.withLock { $0.failure } }

    /// Records submitted and not yet folded into the committable offsets (Kafka's uncommittable
    /// messages).
    var pendingCount: Int { state.withLock { s in s.slots.reduce(0) { $0 + $1.queue.count } } }

    /// Source partitions tracked: with records in flight, or an offset waiting for the commit.
    var partitionCount: Int { state.withLock { $0.slotOf.count } }

    /// What one commit takes (Kafka's `CommittableOffsets`).
    struct Committable: Sendable {
        /// Per source partition, the offset of its last record in its acknowledged prefix.
        var offsets: [(key: Partition, value: Offset)]
        /// Records acknowledged since the last commit, counted in `offsets`.
        var committableCount: Int
        /// Records still waiting for an acknowledgement (or behind one that is).
        var pendingCount: Int
        /// The longest queue of one source partition, and its partition (nil when nothing is pending).
        var largestQueue: (partition: Partition, count: Int)?
    }

    /// Takes the committable offsets (the acknowledged prefix of every source partition's queue since
    /// the last call), and stops tracking the partitions with nothing left in flight.
    func committableOffsets() -> Committable {
        state.withLock { s in
            var out = Committable(offsets: [], committableCount: s.committableCount, pendingCount: 0)
            s.committableCount = 0
            for i in s.slots.indices {
                guard let partition = s.slots[i].partition else { continue }
                if let offset = s.slots[i].committable {
                    out.offsets.append((key: partition, value: offset))
                    s.slots[i].committable = nil
                }
                let count = s.slots[i].queue.count
                out.pendingCount += count
                if count > (out.largestQueue?.count ?? 0) { out.largestQueue = (partition, count) }
                if count == 0 {
                    s.slots[i].partition = nil
                    s.slotOf[partition] = nil
                    s.free.append(i)
                    if s.lastSlot == i {
                        s.lastSlot = -1
                        s.lastPartition = nil
                    }
                }
            }
            return out
        }
    }

    /// The committable offsets alone (see `committableOffsets`).
    func drainCommittable() -> [(key: Partition, value: Offset)] { committableOffsets().offsets }
}

extension SubmittedRecords.State {
    fileprivate mutating func ack(_ token: UInt, _ error: (any Error & Sendable)?) {
        if let error {
            if failure == nil { failure = error }
            return
        }
        _ = settle(token, as: .acknowledged)
    }
}

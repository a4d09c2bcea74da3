import ConnectAPI
import Synchronization

/// Tracks produced source records until Kafka acknowledges them, and yields the offsets that are safe
/// to commit: per source partition, the offset of the latest record such that it and every record
/// submitted before it were acknowledged (so a crash replays from there: at-least-once, no gaps).
final class SourceOffsetTracker: Sendable {
    private struct Pending {
        var key: [UInt8]
        var offset: [UInt8]
        var acked: Bool
    }
    private struct State {
        var base: UInt = 1  // sequence number of pending[head]
        var pending: [Pending] = []
        var head = 0
        var failure: (any Error & Sendable)?
    }
    private let state = Mutex(State())

    /// Registers a record about to be produced; returns its token for the delivery report.
    func submit(offsetKey: [UInt8], offsetValue: [UInt8]) -> UInt {
        state.withLock { s in
            s.pending.append(Pending(key: offsetKey, offset: offsetValue, acked: false))
            return s.base + UInt(s.pending.count - s.head - 1)
        }
    }

    func ack(token: UInt, error: (any Error & Sendable)?) {
        state.withLock { s in
            if let error {
                if s.failure == nil { s.failure = error }
                return
            }
            let i = s.head + Int(token - s.base)
            if i >= s.head && i < s.pending.count { s.pending[i].acked = true }
        }
    }

    var failure: (any Error & Sendable)? { state.withLock { $0.failure } }
    var outstanding: Int { state.withLock { s in s.pending[s.head...].filter { !$0.acked }.count } }

    /// Removes the acknowledged prefix and returns the last offset per partition key within it.
    func drainCommittable() -> [(key: [UInt8], value: [UInt8])] {
        state.withLock { s in
            var latest: [[UInt8]: [UInt8]] = [:]
            var order: [[UInt8]] = []
            while s.head < s.pending.count, s.pending[s.head].acked {
                let p = s.pending[s.head]
                if latest.updateValue(p.offset, forKey: p.key) == nil { order.append(p.key) }
                s.head += 1
                s.base += 1
            }
            // Compact now and then so the array does not grow without bound.
            if s.head > 4096 && s.head * 2 > s.pending.count {
                s.pending.removeFirst(s.head)
                s.head = 0
            }
            return order.map { ($0, latest[$0]!) }
        }
    }
}

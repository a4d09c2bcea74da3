import Dispatch
import Synchronization
import Zlib

/// Gzip compression of one file on its own serial queue, so compressing (about half of the sink's CPU
/// at level 6) runs on another core while the task thread converts the next records.
///
/// Threads: `gzip` and `compressed` are touched only on `queue`; `submit` never waits; `take` and
/// `finish` wait for the queue to drain. At most `maxInFlight` chunks wait in the queue: `submit`
/// drains first when more do, so memory stays bounded when compression is the slower side.
final class BackgroundGzip: @unchecked Sendable {
    private let queue = DispatchQueue(label: "s3-gzip")
    private let gzip: GzipWriter
    private var compressed: [UInt8] = []
    private let inFlight = Atomic<Int>(0)
    /// Compressed bytes produced and not yet taken (read from the task thread without waiting).
    private let available = Atomic<Int>(0)
    private let maxInFlight = 8

    init(level: Int) { gzip = GzipWriter(level: level) }

    /// Compressed bytes ready to be taken; an estimate while chunks are in flight.
    var readyBytes: Int { available.load(ordering: .relaxed) }

    func submit(_ chunk: [UInt8]) async {
        if inFlight.load(ordering: .relaxed) >= maxInFlight { await drain() }
        inFlight.add(1, ordering: .relaxed)
        queue.async { [self] in
            gzip.write(chunk)
            if !gzip.output.isEmpty {
                compressed.append(contentsOf: gzip.output)
                gzip.output.removeAll(keepingCapacity: true)
            }
            available.store(compressed.count, ordering: .relaxed)
            inFlight.subtract(1, ordering: .relaxed)
        }
    }

    /// Waits for every submitted chunk, then hands over the compressed bytes so far.
    func take() async -> [UInt8] {
        await withCheckedContinuation { cont in
            queue.async { [self] in
                let out = compressed
                compressed = []
                available.store(0, ordering: .relaxed)
                cont.resume(returning: out)
            }
        }
    }

    /// Ends the gzip member and hands over the rest.
    func finish() async -> [UInt8] {
        await withCheckedContinuation { cont in
            queue.async { [self] in
                gzip.finish()
                compressed.append(contentsOf: gzip.output)
                gzip.output.removeAll()
                let out = compressed
                compressed = []
                available.store(0, ordering: .relaxed)
                cont.resume(returning: out)
            }
        }
    }

    private func drain() async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in queue.async { cont.resume() } }
    }
}

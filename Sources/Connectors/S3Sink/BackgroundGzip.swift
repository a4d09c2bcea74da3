import Codecs
import Dispatch
import Synchronization

/// Gzip compression of one file on its own serial queue, so compressing runs on another core while the
/// task thread converts the next records. Each submitted chunk becomes one gzip member (libdeflate
/// compresses whole buffers): the object is a multi-member gzip file (RFC 1952, section 2.2), which
/// decompresses to the concatenated chunks in gzip, Java's GZIPInputStream, Python's gzip and Hadoop.
///
/// Threads: `deflater`, `compressed` and `members` are touched only on `queue`; `submit` never waits;
/// `take` and `finish` wait for the queue to drain. At most `maxInFlight` chunks wait in the queue:
/// `submit` drains first when more do, so memory stays bounded when compression is the slower side.
final class BackgroundGzip: @unchecked Sendable {
    private let queue = DispatchQueue(label: "s3-gzip")
    private let deflater: DeflateCompressor
    private var compressed: [UInt8] = []
    private var members = 0
    private let inFlight = Atomic<Int>(0)
    /// Compressed bytes produced and not yet taken (read from the task thread without waiting).
    private let available = Atomic<Int>(0)
    private let maxInFlight = 8

    /// `level` as `s3.compression.level` (-1: 6).
    init(level: Int) throws(CodecUnavailable) { deflater = try DeflateCompressor(level: level) }

    /// Compressed bytes ready to be taken; an estimate while chunks are in flight.
    var readyBytes: Int { available.load(ordering: .relaxed) }

    func submit(_ chunk: [UInt8]) async {
        if inFlight.load(ordering: .relaxed) >= maxInFlight { await drain() }
        inFlight.add(1, ordering: .relaxed)
        queue.async { [self] in
            chunk.withUnsafeBytes { deflater.gzip($0, appendingTo: &compressed) }
            members += 1
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

    /// Hands over the rest. A file with no bytes at all still gets one (empty) member, so that it is a
    /// valid gzip file.
    func finish() async -> [UInt8] {
        await withCheckedContinuation { cont in
            queue.async { [self] in
                if members == 0 {
                    deflater.gzip(UnsafeRawBufferPointer(start: nil, count: 0), appendingTo: &compressed)
                    members = 1
                }
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

/// Deterministic mutations of valid inputs (bit flips, byte changes, insertions, deletions,
/// truncations, splices of a second input, repeated runs), for the suites that check parsers of
/// untrusted bytes throw instead of trapping. A fixed seed keeps every run the same; a failure names
/// the input it came from.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        // SplitMix64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// Bytes that parsers treat specially, to reach their edge cases sooner than random bytes do.
    private static let interesting: [UInt8] = [
        0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x22, 0x5C, 0x2D, 0x2E, 0x30, 0x39, 0x65, 0x7B, 0x7D, 0x5B, 0x5D,
        0x3A, 0x2C, 0x75, 0xC3, 0xE2, 0xF0,
    ]

    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + below(4)) {
            let at = below(b.count + 1)
            switch below(8) {
            case 0 where !b.isEmpty: b[min(at, b.count - 1)] ^= UInt8(1 << below(8))
            case 1 where !b.isEmpty: b[min(at, b.count - 1)] = Self.interesting[below(Self.interesting.count)]
            case 2: b.insert(Self.interesting[below(Self.interesting.count)], at: at)
            case 3 where !b.isEmpty: b.remove(at: min(at, b.count - 1))
            case 4: b = Array(b.prefix(at))
            case 5:
                let from = below(other.count + 1)
                b = Array(b.prefix(at)) + other[from...]
            case 6 where at < b.count:
                let run = b[at..<min(b.count, at + 1 + below(8))]
                b.insert(contentsOf: Array(repeating: run, count: 1 + below(16)).joined(), at: at)
            default: b.insert(UInt8(truncatingIfNeeded: next()), at: at)
            }
        }
        return b
    }
}

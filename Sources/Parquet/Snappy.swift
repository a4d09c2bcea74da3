/// Snappy's block format (the `snappy` codec of Parquet pages): the uncompressed length as a varint,
/// then literals and back-references, found with a hash of the next four bytes in 64 KiB blocks.
public enum Snappy {
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 2 + 16)
        out.appendVarint(UInt64(input.count))
        var table = [Int](repeating: -1, count: 1 << 14)
        input.withUnsafeBufferPointer { src in
            var start = 0
            while start < src.count {
                let end = min(src.count, start + 65_536)
                compressBlock(src, start, end, &table, &out)
                start = end
            }
        }
        return out
    }

    private static func load32(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24
    }

    private static func compressBlock(
        _ src: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ table: inout [Int], _ out: inout [UInt8]
    ) {
        var i = start
        var literalStart = start
        while i + 4 <= end {
            let v = load32(src, i)
            let h = Int((v &* 0x1E35_A7BD) >> 18)
            let candidate = table[h]
            table[h] = i
            if candidate >= start && load32(src, candidate) == v {
                literal(src, literalStart, i, &out)
                var length = 4
                while i + length < end && src[candidate + length] == src[i + length] { length += 1 }
                copy(offset: i - candidate, length: length, &out)
                i += length
                literalStart = i
            } else {
                i += 1
            }
        }
        literal(src, literalStart, end, &out)
    }

    private static func literal(_ src: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ out: inout [UInt8]) {
        guard to > from else { return }
        let n = to - from - 1
        if n < 60 {
            out.append(UInt8(n) << 2)
        } else if n < 256 {
            out.append(60 << 2)
            out.append(UInt8(n))
        } else {
            out.append(61 << 2)  // lengths up to 65 536: a block is no longer
            out.append(UInt8(n & 0xFF))
            out.append(UInt8(n >> 8))
        }
        out.append(contentsOf: src[from..<to])
    }

    private static func copy(offset: Int, length: Int, _ out: inout [UInt8]) {
        var length = length
        func copy2(_ len: Int) {
            out.append(UInt8(len - 1) << 2 | 2)
            out.append(UInt8(offset & 0xFF))
            out.append(UInt8(offset >> 8))
        }
        while length >= 68 {
            copy2(64)
            length -= 64
        }
        if length > 64 {
            copy2(60)
            length -= 60
        }
        if length < 12 && offset < 2048 {
            out.append(UInt8(offset >> 8) << 5 | UInt8(length - 4) << 2 | 1)
            out.append(UInt8(offset & 0xFF))
        } else {
            copy2(length)
        }
    }
}

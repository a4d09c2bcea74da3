/// Avro's binary encoding (reference rest-proxy.md §4.2), appended to a byte buffer.
public struct AvroEncoder {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func writeNull() {}
    public mutating func writeBoolean(_ b: Bool) { bytes.append(b ? 1 : 0) }
    public mutating func writeInt(_ v: Int32) { writeLong(Int64(v)) }

    /// Zigzag, then base-128 varint, least significant group first.
    public mutating func writeLong(_ v: Int64) {
        var z = UInt64(bitPattern: (v << 1) ^ (v >> 63))
        while z >= 0x80 {
            bytes.append(UInt8(z & 0x7F) | 0x80)
            z >>= 7
        }
        bytes.append(UInt8(z))
    }

    public mutating func writeFloat(_ f: Float) {
        let bits = f.bitPattern
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt32(i)))) }
    }

    public mutating func writeDouble(_ d: Double) {
        let bits = d.bitPattern
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
    }

    public mutating func writeBytes(_ b: some Collection<UInt8>) {
        writeLong(Int64(b.count))
        bytes.append(contentsOf: b)
    }

    public mutating func writeString(_ s: String) {
        var s = s
        s.withUTF8 { writeBytes($0) }
    }
}

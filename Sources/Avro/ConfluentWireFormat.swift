/// Confluent's framing of Kafka keys and values written with a registered schema (reference
/// rest-proxy.md §4.1): the magic byte `0x00`, the schema id as a big-endian int32, then the payload
/// (Avro binary, or JSON text for JSON Schema).
public enum ConfluentWireFormat {
    /// The five header bytes for `id`.
    public static func header(id: Int) -> [UInt8] {
        let u = UInt32(bitPattern: Int32(truncatingIfNeeded: id))
        return [0, UInt8(u >> 24), UInt8(u >> 16 & 0xFF), UInt8(u >> 8 & 0xFF), UInt8(u & 0xFF)]
    }

    /// The schema id and payload of framed bytes; nil when the bytes are not framed so.
    public static func split(_ bytes: [UInt8]) -> (id: Int, payload: [UInt8])? {
        guard bytes.count >= 5, bytes[0] == 0 else { return nil }
        let u = UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4])
        return (Int(Int32(bitPattern: u)), Array(bytes[5...]))
    }
}

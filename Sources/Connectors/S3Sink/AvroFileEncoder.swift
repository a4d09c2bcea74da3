import Avro
import ConnectAPI
import ConnectAvro

/// The Avro side of one S3 object in AvroFormat: the container file's header when the file opens, its
/// records gathered into blocks, the last block at commit. Every record of a file has the schema of its
/// first; a record with another schema makes the writer commit its files first (storage-cloud does the
/// same with `schema.compatibility=NONE`). A class: the writer reaches it through a dictionary for every
/// record, and a struct's fields were copied (retained) at each such access.
final class AvroFileEncoder {
    let connectSchema: Schema
    private var container: AvroContainerWriter
    /// The schema read once when its fields are all primitives (the usual record).
    private let flat: AvroData.FlatStruct?

    /// `key` seeds the file's sync marker, so a file written again after a crash has the same bytes.
    init(schema: Schema, avro: AvroSchema, codec: AvroContainerWriter.Codec, key: String) {
        connectSchema = schema
        flat = AvroData.FlatStruct(schema)
        container = AvroContainerWriter(schema: avro, codec: codec, sync: Self.syncMarker(key))
    }

    func header() -> [UInt8] { container.header() }

    /// Encodes one value; returns a finished block to append to the object, if one filled up.
    func append(_ value: Value, data: AvroData) throws -> [UInt8]? {
        if let flat {
            return try container.append { e in try data.encode(value, flat: flat, into: &e) }
        }
        return try container.append { e in try data.encode(value, schema: connectSchema, into: &e) }
    }

    func finish() throws -> [UInt8] { try container.finish() }

    /// Two 64-bit FNV-1a hashes of the object key.
    static func syncMarker(_ key: String) -> [UInt8] {
        var out: [UInt8] = []
        for seed: UInt64 in [0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4] {
            var h = seed
            for b in key.utf8 {
                h ^= UInt64(b)
                h = h &* 0x100_0000_01b3
            }
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: h >> (8 * UInt64(i)))) }
        }
        return out
    }
}

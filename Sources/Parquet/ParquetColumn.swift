import Codecs

/// One primitive column of a Parquet schema: required or optional, with its annotation.
public struct ParquetColumn: Sendable, Equatable {
    /// Parquet's physical types (the ones written here).
    public enum PhysicalType: Int32, Sendable {
        case boolean = 0
        case int32 = 1
        case int64 = 2
        case float = 4
        case double = 5
        case byteArray = 6
    }
    /// Parquet's converted types (the annotations parquet-avro writes for Avro's logical types).
    public enum Annotation: Sendable, Equatable {
        case utf8
        case decimal(precision: Int32, scale: Int32)
        case date, timeMillis, timestampMillis

        var convertedType: Int32 {
            switch self {
            case .utf8: return 0
            case .decimal: return 5
            case .date: return 6
            case .timeMillis: return 7
            case .timestampMillis: return 9
            }
        }
    }

    public let name: String
    public let type: PhysicalType
    public let optional: Bool
    public let annotation: Annotation?

    public init(name: String, type: PhysicalType, optional: Bool, annotation: Annotation? = nil) {
        self.name = name
        self.type = type
        self.optional = optional
        self.annotation = annotation
    }
}

/// A value of one column; `.null` only in optional columns.
public enum ParquetValue: Sendable {
    case null
    case boolean(Bool)
    case int32(Int32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    case string(String)
    case bytes([UInt8])
}

/// A page codec; the raw value is its number in Parquet's `CompressionCodec` (parquet.thrift).
public enum ParquetCodec: Int32, Sendable, CaseIterable {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2
    /// `LZ4`: LZ4 blocks in Hadoop's framing, which is what parquet-mr writes for it (through Hadoop's
    /// `Lz4Codec`); Arrow and parquet-mr read it.
    case lz4 = 5
    /// One Zstandard frame per page, level 3 (parquet-mr's default).
    case zstd = 6
    /// `LZ4_RAW`: one bare LZ4 block per page (parquet-format 2.9).
    case lz4Raw = 7

    /// Parquet's file-name extension of the codec (`CompressionCodecName.getExtension`).
    public var fileExtension: String {
        switch self {
        case .uncompressed: return ""
        case .snappy: return ".snappy"
        case .gzip: return ".gz"
        case .lz4: return ".lz4"
        case .zstd: return ".zstd"
        case .lz4Raw: return ".lz4raw"
        }
    }

    /// The library the codec loads at its first page, if any.
    public var library: CompressionLibrary? {
        switch self {
        case .uncompressed: return nil
        case .snappy: return .snappy
        case .gzip: return .deflate
        case .lz4, .lz4Raw: return .lz4
        case .zstd: return .zstd
        }
    }
}

/// A node of a Parquet schema: a primitive column, a group of nodes (a nested struct), or a list or map,
/// written in Parquet's standard three-level layout (`<name> (LIST) { repeated group list { element } }`,
/// `<name> (MAP) { repeated group key_value { key; value } }`).
public indirect enum ParquetNode: Sendable, Equatable {
    case column(ParquetColumn)
    case group(name: String, optional: Bool, children: [ParquetNode])
    /// `element` is the node named `element` (its optionality says whether elements may be null).
    case list(name: String, optional: Bool, element: ParquetNode)
    /// `key` is the required column named `key`, `value` the node named `value`.
    case map(name: String, optional: Bool, key: ParquetColumn, value: ParquetNode)

    var name: String {
        switch self {
        case .column(let c): return c.name
        case .group(let name, _, _), .list(let name, _, _), .map(let name, _, _, _): return name
        }
    }
}

/// A row's value for a node: a primitive for a column, the children's values for a group, the elements
/// of a list, the entries of a map (nil: the group, list or map is null).
public enum ParquetField: Sendable {
    case value(ParquetValue)
    case group([ParquetField]?)
    case list([ParquetField]?)
    case map([(key: ParquetValue, value: ParquetField)]?)
}

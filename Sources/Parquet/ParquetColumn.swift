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

public enum ParquetCodec: Int32, Sendable {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2

    /// Parquet's file-name extension of the codec (`CompressionCodecName.getExtension`).
    public var fileExtension: String {
        switch self {
        case .uncompressed: return ""
        case .snappy: return ".snappy"
        case .gzip: return ".gz"
        }
    }
}

/// A node of a Parquet schema: a primitive column, or a group of nodes (a nested struct).
public indirect enum ParquetNode: Sendable, Equatable {
    case column(ParquetColumn)
    case group(name: String, optional: Bool, children: [ParquetNode])
}

/// A row's value for a node: a primitive for a column, the children's values for a group (nil: the
/// group is null).
public enum ParquetField: Sendable {
    case value(ParquetValue)
    case group([ParquetField]?)
}

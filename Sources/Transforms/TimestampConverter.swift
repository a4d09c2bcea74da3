import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.TimestampConverter$Key` / `$Value`: converts a
/// timestamp (the whole key or value, or one `field` of it) between a formatted string, a Unix number
/// (`unix.precision`), and Connect's Date, Time and Timestamp, in UTC.
///
/// Without a schema Kafka would hand a `java.util.Date` to the converter (which JSON then refuses);
/// here Date, Time and Timestamp results are their numbers (days, milliseconds of the day, epoch ms).
public struct TimestampConverter: Transformation {
    enum Kind: String, Sendable {
        case string, unix
        case date = "Date"
        case time = "Time"
        case timestamp = "Timestamp"
    }

    public static let configDef = ConfigDef()
        .define(
            "target.type", .string, validator: .oneOf(["string", "unix", "Date", "Time", "Timestamp"]),
            importance: .high,
            documentation: "The desired timestamp representation: string, unix, Date, Time, or Timestamp"
        )
        .define(
            "field", .string, defaultValue: "", importance: .high,
            documentation: "The field containing the timestamp, or empty if the entire value is a timestamp"
        )
        .define(
            "format", .string, defaultValue: "", importance: .medium,
            documentation:
                "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string."
        )
        .define(
            "unix.precision", .string, defaultValue: "milliseconds",
            validator: .oneOf(["nanoseconds", "microseconds", "milliseconds", "seconds"]), importance: .low,
            documentation:
                "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long."
        )
        .definingReplaceNullWithDefault()

    let operand: Operand
    let target: Kind
    let field: String
    let format: DateTimePattern?
    let precision: String
    let replaceNullWithDefault: Bool
    private let cache = SchemaCache<Schema>()

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        target = Kind(rawValue: c.string("target.type") ?? "") ?? .timestamp
        field = c.string("field") ?? ""
        let format = c.string("format") ?? ""
        if target == .string && format.isEmpty {
            throw ConfigException(
                "TimestampConverter requires format option to be specified when using string timestamps")
        }
        self.format = format.isEmpty ? nil : try Self.pattern(format, key: "format")
        precision = c.string("unix.precision") ?? "milliseconds"
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
    }

    /// A `SimpleDateFormat` pattern in the supported subset, or the `ConfigException` naming `key`.
    static func pattern(_ text: String, key: String) throws -> DateTimePattern {
        do throws(DateTimePattern.Invalid) {
            let pattern = try DateTimePattern(text, letters: "yMdHmsSDzZX")
            if pattern.pieces.contains(where: { if case .field("M", 3...) = $0 { true } else { false } }) {
                throw DateTimePattern.Invalid(reason: "month names (MMM) are not supported (use MM)")
            }
            return pattern
        } catch {
            throw ConfigException(
                name: key, value: text,
                reason:
                    "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: \(error.reason)"
            )
        }
    }

    private static let purpose = "converting timestamp formats"

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let value = operand.value(of: record)
        guard let schema = operand.schema(of: record) else {
            if value.isNull || field.isEmpty {
                return operand.updating(record, schema: nil, value: try convert(value, from: nil))
            }
            var entries = try Requirements.mapEntries(value, Self.purpose)
            if let i = entries.firstIndex(where: { $0.key == .string(field) }) {
                entries[i].value = try convert(entries[i].value, from: nil)
            } else {
                entries.append(MapEntry(key: .string(field), value: .null))
            }
            return operand.updating(record, schema: nil, value: .map(entries))
        }
        if field.isEmpty {
            let updated = try cache.derived(from: schema) { self.schema(optional: $0.isOptional) }
            return operand.updating(record, schema: updated, value: try convert(value, from: Self.kind(of: schema)))
        }
        let s = try Requirements.structOrNull(value, Self.purpose)
        let updated = try cache.derived(from: schema) { schema in
            schema.structWithBasics(
                schema.fields.map {
                    ($0.name, $0.name == field ? self.schema(optional: $0.schema.isOptional) : $0.schema)
                },
                optional: schema.isOptional)
        }
        guard let s else { return operand.updating(record, schema: updated, value: .null) }
        let values = try schema.fields.map { f in
            let v = Requirements.fieldValue(s, f, replaceNullWithDefault: replaceNullWithDefault)
            return f.name == field ? try convert(v, from: Self.kind(of: f.schema)) : v
        }
        return operand.updating(record, schema: updated, value: .struct(Struct(schema: updated, values: values)))
    }

    private func schema(optional: Bool) -> Schema {
        switch target {
        case .string: return optional ? .optionalString : .string
        case .unix: return optional ? .optionalInt64 : .int64
        case .date: return LogicalType.date(optional: optional)
        case .time: return LogicalType.time(optional: optional)
        case .timestamp: return LogicalType.timestamp(optional: optional)
        }
    }

    static func kind(of schema: Schema) throws -> Kind {
        switch (schema.name, schema.type) {
        case (LogicalType.timestampName, _): return .timestamp
        case (LogicalType.dateName, _): return .date
        case (LogicalType.timeName, _): return .time
        case (_, .string): return .string
        case (_, .int64): return .unix
        default:
            throw ConnectError(.connect, "Schema \(schema) does not correspond to a known timestamp type format")
        }
    }

    /// `v` (of `kind`, or inferred from the value without a schema) in the target representation.
    func convert(_ v: Value, from kind: Kind?) throws -> Value {
        if v.isNull { return .null }
        let source: Kind
        if let kind {
            source = kind
        } else {
            switch v {
            case .int64: source = .unix
            case .string: source = .string
            default:
                throw ConnectError(.data, "TimestampConverter does not support \(v.kindName) objects as timestamps")
            }
        }
        let ms = try millis(v, source)
        switch target {
        case .string: return .string(format!.formatLikeSimpleDateFormat(millis: ms))
        case .unix:
            switch precision {
            case "seconds": return .int64(ms / 1000)
            case "microseconds": return .int64(ms &* 1000)
            case "nanoseconds": return .int64(ms &* 1_000_000)
            default: return .int64(ms)
            }
        case .date: return .int32(Int32(truncatingIfNeeded: CivilDate.floorDiv(ms, 86_400_000)))
        case .time: return .int32(Int32(CivilDate.floorMod(ms, 86_400_000)))
        case .timestamp: return .int64(ms)
        }
    }

    private func millis(_ v: Value, _ kind: Kind) throws -> Int64 {
        switch (kind, v) {
        case (.string, .string(let text)):
            guard let format else {
                throw ConnectError(
                    .data, "TimestampConverter requires format option to be specified when using string timestamps")
            }
            guard let ms = format.parseLikeSimpleDateFormat(text) else {
                throw ConnectError(
                    .data, "Could not parse timestamp: value (\(text)) does not match pattern (\(format.pattern))")
            }
            return ms
        case (.unix, _):
            guard let n = v.int64Value else { break }
            switch precision {
            case "seconds": return n &* 1000
            case "microseconds": return n / 1000
            case "nanoseconds": return n / 1_000_000
            default: return n
            }
        case (.date, _):
            guard let days = v.int64Value else { break }
            return days &* 86_400_000
        case (.time, _), (.timestamp, _):
            guard let ms = v.int64Value else { break }
            return ms
        default: break
        }
        throw ConnectError(.data, "Expected a \(kind.rawValue) timestamp but found: \(v.kindName)")
    }
}

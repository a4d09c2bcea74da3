import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.Cast$Key` / `$Value`: casts fields (`spec=f1:int32,
/// f2:string`) or the whole key or value (`spec=int64`) to another primitive type, with Java's
/// conversions: numbers narrow as Java's casts do, a number is true when its integral part is not 0,
/// a string is true when it is "true" in any case, Date/Time/Timestamp format as ISO-8601 text (UTC),
/// bytes as base64.
public struct Cast: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "spec", .list, validator: .nonEmptyList, importance: .high,
            documentation:
                "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string."
        )
        .definingReplaceNullWithDefault()

    static let outputTypes: [Schema.SchemaType] = [
        .int8, .int16, .int32, .int64, .float32, .float64, .boolean, .string,
    ]
    static let inputTypes = outputTypes + [.bytes]

    let operand: Operand
    /// Field → target type, in spec order; one entry with an empty name for a whole-value cast.
    let casts: [(field: String, type: Schema.SchemaType)]
    let wholeValue: Schema.SchemaType?
    let replaceNullWithDefault: Bool
    private let cache = SchemaCache<Schema>()

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        let spec = c.list("spec")
        var casts: [(String, Schema.SchemaType)] = []
        var whole: Schema.SchemaType? = nil
        for mapping in spec {
            let parts = mapping.split(separator: ":", omittingEmptySubsequences: false).map {
                String($0).trimmingWhitespace()
            }
            guard parts.count <= 2 else {
                throw ConfigException(
                    name: "spec", value: spec.joined(separator: ","), reason: "Invalid cast mapping: \(mapping)")
            }
            let typeName = parts.last!.lowercased()
            guard let type = Schema.SchemaType(rawValue: typeName) else {
                throw ConfigException("Invalid type found in casting spec: \(parts.last!)")
            }
            guard Self.outputTypes.contains(type) else {
                throw ConfigException(
                    "Cast transformation does not support casting to/from \(typeName.uppercased()); supported types are "
                        + Self.outputTypes.map { $0.rawValue.uppercased() }.joined(separator: ", "))
            }
            if parts.count == 1 { whole = type } else { casts.append((parts[0], type)) }
        }
        if whole != nil && spec.count > 1 {
            throw ConfigException(
                "Cast transformations that specify a type to cast the entire value to may ony specify a single cast in their spec"
            )
        }
        self.casts = casts
        wholeValue = whole
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
    }

    private static let purpose = "cast types"

    func target(of field: String) -> Schema.SchemaType? { casts.first { $0.field == field }?.type }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let value = operand.value(of: record)
        if value.isNull { return record }  // tombstones pass
        guard let schema = operand.schema(of: record) else {
            if let wholeValue {
                return operand.updating(record, schema: nil, value: try Self.cast(value, nil, to: wholeValue))
            }
            var entries = try Requirements.mapEntries(value, Self.purpose)
            for (field, type) in casts {
                if let i = entries.firstIndex(where: { $0.key == .string(field) }) {
                    entries[i].value = try Self.cast(entries[i].value, nil, to: type)
                } else {
                    entries.append(MapEntry(key: .string(field), value: .null))
                }
            }
            return operand.updating(record, schema: nil, value: .map(entries))
        }
        let updated = try cache.derived(from: schema) { try updatedSchema($0) }
        if let wholeValue {
            return operand.updating(record, schema: updated, value: try Self.cast(value, schema, to: wholeValue))
        }
        let s = try Requirements.struct(value, Self.purpose)
        let values = try schema.fields.map { f in
            let v = Requirements.fieldValue(s, f, replaceNullWithDefault: replaceNullWithDefault)
            guard let type = target(of: f.name) else { return v }
            return try Self.cast(v, f.schema, to: type)
        }
        return operand.updating(record, schema: updated, value: .struct(Struct(schema: updated, values: values)))
    }

    private func updatedSchema(_ schema: Schema) throws -> Schema {
        func cast(_ s: Schema, to type: Schema.SchemaType, keepBasics: Bool) throws -> Schema {
            try Self.checkInput(s.type)
            // A logical type's name does not carry over to another type (Kafka copies it for whole-value
            // casts, giving e.g. a string named Timestamp, which converters then reject).
            let logical = s.name.map { $0.hasPrefix("org.apache.kafka.connect.data.") } ?? false
            let basics = keepBasics && !logical
            return Schema(
                type: type, optional: s.isOptional,
                defaultValue: try s.defaultValue.map { try Self.cast($0, s, to: type) },
                name: basics ? s.name : nil, version: basics ? s.version : nil, doc: basics ? s.doc : nil,
                parameters: basics ? s.parameters : [])
        }
        if let wholeValue { return try cast(schema, to: wholeValue, keepBasics: true) }
        guard schema.type == .struct else {
            throw ConnectError(
                .data,
                "Only Struct objects supported for [\(Self.purpose)], found: \(schema.type.rawValue.uppercased())")
        }
        return schema.structWithBasics(
            try schema.fields.map { f in
                (f.name, try target(of: f.name).map { try cast(f.schema, to: $0, keepBasics: false) } ?? f.schema)
            }, optional: schema.isOptional)
    }

    static func checkInput(_ type: Schema.SchemaType) throws {
        guard inputTypes.contains(type) else {
            throw ConnectError(
                .data,
                "Cast transformation does not support casting to/from \(type.rawValue.uppercased()); supported types are "
                    + inputTypes.map { $0.rawValue.uppercased() }.joined(separator: ", "))
        }
    }

    /// `v` (described by `schema`, or by itself without one) as `type`.
    static func cast(_ v: Value, _ schema: Schema?, to type: Schema.SchemaType) throws -> Value {
        switch v {
        case .null: return .null
        case .array, .map, .struct:
            throw ConnectError(
                .data, "Cast transformation was passed a value of type \(v.kindName) which is not supported for casting"
            )
        default: break
        }
        if let schema { try checkInput(schema.type) }
        // Logical Date/Time/Timestamp: text from the instant, numbers from the underlying value.
        if type == .string, let name = schema?.name, let ms = logicalMillis(v, name) { return .string(isoText(ms)) }
        func fail() -> ConnectError {
            ConnectError(
                .data, "Unexpected type in Cast transformation: \(v.kindName) cannot be cast to \(type.rawValue)")
        }
        switch type {
        case .string: return .string(v.javaString)
        case .boolean:
            switch v {
            case .boolean: return v
            case .string(let s): return .boolean(s.lowercased() == "true")
            default:
                guard let n = integral(v) else { throw fail() }
                return .boolean(n != 0)
            }
        case .float32, .float64:
            let d: Double
            switch v {
            case .float32(let f): d = Double(f)
            case .float64(let x): d = x
            case .boolean(let b): d = b ? 1 : 0
            case .string(let s):
                guard let x = Double(s.trimmingWhitespace()) else {
                    throw ConnectError(.data, "Cast transformation could not parse \"\(s)\" as \(type.rawValue)")
                }
                d = x
            case .decimal(let dec):
                guard let x = Double(dec.description) else { throw fail() }
                d = x
            default:
                guard let n = v.int64Value else { throw fail() }
                d = Double(n)
            }
            return type == .float32 ? .float32(Float(d)) : .float64(d)
        default:  // int8 … int64
            let n: Int64
            switch v {
            case .boolean(let b): n = b ? 1 : 0
            case .string(let s):
                guard let x = Int64(s.trimmingWhitespace()), fits(x, type) else {
                    throw ConnectError(.data, "Cast transformation could not parse \"\(s)\" as \(type.rawValue)")
                }
                n = x
            default:
                guard let x = integral(v, saturatingTo: type) else { throw fail() }
                n = x
            }
            switch type {
            case .int8: return .int8(Int8(truncatingIfNeeded: n))
            case .int16: return .int16(Int16(truncatingIfNeeded: n))
            case .int32: return .int32(Int32(truncatingIfNeeded: n))
            default: return .int64(n)
            }
        }
    }

    private static func fits(_ n: Int64, _ type: Schema.SchemaType) -> Bool {
        switch type {
        case .int8: return Int8(exactly: n) != nil
        case .int16: return Int16(exactly: n) != nil
        case .int32: return Int32(exactly: n) != nil
        default: return true
        }
    }

    /// The value as Java's `Number.longValue()` (or `intValue()` for narrower targets) gives it:
    /// fractions dropped, floating values saturated to the range, decimals wrapped to their low-order
    /// bits as `BigDecimal.longValue()` does (2^31 cast to int32 is -2^31).
    private static func integral(_ v: Value, saturatingTo type: Schema.SchemaType = .int64) -> Int64? {
        func saturate(_ d: Double) -> Int64 {
            if d.isNaN { return 0 }
            let (lo, hi): (Double, Double) =
                type == .int64 ? (-9.223372036854775808e18, 9.223372036854775807e18) : (-2_147_483_648, 2_147_483_647)
            if d <= lo { return type == .int64 ? Int64.min : Int64(Int32.min) }
            if d >= hi { return type == .int64 ? Int64.max : Int64(Int32.max) }
            return Int64(d.rounded(.towardZero))
        }
        switch v {
        case .float32(let f): return saturate(Double(f))
        case .float64(let d): return saturate(d)
        case .decimal(let dec):
            // The integral part modulo 2^64: the digits before the point, with wrapping arithmetic.
            let text = dec.description
            var low: UInt64 = 0
            for c in text.utf8.prefix(while: { $0 != UInt8(ascii: ".") }) where c != UInt8(ascii: "-") {
                low = low &* 10 &+ UInt64(c - UInt8(ascii: "0"))
            }
            let n = Int64(bitPattern: low)
            return text.hasPrefix("-") ? 0 &- n : n
        default: return v.int64Value
        }
    }

    private static func logicalMillis(_ v: Value, _ name: String) -> Int64? {
        switch name {
        case LogicalType.dateName: return v.int64Value.map { $0 &* 86_400_000 }
        case LogicalType.timeName, LogicalType.timestampName: return v.int64Value
        default: return nil
        }
    }

    /// Connect's `Values.dateFormatFor`: a time of day before the first day's end, a date at midnight, a
    /// timestamp otherwise.
    /// Formatted as `SimpleDateFormat` does, in UTC (only instants from 1970-01-02 on show a date).
    static func isoText(_ ms: Int64) -> String {
        let pattern =
            ms < 86_400_000 ? isoTimePattern : ms % 86_400_000 == 0 ? isoDatePattern : isoTimestampPattern
        return pattern.formatLikeSimpleDateFormat(millis: ms)
    }
    // Values.ISO_8601_TIME_FORMAT_PATTERN, ISO_8601_DATE_FORMAT_PATTERN and ISO_8601_TIMESTAMP_FORMAT_PATTERN.
    private static let isoTimePattern = try! DateTimePattern("HH:mm:ss.SSS'Z'")
    private static let isoDatePattern = try! DateTimePattern("yyyy-MM-dd")
    private static let isoTimestampPattern = try! DateTimePattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
}

import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.MaskField$Key` / `$Value`: replaces the listed fields
/// with their type's empty value (0, false, "", epoch, empty list or map), or with `replacement`
/// converted to the field's numeric or string type.
public struct MaskField: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "fields", .list, validator: .nonEmptyList, importance: .high, documentation: "Names of fields to mask."
        )
        .define(
            "replacement", .string, defaultValue: .some(nil), validator: .nonEmptyString, importance: .low,
            documentation:
                "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only)."
        )
        .definingReplaceNullWithDefault()

    let operand: Operand
    let fields: [String]
    let masked: Set<String>
    let replacement: String?
    let replaceNullWithDefault: Bool

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        fields = c.list("fields")
        masked = Set(fields)
        replacement = c.string("replacement")
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
    }

    private static let purpose = "mask fields"

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let value = operand.value(of: record)
        guard let schema = operand.schema(of: record) else {
            var entries = try Requirements.mapEntries(value, Self.purpose)
            for name in fields {
                // As Kafka: a listed field the map lacks is added as null.
                if let i = entries.firstIndex(where: { $0.key == .string(name) }) {
                    entries[i].value = try mask(entries[i].value)
                } else {
                    entries.append(MapEntry(key: .string(name), value: .null))
                }
            }
            return operand.updating(record, schema: nil, value: .map(entries))
        }
        let s = try Requirements.struct(value, Self.purpose)
        let values = try schema.fields.map { f in
            let v = Requirements.fieldValue(s, f, replaceNullWithDefault: replaceNullWithDefault)
            return masked.contains(f.name) ? try mask(v, logical: f.schema.name) : v
        }
        return operand.updating(record, schema: schema, value: .struct(Struct(schema: schema, values: values)))
    }

    /// `v` masked; `logical` is the field's schema name (Kafka holds a Date, Time or Timestamp as a
    /// `java.util.Date`, which takes no custom replacement).
    func mask(_ v: Value, logical: String? = nil) throws -> Value {
        if v.isNull { return .null }
        guard let replacement else { return try Self.empty(of: v) }
        if [LogicalType.dateName, LogicalType.timeName, LogicalType.timestampName].contains(logical) {
            throw ConnectError(.data, "Cannot mask value of type class java.util.Date with custom replacement.")
        }
        func number<T: LosslessStringConvertible>(_: T.Type) throws -> T {
            guard let n = T(replacement) else {
                throw ConnectError(.data, "Unable to convert \(replacement) (class java.lang.String) to number")
            }
            return n
        }
        switch v {
        case .int8: return .int8(try number(Int8.self))
        case .int16: return .int16(try number(Int16.self))
        case .int32: return .int32(try number(Int32.self))
        case .int64: return .int64(try number(Int64.self))
        case .float32: return .float32(try number(Float.self))
        case .float64: return .float64(try number(Double.self))
        case .string: return .string(replacement)
        case .decimal:
            guard let r = ConnectDecimal(replacement) else {
                throw ConnectError(.data, "Unable to convert \(replacement) (class java.lang.String) to number")
            }
            return .decimal(r)
        default:
            throw ConnectError(.data, "Cannot mask value of type \(v.kindName) with custom replacement.")
        }
    }

    static func empty(of v: Value) throws -> Value {
        switch v {
        case .boolean: return .boolean(false)
        case .int8: return .int8(0)
        case .int16: return .int16(0)
        case .int32: return .int32(0)  // also an epoch Date or midnight Time
        case .int64: return .int64(0)  // also an epoch Timestamp
        case .float32: return .float32(0)
        case .float64: return .float64(0)
        case .string: return .string("")
        // Zero in the field's own scale, so that it still encodes as the field's Decimal.
        case .decimal(let d): return .decimal(ConnectDecimal(unscaled: [0], scale: d.scale))
        case .array: return .array([])
        case .map: return .map([])
        default: throw ConnectError(.data, "Cannot mask value of type: \(v.kindName)")
        }
    }
}

/// Kafka Connect's `SchemaProjector`: a value of one schema re-expressed in a compatible schema (fields
/// the target lacks dropped, fields the source lacks filled with the target's default or null,
/// numbers widened). Storage sinks use it under `schema.compatibility` so that records of an older or
/// newer schema version can go into a file of the current one.
public enum SchemaProjector {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func project(_ source: Schema, _ value: Value, to target: Schema) throws(Failure) -> Value {
        try checkMaybeCompatible(source, target)
        if source.isOptional && !target.isOptional {
            guard let defaultValue = target.defaultValue else {
                throw Failure(
                    description: "Writer schema is optional, however, target schema does not provide a default value.")
            }
            return value.isNull ? defaultValue : try projectRequired(source, value, target)
        }
        return value.isNull ? .null : try projectRequired(source, value, target)
    }

    private static func projectRequired(_ source: Schema, _ value: Value, _ target: Schema) throws(Failure) -> Value {
        switch target.type {
        case .struct:
            guard case .struct(let s) = value else { return value }
            var out = Struct(schema: target)
            for field in target.fields {
                if let sourceField = source.field(named: field.name) {
                    do {
                        out.values[field.index] = try project(
                            sourceField.schema, s.values[sourceField.index], to: field.schema)
                    } catch {
                        throw Failure(description: "Error projecting \(sourceField.name): \(error)")
                    }
                } else if field.schema.isOptional {
                    continue  // as Kafka: null, even when the field has a default
                } else if let d = field.schema.defaultValue {
                    out.values[field.index] = d
                } else {
                    throw Failure(
                        description: "Required field `\(field.name)` is missing from source schema: \(source)")
                }
            }
            return .struct(out)
        case .array:
            guard case .array(let items) = value, let from = source.valueSchema, let to = target.valueSchema else {
                return value
            }
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try project(from, item, to: to)) }
            return .array(out)
        case .map:
            guard case .map(let entries) = value, let fromKey = source.keySchema, let toKey = target.keySchema,
                let fromValue = source.valueSchema, let toValue = target.valueSchema
            else { return value }
            var out: [MapEntry] = []
            out.reserveCapacity(entries.count)
            for e in entries {
                out.append(
                    MapEntry(
                        key: try project(fromKey, e.key, to: toKey), value: try project(fromValue, e.value, to: toValue)
                    ))
            }
            return .map(out)
        default:
            return source.type == target.type ? value : promoted(value, to: target.type)
        }
    }

    /// Numeric widening (Kafka's `isPromotable`): int8 → … → int64 → float32 → float64.
    private static let promotions: [Schema.SchemaType: Set<Schema.SchemaType>] = [
        .int8: [.int16, .int32, .int64, .float32, .float64],
        .int16: [.int32, .int64, .float32, .float64],
        .int32: [.int64, .float32, .float64],
        .int64: [.float32, .float64],
        .float32: [.float64],
    ]

    private static func promoted(_ v: Value, to type: Schema.SchemaType) -> Value {
        let d: Double
        let i: Int64?
        switch v {
        case .int8(let x): (d, i) = (Double(x), Int64(x))
        case .int16(let x): (d, i) = (Double(x), Int64(x))
        case .int32(let x): (d, i) = (Double(x), Int64(x))
        case .int64(let x): (d, i) = (Double(x), x)
        case .float32(let x): (d, i) = (Double(x), nil)
        default: return v
        }
        switch type {
        case .int16: return i.map { .int16(Int16(truncatingIfNeeded: $0)) } ?? v
        case .int32: return i.map { .int32(Int32(truncatingIfNeeded: $0)) } ?? v
        case .int64: return i.map { .int64($0) } ?? v
        case .float32: return .float32(Float(d))
        case .float64: return .float64(d)
        default: return v
        }
    }

    private static func checkMaybeCompatible(_ source: Schema, _ target: Schema) throws(Failure) {
        if source.type != target.type && promotions[source.type]?.contains(target.type) != true {
            throw Failure(
                description:
                    "Schema type mismatch. source type: \(source.type.rawValue.uppercased()) and target type: \(target.type.rawValue.uppercased())"
            )
        }
        if source.name != target.name {
            throw Failure(
                description:
                    "Schema name mismatch. source name: \(source.name ?? "null") and target name: \(target.name ?? "null")"
            )
        }
        // Compared as maps, as Java's Objects.equals on the parameters does.
        func map(_ p: [(String, String)]) -> [String: String] { Dictionary(p, uniquingKeysWith: { _, b in b }) }
        if !source.parameters.isEmpty || !target.parameters.isEmpty, map(source.parameters) != map(target.parameters) {
            throw Failure(
                description:
                    "Schema parameters not equal. source parameters: \(source.parameters) and target parameters: \(target.parameters)"
            )
        }
    }
}

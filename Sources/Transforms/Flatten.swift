import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.Flatten$Key` / `$Value`: nested structs (with a schema)
/// or maps (without) become top-level fields named `parent<delimiter>child`; arrays stay as they are.
public struct Flatten: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "delimiter", .string, defaultValue: ".", importance: .medium,
            documentation:
                "Delimiter to insert between field names from the input record when generating field names for the output record"
        )
        .definingReplaceNullWithDefault()

    let operand: Operand
    let delimiter: String
    let replaceNullWithDefault: Bool
    private let cache = SchemaCache<Schema>()

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        delimiter = c.string("delimiter") ?? "."
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
    }

    private static let purpose = "flattening"

    private func name(_ prefix: String, _ field: String) -> String {
        prefix.isEmpty ? field : prefix + delimiter + field
    }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let value = operand.value(of: record)
        guard let schema = operand.schema(of: record) else {
            if value.isNull { return operand.updating(record, schema: nil, value: .null) }
            var out: [MapEntry] = []
            try flatten(Requirements.mapEntries(value, Self.purpose), prefix: "", into: &out)
            return operand.updating(record, schema: nil, value: .map(out))
        }
        let s = try Requirements.structOrNull(value, Self.purpose)
        let updated = try cache.derived(from: schema) { schema in
            var fields: [(String, Schema)] = []
            try flattenSchema(
                schema, prefix: "", optional: schema.isOptional, parentDefault: schema.defaultValue, into: &fields)
            return schema.structWithBasics(fields)
        }
        guard let s else { return operand.updating(record, schema: updated, value: .null) }
        var values: [Value] = []
        values.reserveCapacity(updated.fields.count)
        flatten(s, schema: schema, into: &values)
        return operand.updating(record, schema: updated, value: .struct(Struct(schema: updated, values: values)))
    }

    private func flatten(_ entries: [MapEntry], prefix: String, into out: inout [MapEntry]) throws {
        for e in entries {
            guard case .string(let key) = e.key else {
                throw ConnectError(.data, "Only String keys supported for [\(Self.purpose)], found: \(e.key.kindName)")
            }
            let fieldName = name(prefix, key)
            switch e.value {
            case .map(let nested): try flatten(nested, prefix: fieldName, into: &out)
            case .struct:
                throw ConnectError(
                    .data,
                    "Flatten transformation does not support STRUCT for record without schemas (for field \(fieldName))."
                )
            default: out.append(MapEntry(key: .string(fieldName), value: e.value))
            }
        }
    }

    /// The flattened fields of `schema`: optional when any struct on the way is, with the default of
    /// the field or, failing that, the field's value in the enclosing struct's default.
    private func flattenSchema(
        _ schema: Schema, prefix: String, optional: Bool, parentDefault: Value?, into fields: inout [(String, Schema)]
    ) throws {
        for f in schema.fields {
            let fieldName = name(prefix, f.name)
            let fieldOptional = optional || f.schema.isOptional
            var fieldDefault = f.schema.defaultValue
            if fieldDefault == nil, case .struct(let d) = parentDefault, f.index < d.values.count,
                !d.values[f.index].isNull
            {
                fieldDefault = d.values[f.index]
            }
            if f.schema.type == .struct {
                try flattenSchema(
                    f.schema, prefix: fieldName, optional: fieldOptional, parentDefault: fieldDefault, into: &fields)
            } else {
                if fields.contains(where: { $0.0 == fieldName }) {
                    throw ConnectError(.data, "Cannot create field because of field name duplication \(fieldName)")
                }
                let s = f.schema
                fields.append(
                    (
                        fieldName,
                        Schema(
                            type: s.type, optional: fieldOptional, defaultValue: fieldDefault, name: s.name,
                            version: s.version, doc: s.doc, parameters: s.parameters, keySchema: s.keySchema,
                            valueSchema: s.valueSchema)
                    ))
            }
        }
    }

    /// The leaf values of `s` in schema order; a null nested struct gives nulls for its fields.
    private func flatten(_ s: Struct?, schema: Schema, into values: inout [Value]) {
        for f in schema.fields {
            let v = s.map { Requirements.fieldValue($0, f, replaceNullWithDefault: replaceNullWithDefault) } ?? .null
            if f.schema.type == .struct {
                flatten(v.structValue, schema: f.schema, into: &values)
            } else {
                values.append(v)
            }
        }
    }
}

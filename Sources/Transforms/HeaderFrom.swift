import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.HeaderFrom$Key` / `$Value`: copies or moves fields of
/// the key or value into headers (`fields[i]` → `headers[i]`, with the field's schema).
public struct HeaderFrom: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "fields", .list, validator: .nonEmptyList, importance: .high,
            documentation: "Field names in the record whose values are to be copied or moved to headers."
        )
        .define(
            "headers", .list, validator: .nonEmptyList, importance: .high,
            documentation:
                "Header names, in the same order as the field names listed in the fields configuration property."
        )
        .define(
            "operation", .string, validator: .oneOf(["move", "copy"]), importance: .high,
            documentation:
                "Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value)."
        )
        .definingReplaceNullWithDefault()

    let operand: Operand
    let fields: [String]
    let headers: [String]
    let move: Bool
    let replaceNullWithDefault: Bool
    /// For a move: the schema without the moved fields, and the fields it keeps.
    private let cache = SchemaCache<(schema: Schema, kept: [Field])>()

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        fields = c.list("fields")
        headers = c.list("headers")
        move = c.string("operation") == "move"
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
        if fields.count != headers.count {
            throw ConfigException(
                name: "headers", value: headers.joined(separator: ","),
                reason: "'fields' config must have the same number of elements as 'headers' config.")
        }
    }

    private var purpose: String { "header " + (move ? "move" : "copy") }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let value = operand.value(of: record)
        var r = record
        guard let schema = operand.schema(of: record) else {
            // As Kafka: every header reads the original map (one field may feed two headers), then a
            // move drops the fields.
            let entries = try Requirements.mapEntries(value, purpose)
            for (field, header) in zip(fields, headers) {
                let v = entries.first { $0.key == .string(field) }?.value ?? .null
                r.headers.append(ConnectHeader(key: header, schema: nil, value: v))
            }
            guard move else { return operand.updating(r, schema: nil, value: .map(entries)) }
            let kept = entries.filter { e in !fields.contains { e.key == .string($0) } }
            return operand.updating(r, schema: nil, value: .map(kept))
        }
        let s = try Requirements.struct(value, purpose)
        for (field, header) in zip(fields, headers) {
            guard let f = schema.field(named: field) else {
                throw ConnectError(.data, "\(field) is not a valid field name")
            }
            r.headers.append(
                ConnectHeader(
                    key: header, schema: f.schema,
                    value: Requirements.fieldValue(s, f, replaceNullWithDefault: replaceNullWithDefault)))
        }
        guard move else { return r }
        let updated = try cache.derived(from: schema) { schema in
            let kept = schema.fields.filter { !fields.contains($0.name) }
            return (schema.structWithBasics(kept.map { ($0.name, $0.schema) }, optional: schema.isOptional), kept)
        }
        let values = updated.kept.map { Requirements.fieldValue(s, $0, replaceNullWithDefault: replaceNullWithDefault) }
        return operand.updating(
            r, schema: updated.schema, value: .struct(Struct(schema: updated.schema, values: values)))
    }
}

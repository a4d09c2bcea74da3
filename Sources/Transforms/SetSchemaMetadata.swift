import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.SetSchemaMetadata$Key` / `$Value`: sets the name and/or
/// version of the key or value schema; a struct value is rebound to the renamed schema.
public struct SetSchemaMetadata: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "schema.name", .string, defaultValue: .some(nil), importance: .high, documentation: "Schema name to set."
        )
        .define(
            "schema.version", .int, defaultValue: .some(nil), importance: .high,
            documentation: "Schema version to set."
        )
        .definingReplaceNullWithDefault()

    let operand: Operand
    let name: String?
    let version: Int32?
    let replaceNullWithDefault: Bool
    private let cache = SchemaCache<Schema>()

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        name = c.string("schema.name")
        version = c.int("schema.version").map { Int32($0) }
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
        if name == nil && version == nil {
            throw ConfigException("Neither schema name nor version configured")
        }
    }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        // As Kafka: a record with neither value nor schema (a schemaless tombstone) passes.
        if operand.value(of: record).isNull && operand.schema(of: record) == nil { return record }
        let schema = try Requirements.schema(operand.schema(of: record), "updating schema metadata")
        let updated = try cache.derived(from: schema) { s in
            Schema(
                type: s.type, optional: s.isOptional, defaultValue: s.defaultValue, name: name ?? s.name,
                version: version ?? s.version, doc: s.doc, parameters: s.parameters, fields: s.fields,
                keySchema: s.keySchema, valueSchema: s.valueSchema)
        }
        var value = operand.value(of: record)
        if case .struct(let s) = value {
            // Rebound field by field, reading each as Kafka's getFieldValue does (a null field with a
            // default becomes the default under replace.null.with.default).
            let values = updated.fields.map {
                Requirements.fieldValue(s, $0, replaceNullWithDefault: replaceNullWithDefault)
            }
            value = .struct(Struct(schema: updated, values: values))
        }
        return operand.updating(record, schema: updated, value: value)
    }
}

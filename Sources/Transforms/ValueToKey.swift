import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.ValueToKey`: the record key becomes a struct (with a
/// value schema) or a map (without) of the listed value fields, in the listed order.
public struct ValueToKey: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "fields", .list, validator: .nonEmptyList, importance: .high,
            documentation: "Field names on the record value to extract as the record key."
        )
        .define(
            "replace.null.with.default", .boolean, defaultValue: "true", importance: .medium,
            documentation: "Whether to replace fields that have a default value and that are null to the default value."
        )

    let fields: [String]
    let replaceNullWithDefault: Bool
    /// The key schema of the last value schema seen (records of one table share their schema).
    private let cache = SchemaCache()

    public init(config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        fields = c.list("fields")
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
    }

    private static let purpose = "copying fields from value to key"

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        var r = record
        guard let schema = record.valueSchema else {
            let entries = try Requirements.map(record.value, Self.purpose)
            r.keySchema = nil
            r.key = .map(
                fields.map { name in
                    MapEntry(key: .string(name), value: entries.first { $0.key == .string(name) }?.value ?? .null)
                })
            return r
        }
        let value = try Requirements.struct(record.value, Self.purpose)
        let keySchema = try cache.derived(from: schema) { schema in
            try Schema.struct(
                fields.map { name in
                    guard let f = schema.field(named: name) else {
                        throw ConnectError(.data, "Field does not exist: \(name)")
                    }
                    return (name, f.schema)
                })
        }
        r.keySchema = keySchema
        r.key = .struct(
            Struct(
                schema: keySchema,
                values: fields.map { name in
                    let f = schema.field(named: name)!  // checked when the key schema was made
                    return Requirements.fieldValue(value, f, replaceNullWithDefault: replaceNullWithDefault)
                }))
        return r
    }
}

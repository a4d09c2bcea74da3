import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.ValueToKey`: the record key becomes a struct (with a
/// value schema) or a map (without) of the listed value fields, in the listed order.
public struct ValueToKey: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "fields", .list, validator: .nonEmptyList, importance: .high,
            documentation: "Field names on the record value to extract as the record key."
        )
        .definingReplaceNullWithDefault()

    let fields: [String]
    let replaceNullWithDefault: Bool
    /// The key schema and the value's fields it takes, for the last value schema seen (records of one
    /// table share their schema).
    private let cache = SchemaCache<(schema: Schema, fields: [Field])>()

    public init(config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        fields = c.list("fields")
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
    }

    private static let purpose = "copying fields from value to key"

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        var r = record
        guard let schema = record.valueSchema else {
            try Requirements.map(record.value, Self.purpose)
            r.keySchema = nil
            r.key = .map(fields.map { MapEntry(key: .string($0), value: record.value.member($0) ?? .null) })
            return r
        }
        let value = try Requirements.struct(record.value, Self.purpose)
        let key = try cache.derived(from: schema) { schema in
            let found = try fields.map { name in
                guard let f = schema.field(named: name) else {
                    throw ConnectError(.data, "Field does not exist: \(name)")
                }
                return f
            }
            return (Schema.struct(found.map { ($0.name, $0.schema) }), found)
        }
        r.keySchema = key.schema
        r.key = .struct(
            Struct(
                schema: key.schema,
                values: key.fields.map {
                    Requirements.fieldValue(value, $0, replaceNullWithDefault: replaceNullWithDefault)
                }))
        return r
    }
}

import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.HoistField$Key` / `$Value`: wraps the key or value in a
/// struct (with a schema) or a map (without) of one field.
public struct HoistField: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "field", .string, validator: .nonEmptyString, importance: .medium,
            documentation:
                "Field name for the single field that will be created in the resulting Struct or Map.")

    let operand: Operand
    let field: String
    private let cache = SchemaCache<Schema>()

    public init(_ operand: Operand, config: [String: String]) throws {
        self.operand = operand
        field = try Self.configDef.parse(config).string("field") ?? ""
    }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let value = operand.value(of: record)
        guard let schema = operand.schema(of: record) else {
            return operand.updating(record, schema: nil, value: .map([MapEntry(key: .string(field), value: value)]))
        }
        let hoisted = try cache.derived(from: schema) { Schema.struct([(field, $0)]) }
        return operand.updating(record, schema: hoisted, value: .struct(Struct(schema: hoisted, values: [value])))
    }
}

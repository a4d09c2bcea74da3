import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.ExtractField$Key` / `$Value`: the key or value becomes
/// one of its fields: a top-level field name (`field.syntax.version=V1`), or a nested path (`V2`,
/// `after.id`; KIP-821).
public struct ExtractField: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "field", .string, validator: .nonEmptyString, importance: .medium,
            documentation: "Field name to extract."
        )
        .define(
            "field.syntax.version", .string, defaultValue: "V1", validator: .oneOfIgnoringCase(["V1", "V2"]),
            importance: .high,
            documentation:
                "Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots."
        )
        .definingReplaceNullWithDefault()

    let operand: Operand
    let path: FieldPath
    let replaceNullWithDefault: Bool

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        path = try FieldPath(c.string("field") ?? "", v2: c.string("field.syntax.version")?.uppercased() == "V2")
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
    }

    private static let purpose = "field extraction"

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let schema = operand.schema(of: record)
        let operandValue = operand.value(of: record)
        let newSchema: Schema?
        let newValue: Value
        if let schema {
            var s = try Requirements.structOrNull(operandValue, Self.purpose)
            var current = schema
            var value = Value.null
            for (i, name) in path.names.enumerated() {
                guard current.type == .struct, let f = current.field(named: name) else {
                    throw ConnectError(.data, "Unknown field: \(path.text)")
                }
                value =
                    s.map { Requirements.fieldValue($0, f, replaceNullWithDefault: replaceNullWithDefault) } ?? .null
                current = f.schema
                if i < path.names.count - 1 { s = value.structValue }  // a null struct on the way gives null
            }
            newSchema = current
            newValue = value
        } else {
            // Without a schema a missing field (or a null operand, or a null map on the way) extracts as null.
            try Requirements.map(operandValue, Self.purpose, orNull: true)
            newSchema = nil
            var value = operandValue
            for name in path.names { value = value.member(name) ?? .null }
            newValue = value
        }
        return operand.updating(record, schema: newSchema, value: newValue)
    }
}

import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.ExtractField$Key` / `$Value`: the key or value becomes
/// one of its fields (`field.syntax.version=V1`: a top-level field name).
public struct ExtractField: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "field", .string, validator: .nonEmptyString, importance: .medium,
            documentation: "Field name to extract."
        )
        .define(
            "field.syntax.version", .string, defaultValue: "V1", validator: .oneOf(["V1"], ignoringCase: true),
            importance: .high,
            documentation: "Field syntax: V1, a top-level field name (V2's nested paths are not supported)."
        )
        .definingReplaceNullWithDefault()

    let operand: Operand
    let field: String
    let replaceNullWithDefault: Bool

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        field = c.string("field") ?? ""
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
    }

    private static let purpose = "field extraction"

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let schema = operand.schema(of: record)
        let operandValue = operand.value(of: record)
        let newSchema: Schema?
        let newValue: Value
        if let schema {
            let s = try Requirements.structOrNull(operandValue, Self.purpose)
            guard let f = schema.field(named: field) else {
                throw ConnectError(.data, "Unknown field: \(field)")
            }
            newSchema = f.schema
            newValue = s.map { Requirements.fieldValue($0, f, replaceNullWithDefault: replaceNullWithDefault) } ?? .null
        } else {
            // Without a schema a missing field (or a null operand) extracts as null.
            try Requirements.map(operandValue, Self.purpose, orNull: true)
            newSchema = nil
            newValue = operandValue.member(field) ?? .null
        }
        return operand.updating(record, schema: newSchema, value: newValue)
    }
}

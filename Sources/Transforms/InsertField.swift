import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`: adds the record's topic,
/// partition, offset (sink records only), timestamp and/or a static string as fields. A field name
/// ending in `!` is required in the new schema, `?` (or nothing) optional.
public struct InsertField: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "topic.field", .string, defaultValue: .some(nil), importance: .medium,
            documentation:
                "Field name for Kafka topic. Suffix with ! to make this a required field, or ? to keep it optional (the default)."
        )
        .define(
            "partition.field", .string, defaultValue: .some(nil), importance: .medium,
            documentation:
                "Field name for Kafka partition. Suffix with ! to make this a required field, or ? to keep it optional (the default)."
        )
        .define(
            "offset.field", .string, defaultValue: .some(nil), importance: .medium,
            documentation:
                "Field name for Kafka offset - only applicable to sink connectors. Suffix with ! to make this a required field, or ? to keep it optional (the default)."
        )
        .define(
            "timestamp.field", .string, defaultValue: .some(nil), importance: .medium,
            documentation:
                "Field name for record timestamp. Suffix with ! to make this a required field, or ? to keep it optional (the default)."
        )
        .define(
            "static.field", .string, defaultValue: .some(nil), importance: .medium,
            documentation:
                "Field name for static data field. Suffix with ! to make this a required field, or ? to keep it optional (the default)."
        )
        .define(
            "static.value", .string, defaultValue: .some(nil), importance: .medium,
            documentation: "Static field value, if field name configured."
        )
        .definingReplaceNullWithDefault()

    struct Insertion: Sendable {
        let name: String
        let optional: Bool
        init?(_ spec: String?) {
            guard let spec, !spec.isEmpty else { return nil }
            if spec.hasSuffix("?") || spec.hasSuffix("!") {
                name = String(spec.dropLast())
                optional = spec.hasSuffix("?")
            } else {
                name = spec
                optional = true
            }
        }
    }

    let operand: Operand
    let topic, partition, offset, timestamp, staticField: Insertion?
    let staticValue: String?
    let replaceNullWithDefault: Bool
    private let cache = SchemaCache<Schema>()

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        topic = Insertion(c.string("topic.field"))
        partition = Insertion(c.string("partition.field"))
        offset = Insertion(c.string("offset.field"))
        timestamp = Insertion(c.string("timestamp.field"))
        staticField = Insertion(c.string("static.field"))
        staticValue = c.string("static.value")
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
        if topic == nil && partition == nil && offset == nil && timestamp == nil && staticField == nil {
            throw ConfigException("No field insertion configured")
        }
        if let staticField, staticValue == nil {
            throw ConfigException(
                name: "static.value", value: "null", reason: "No value specified for static field: \(staticField.name)")
        }
    }

    private static let purpose = "field insertion"

    /// The fields to add, in Kafka's order, with their values for `record`; nil values are left out
    /// (a record without partition or timestamp).
    private func insertions<R: ConnectRecord>(_ record: R) throws -> [(Insertion, Value?)] {
        var out: [(Insertion, Value?)] = []
        if let topic { out.append((topic, .string(record.topic))) }
        if let partition { out.append((partition, record.kafkaPartition.map { .int32($0) })) }
        if let offset { out.append((offset, .int64(try Requirements.sinkRecord(record, Self.purpose).kafkaOffset))) }
        if let timestamp { out.append((timestamp, record.timestamp.map { .int64($0) })) }
        if let staticField, let staticValue { out.append((staticField, .string(staticValue))) }
        return out
    }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let value = operand.value(of: record)
        if value.isNull { return record }  // tombstones pass
        let added = try insertions(record)
        guard let schema = operand.schema(of: record) else {
            var entries = try Requirements.mapEntries(value, Self.purpose)
            for (field, v) in added {
                guard let v else { continue }
                if let i = entries.firstIndex(where: { $0.key == .string(field.name) }) {
                    entries[i].value = v
                } else {
                    entries.append(MapEntry(key: .string(field.name), value: v))
                }
            }
            return operand.updating(record, schema: nil, value: .map(entries))
        }
        let s = try Requirements.struct(value, Self.purpose)
        let updated = try cache.derived(from: schema) { schema in
            var fields = schema.fields.map { ($0.name, $0.schema) }
            func add(_ i: Insertion?, _ type: Schema) throws {
                guard let i else { return }
                if fields.contains(where: { $0.0 == i.name }) {
                    throw ConnectError(.data, "Cannot create field because of field name duplication \(i.name)")
                }
                fields.append((i.name, type.with(optional: i.optional)))
            }
            try add(topic, .string)
            try add(partition, .int32)
            try add(offset, .int64)
            try add(timestamp, LogicalType.timestamp())
            try add(staticField, .string)
            return schema.structWithBasics(fields)
        }
        var values = schema.fields.map {
            Requirements.fieldValue(s, $0, replaceNullWithDefault: replaceNullWithDefault)
        }
        values += added.map { $0.1 ?? .null }
        return operand.updating(record, schema: updated, value: .struct(Struct(schema: updated, values: values)))
    }
}

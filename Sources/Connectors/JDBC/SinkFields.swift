import ConnectAPI

/// Which columns a sink record fills and where each value comes from: Confluent's `FieldsMetadata`
/// (reference connectors.md §2.2) for records with schemas, and by name for schemaless maps.
struct SinkFields: Sendable {
    enum Source: Sendable, Equatable {
        case topic, partition, offset
        /// The whole (primitive) key.
        case key
        case keyField(String)
        case valueField(String)
        /// The whole (STRING) value: `string.output.value.column.name`.
        case value

        var isValueField: Bool {
            if case .valueField = self { return true }
            return false
        }
    }
    struct Column: Sendable {
        let name: String
        /// Connect schema (nil for schemaless values: the table's column type decides).
        let schema: Schema?
        let source: Source
        /// Where a `.valueField` is in every record's map, when all records of the run have the same
        /// names in the same order (schemaless JSON from one producer): read by index, not by name.
        var position: Int? = nil
    }
    let keyColumns: [Column]
    let valueColumns: [Column]
    /// The order CREATE TABLE lists them in: Kafka coordinates, value fields, then the rest sorted.
    let createOrder: [Column]
    /// Every record of the run has every column (false when a schemaless record may lack one).
    var complete = true

    var all: [Column] { keyColumns + valueColumns }

    static let kafkaNames = ["__connect_topic", "__connect_partition", "__connect_offset"]

    /// Fields of records with schemas. `table` names the destination in messages.
    static func forSchemas(
        keySchema: Schema?, valueSchema: Schema?, config: JdbcSinkConfig, table: String
    ) throws(ConnectError) -> SinkFields {
        if let valueSchema, valueSchema.type != .struct, valueSchema.type != .string {
            throw ConnectError(
                .data,
                "Sink connector requires records with a Struct value schema; table \(table) got a value schema of type \(valueSchema.type.rawValue.uppercased())"
            )
        }
        let valueFields = valueSchema?.fields ?? []
        var keys: [Column] = []
        switch config.pkMode {
        case .none:
            break
        case .kafka:
            let names = config.pkFields.isEmpty ? kafkaNames : config.pkFields
            keys = [
                Column(name: names[0], schema: Schema(type: .string), source: .topic),
                Column(name: names[1], schema: Schema(type: .int32), source: .partition),
                Column(name: names[2], schema: Schema(type: .int64), source: .offset),
            ]
        case .recordKey:
            guard let keySchema else {
                throw ConnectError(
                    .data, "PK mode for table '\(table)' is RECORD_KEY, but record key schema is missing")
            }
            if keySchema.type == .struct {
                let wanted = config.pkFields.isEmpty ? keySchema.fields.map(\.name) : config.pkFields
                for name in wanted {
                    guard let f = keySchema.field(named: name) else {
                        throw ConnectError(
                            .data,
                            "PK mode for table '\(table)' is RECORD_KEY with configured PK fields \(config.pkFields), but record key schema does not contain field: \(name)"
                        )
                    }
                    keys.append(Column(name: f.name, schema: f.schema, source: .keyField(f.name)))
                }
            } else {
                guard config.pkFields.count == 1 else {
                    throw ConnectError(
                        .data,
                        "Need exactly one PK column defined since the key schema for records is a primitive type, defined columns are: \(config.pkFields)"
                    )
                }
                keys = [Column(name: config.pkFields[0], schema: keySchema, source: .key)]
            }
        case .recordValue:
            guard valueSchema != nil else {
                throw ConnectError(
                    .data, "PK mode for table '\(table)' is RECORD_VALUE, but record value schema is missing")
            }
            let wanted = config.pkFields.isEmpty ? valueFields.map(\.name) : config.pkFields
            for name in wanted {
                guard let f = valueFields.first(where: { $0.name == name }) else {
                    throw ConnectError(
                        .data,
                        "PK mode for table '\(table)' is RECORD_VALUE with configured PK fields \(config.pkFields), but record value schema does not contain field: \(name)"
                    )
                }
                keys.append(Column(name: f.name, schema: f.schema, source: .valueField(f.name)))
            }
        }
        let keyNames = Set(keys.map(\.name))
        var values = valueFields.filter {
            !keyNames.contains($0.name) && (config.fieldsWhitelist.isEmpty || config.fieldsWhitelist.contains($0.name))
        }.map { Column(name: $0.name, schema: $0.schema, source: .valueField($0.name)) }
        if let valueSchema, valueSchema.type == .string {
            // Confluent writes STRING values (StringConverter) into one column of this name.
            values = [Column(name: config.stringValueColumn, schema: valueSchema, source: .value)]
        }
        if (config.insertMode == .upsert || config.insertMode == .update) && keys.isEmpty {
            throw ConnectError(
                .data,
                "Write to table '\(table)' in \(config.insertMode.rawValue.uppercased()) mode requires key field names to be known, check the primary key configuration"
            )
        }
        // CREATE TABLE order: coordinates first, then value-schema order, then the remaining keys sorted.
        var order = keys.filter { [.topic, .partition, .offset].contains($0.source) }
        let byName = Dictionary((keys + values).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in valueFields.map(\.name) + values.filter({ $0.source == .value }).map(\.name) {
            if let c = byName[name], !order.contains(where: { $0.name == c.name }) { order.append(c) }
        }
        for c in (keys + values).sorted(by: { $0.name < $1.name }) where !order.contains(where: { $0.name == c.name }) {
            order.append(c)
        }
        return SinkFields(keyColumns: keys, valueColumns: values, createOrder: order)
    }

    /// Fields of schemaless map values: the table's columns present in the records, keys by pk.fields or
    /// else the table's primary key.
    static func forSchemaless(
        records: ArraySlice<SinkRecord>, tableColumns: [PostgresCatalog.ColumnInfo], config: JdbcSinkConfig,
        table: String
    ) throws(ConnectError) -> SinkFields {
        // Field names seen in the run; records usually share them, so a short list beats hashing each.
        var present: [String] = []
        // Every record has the names of the first, in its order.
        var uniform = true
        var firstNames: [String?] = []
        for r in records.indices {
            guard case .map(let entries) = records[r].value else {
                uniform = false
                continue
            }
            // Usually the names of the record before, in its order: nothing new to look up.
            if entries.count == present.count
                && entries.indices.allSatisfy({ entries[$0].key.stringValue == present[$0] })
            {
                continue
            }
            if r == records.startIndex { firstNames = entries.map(\.key.stringValue) } else { uniform = false }
            for e in entries {
                if let k = e.key.stringValue, !present.contains(k) { present.append(k) }
            }
        }
        let keyNames: [String]
        switch config.pkMode {
        case .none: keyNames = []
        case .kafka: keyNames = config.pkFields.isEmpty ? kafkaNames : config.pkFields
        case .recordKey, .recordValue:
            keyNames = config.pkFields.isEmpty ? tableColumns.filter(\.primaryKey).map(\.name) : config.pkFields
        }
        if keyNames.isEmpty && (config.insertMode == .upsert || config.insertMode == .update) {
            throw ConnectError(
                .data,
                "Write to table '\(table)' in \(config.insertMode.rawValue.uppercased()) mode requires key field names to be known: set pk.fields or give the table a primary key"
            )
        }
        var keys: [Column] = []
        for (i, name) in keyNames.enumerated() {
            let source: Source
            switch config.pkMode {
            case .kafka: source = [.topic, .partition, .offset][min(i, 2)]
            case .recordKey: source = keyNames.count == 1 ? .key : .keyField(name)
            default: source = .valueField(name)
            }
            keys.append(Column(name: name, schema: nil, source: source))
        }
        let keySet = Set(keyNames)
        var values = tableColumns.filter {
            present.contains($0.name) && !keySet.contains($0.name)
                && (config.fieldsWhitelist.isEmpty || config.fieldsWhitelist.contains($0.name))
        }.map { Column(name: $0.name, schema: nil, source: .valueField($0.name)) }
        if uniform {
            for i in keys.indices where keys[i].source.isValueField {
                keys[i].position = firstNames.firstIndex(of: keys[i].name)
            }
            for i in values.indices { values[i].position = firstNames.firstIndex(of: values[i].name) }
        }
        // Key fields come from map keys, which may lack one.
        let fromKeyMaps = keys.contains { if case .keyField = $0.source { true } else { false } }
        return SinkFields(
            keyColumns: keys, valueColumns: values, createOrder: keys + values, complete: uniform && !fromKeyMaps)
    }
}

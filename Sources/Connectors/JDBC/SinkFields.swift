import ConnectAPI

#if canImport(Glibc)
    import Glibc
#endif

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
    /// Schemaless fields (or pk.fields) that match no column of the table.
    var unmatched: [String] = []
    /// Where the member values are in each record's bytes, for a uniform run whose values all came as
    /// JSON: found once, while reading the names, and not scanned for again to write the rows.
    var jsonValues: JSONValues?

    struct JSONValues: Sendable {
        /// The run's first index.
        let start: Int
        /// Members per record: the first record's names, in its order.
        let stride: Int
        let ranges: [Range<Int>]

        /// Where the value at `position` of the record at `index` of the run is in its bytes.
        func range(_ index: Int, _ position: Int) -> Range<Int> { ranges[(index - start) * stride + position] }
    }

    var all: [Column] { keyColumns + valueColumns }

    /// Whether `column` is one of the primary-key columns.
    func isKey(_ column: Column) -> Bool { keyColumns.contains { $0.name == column.name } }

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

    /// Fields of schemaless map values, matched to the table's columns as PostgreSQL resolves unquoted
    /// names: a field `magType` fills the column `magtype` that `CREATE TABLE q (magType TEXT)` made. Keys
    /// come from pk.fields or else the table's primary key. Fields that match no column are listed in
    /// `unmatched` (with a value seen for each, for `auto.evolve`): the caller adds or refuses them, as
    /// Confluent does for a schema field the table lacks. Never dropped silently.
    static func forSchemaless(
        records: ArraySlice<SinkRecord>, tableColumns: [PostgresCatalog.ColumnInfo], config: JdbcSinkConfig,
        table: String
    ) throws(ConnectError) -> SinkFields {
        // Field names seen in the run; records usually share them, so a short list beats hashing each.
        var present: [String] = []
        // Every record has the names of the first, in its order.
        var uniform = true
        var firstNames: [String?] = []
        // Read in place: indexing the slice copied each SinkRecord.
        // Values that came as JSON are scanned for their names; the last one whose names are `present`
        // is the reference that later ones are compared with, byte for byte.
        var members = JSONMembers()
        var reference: JSONReference?
        var allJSON = true
        var jsonValues: [Range<Int>] = []
        records.withUnsafeBufferPointer { buffer in
            for r in buffer.indices {
                let names: [String?]
                let found: FieldNames
                if let json = buffer[r].valueJSON {
                    found = jsonFieldNames(json, &members, &reference, present)
                    for i in 0..<members.count { jsonValues.append(members[i].value) }
                } else {
                    allJSON = false
                    found = fieldNames(buffer[r], present)
                }
                switch found {
                // Usually the names of the record before, in its order: nothing new to look up.
                case .present: continue
                case .notAnObject:
                    uniform = false
                    continue
                case .these(let n): names = n
                }
                if r == 0 { firstNames = names } else { uniform = false }
                for case let k? in names where !present.contains(k) { present.append(k) }
            }
        }
        let columnNames = tableColumns.map(\.name)
        let keyNames: [String]
        // Whether key names are columns (the table's primary key) rather than field names (pk.fields).
        var keysAreColumns = false
        switch config.pkMode {
        case .none: keyNames = []
        case .kafka: keyNames = config.pkFields.isEmpty ? kafkaNames : config.pkFields
        case .recordKey, .recordValue:
            keysAreColumns = config.pkFields.isEmpty
            keyNames = keysAreColumns ? tableColumns.filter(\.primaryKey).map(\.name) : config.pkFields
        }
        if keyNames.isEmpty && (config.insertMode == .upsert || config.insertMode == .update) {
            throw ConnectError(
                .data,
                "Write to table '\(table)' in \(config.insertMode.rawValue.uppercased()) mode requires key field names to be known: set pk.fields or give the table a primary key"
            )
        }
        var unmatched: [String] = []
        var keys: [Column] = []
        for (i, name) in keyNames.enumerated() {
            var column = name
            var field = name
            if keysAreColumns {
                // The table's key column; the record's field may spell it in another case.
                if config.pkMode == .recordValue, !present.contains(name),
                    let f = try resolve(name, among: present, what: "column", of: table)
                {
                    field = f
                }
            } else if let c = try resolve(name, among: columnNames, what: "field", of: table) {
                column = c
            } else {
                unmatched.append(name)
            }
            let source: Source
            switch config.pkMode {
            case .kafka: source = [.topic, .partition, .offset][min(i, 2)]
            case .recordKey: source = keyNames.count == 1 ? .key : .keyField(field)
            default: source = .valueField(field)
            }
            keys.append(Column(name: column, schema: nil, source: source))
        }
        let keyColumns = Set(keys.map { $0.name })
        let keyFields = Set(keys.compactMap { if case .valueField(let f) = $0.source { f } else { nil } })
        var values: [Column] = []
        for field in present where !keyFields.contains(field) {
            guard config.fieldsWhitelist.isEmpty || config.fieldsWhitelist.contains(field) else { continue }
            guard let column = try resolve(field, among: columnNames, what: "field", of: table) else {
                unmatched.append(field)
                continue
            }
            // A key column is filled from the key (pk.mode=record_key, or kafka): its value field is not read.
            if keyColumns.contains(column) { continue }
            if values.contains(where: { $0.name == column }) {
                throw ConnectError(
                    .data,
                    "Fields of the records for table '\(table)' fill the column \(column) twice (field \(field)): field names that differ only in case need columns that do too"
                )
            }
            values.append(Column(name: column, schema: nil, source: .valueField(field)))
        }
        if uniform {
            for i in keys.indices {
                if case .valueField(let f) = keys[i].source { keys[i].position = firstNames.firstIndex(of: f) }
            }
            for i in values.indices {
                if case .valueField(let f) = values[i].source { values[i].position = firstNames.firstIndex(of: f) }
            }
        }
        // Key fields come from map keys, which may lack one.
        let fromKeyMaps = keys.contains { if case .keyField = $0.source { true } else { false } }
        var fields = SinkFields(
            keyColumns: keys, valueColumns: values, createOrder: keys + values, complete: uniform && !fromKeyMaps)
        fields.unmatched = unmatched
        if uniform && allJSON {
            fields.jsonValues = JSONValues(start: records.startIndex, stride: firstNames.count, ranges: jsonValues)
        }
        return fields
    }

    private enum FieldNames {
        /// The names `present` lists, in its order.
        case present
        /// The value is neither a map nor a JSON object.
        case notAnObject
        case these([String?])
    }

    /// A JSON value whose names are `present`, in order, and where they are in its bytes.
    private struct JSONReference {
        let json: [UInt8]
        let names: [Range<Int>]
    }

    /// The field names of a value that came as JSON. A value is in JsonConverter's form, where each
    /// name has one spelling: equal bytes are equal names, so it is compared with the reference without
    /// decoding, and decoded only when it differs.
    private static func jsonFieldNames(
        _ json: [UInt8], _ members: inout JSONMembers, _ reference: inout JSONReference?, _ present: [String]
    ) -> FieldNames {
        json.withUnsafeBytes { b in
            guard members.scan(b) else { return .notAnObject }
            if let reference, reference.names.count == members.count,
                reference.json.withUnsafeBytes({ r in
                    reference.names.indices.allSatisfy { i in
                        let a = members[i].name
                        let e = reference.names[i]
                        return a.count == e.count
                            && memcmp(b.baseAddress! + a.lowerBound, r.baseAddress! + e.lowerBound, a.count) == 0
                    }
                })
            {
                return .present
            }
            let names = (0..<members.count).map { JSONMembers.decodedString(members[$0].name, in: b) }
            // The first names seen become `present` as they are.
            if present.isEmpty || names == present {
                reference = JSONReference(json: json, names: (0..<members.count).map { members[$0].name })
            }
            return names == present ? .present : .these(names)
        }
    }

    /// The field names of a map value, compared with `present` first.
    private static func fieldNames(_ r: borrowing SinkRecord, _ present: [String]) -> FieldNames {
        guard case .map(let entries) = r.value else { return .notAnObject }
        if entries.count == present.count && entries.indices.allSatisfy({ entries[$0].key.stringValue == present[$0] })
        {
            return .present
        }
        return .these(entries.map(\.key.stringValue))
    }

    /// The one name of `names` that `name` resolves to: itself, else the only one equal to it ignoring
    /// case (PostgreSQL folds unquoted names to lower case, so `magType` in DDL is the column `magtype`);
    /// nil when none matches. Two that differ only in case, and neither exactly, are ambiguous.
    static func resolve(_ name: String, among names: [String], what: String, of table: String) throws(ConnectError)
        -> String?
    {
        if names.contains(name) { return name }
        let folded = name.lowercased()
        let matches = names.filter { $0.lowercased() == folded }
        guard matches.count <= 1 else {
            throw ConnectError(
                .data,
                "The \(what) \(name) for table '\(table)' matches \(matches.sorted().joined(separator: " and ")) ignoring case: rename one so that it is exact"
            )
        }
        return matches.first
    }
}

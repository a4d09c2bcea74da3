import ConnectAPI

/// Kafka's `org.apache.kafka.connect.transforms.ReplaceField$Key` / `$Value`: drops `exclude`d fields,
/// keeps only `include`d ones when that list is not empty (exclude wins), then applies `renames`.
public struct ReplaceField: Transformation {
    public static let configDef = ConfigDef()
        .define(
            "exclude", .list, defaultValue: "", importance: .medium,
            documentation: "Fields to exclude. This takes precedence over the fields to include."
        )
        .define(
            "include", .list, defaultValue: "", importance: .medium,
            documentation: "Fields to include. If specified, only these fields will be used."
        )
        .define(
            "renames", .list, defaultValue: "", validator: renamesValidator, importance: .medium,
            documentation: "Field rename mappings."
        )
        .define(
            "blacklist", .list, defaultValue: .some(nil), importance: .low,
            documentation: "Deprecated. Use exclude instead."
        )
        .define(
            "whitelist", .list, defaultValue: .some(nil), importance: .low,
            documentation: "Deprecated. Use include instead."
        )
        .definingReplaceNullWithDefault()

    static let renamesValidator = ConfigValidator("list of colon-delimited pairs, e.g. foo:bar,abc:xyz") {
        name, value in
        for entry in ConfigDef.listEntries(value)
        where entry.split(separator: ":", omittingEmptySubsequences: false).count != 2 {
            return "Invalid value \(value) for configuration \(name): Invalid rename mapping: \(entry)"
        }
        return nil
    }

    let operand: Operand
    let exclude: Set<String>
    let include: Set<String>
    let renames: [String: String]
    let replaceNullWithDefault: Bool
    /// The updated schema and, per field of it, the field of the operand it comes from.
    private let cache = SchemaCache<(schema: Schema, sources: [Field])>()

    public init(_ operand: Operand, config: [String: String]) throws {
        let c = try Self.configDef.parse(config)
        self.operand = operand
        // The pre-3.0 names still work, as Kafka's deprecated synonyms.
        let exclude = config["exclude"] == nil && config["blacklist"] != nil ? c.list("blacklist") : c.list("exclude")
        let include = config["include"] == nil && config["whitelist"] != nil ? c.list("whitelist") : c.list("include")
        self.exclude = Set(exclude)
        self.include = Set(include)
        var renames: [String: String] = [:]
        for entry in c.list("renames") {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            renames[parts[0]] = parts[1]
        }
        self.renames = renames
        replaceNullWithDefault = c.bool("replace.null.with.default") ?? true
    }

    private static let purpose = "field replacement"

    func keeps(_ name: String) -> Bool { !exclude.contains(name) && (include.isEmpty || include.contains(name)) }
    func renamed(_ name: String) -> String { renames[name] ?? name }

    public func apply<R: ConnectRecord>(_ record: R) throws -> R? {
        let value = operand.value(of: record)
        if value.isNull { return record }  // tombstones pass
        guard let schema = operand.schema(of: record) else {
            var out: [MapEntry] = []
            for e in try Requirements.mapEntries(value, Self.purpose) {
                guard case .string(let name) = e.key else {
                    throw ConnectError(
                        .data, "Only String keys supported for [\(Self.purpose)], found: \(e.key.kindName)")
                }
                if keeps(name) { out.append(MapEntry(key: .string(renamed(name)), value: e.value)) }
            }
            return operand.updating(record, schema: nil, value: .map(out))
        }
        let s = try Requirements.struct(value, Self.purpose)
        let updated = try cache.derived(from: schema) { schema in
            let kept = schema.fields.filter { keeps($0.name) }
            return (schema.structWithBasics(kept.map { (renamed($0.name), $0.schema) }), kept)
        }
        let values = updated.sources.map {
            Requirements.fieldValue(s, $0, replaceNullWithDefault: replaceNullWithDefault)
        }
        return operand.updating(
            record, schema: updated.schema, value: .struct(Struct(schema: updated.schema, values: values)))
    }
}

import Avro

/// A schema the registry accepted: Avro (parsed, rendered as Java's `Schema.toString()` would) or JSON
/// Schema (kept as compact JSON).
public enum ParsedSchema: Sendable {
    case avro(AvroSchema)
    case json(JSONSchemaValidator)

    /// `schemaType` as stored and returned: nil for Avro (Confluent omits it), `JSON` otherwise.
    public var type: String? {
        switch self {
        case .avro: nil
        case .json: "JSON"
        }
    }

    public var text: String {
        switch self {
        case .avro(let a): a.json
        case .json(let j): j.canonicalText
        }
    }

    /// Parses stored or submitted text of `type` (nil or AVRO, JSON); nil when it does not parse.
    public static func parse(_ text: String, type: String?) -> ParsedSchema? {
        if type == "JSON" { return (try? JSONSchemaValidator(text)).map(ParsedSchema.json) }
        return (try? AvroSchemaParser.parse(text)).map(ParsedSchema.avro)
    }

    /// Why `self` may not follow `existing` (oldest first, with their versions) at `level`, in Confluent's
    /// words; empty = compatible.
    ///
    /// As Confluent's `CompatibilityChecker`: the plain levels check the latest version, the transitive
    /// ones every version newest first and stop at the first that fails. Each incompatibility is
    /// Confluent's `Difference` text with `new`/`old` for the reader/writer; the failing version's number
    /// and text follow (`{oldSchemaVersion: 2}`, `{oldSchema: '…'}`), and the list ends with
    /// `{validateFields: 'false', compatibility: 'BACKWARD'}`.
    ///
    /// JSON Schema compatibility is not analysed: at any level but NONE a JSON schema must equal the
    /// versions it is checked against (a changed one is refused rather than let through unchecked). A
    /// change of schema type is incompatible unless the level is NONE, as in Confluent's registry.
    func incompatibilities(_ level: AvroCompatibility.Level, existing: [(schema: ParsedSchema, version: Int?)])
        -> [String]
    {
        if level == .none { return [] }
        let transitive = level.rawValue.hasSuffix("_TRANSITIVE")
        let against = transitive ? Array(existing.reversed()) : Array(existing.suffix(1))
        for old in against {
            let found = problems(level, old: old.schema, version: old.version)
            if !found.isEmpty {
                return found + ["{validateFields: 'false', compatibility: '\(level.rawValue)'}"]
            }
        }
        return []
    }

    private func problems(_ level: AvroCompatibility.Level, old: ParsedSchema, version: Int?) -> [String] {
        switch (self, old) {
        case (.avro(let new), .avro(let o)):
            func messages(reader: AvroSchema, writer: AvroSchema, _ r: String, _ w: String, append: Bool) -> [String] {
                let found = AvroCompatibility.check(reader: reader, writer: writer)
                if found.isEmpty { return [] }
                var out = found.map { Self.difference($0, reader: r, writer: w) }
                if append {
                    if let version { out.append("{oldSchemaVersion: \(version)}") }
                    let text = old.text
                    out.append(
                        text.utf16.count <= 10 * 1024
                            ? "{oldSchema: '\(text)'}"
                            : "{oldSchema: <truncated> '\(String(text.utf16.prefix(10 * 1024)) ?? "")...'}")
                }
                return out
            }
            switch level {
            case .backward, .backwardTransitive:
                return messages(reader: new, writer: o, "new", "old", append: true)
            case .forward, .forwardTransitive:
                return messages(reader: o, writer: new, "old", "new", append: true)
            case .full, .fullTransitive:
                return messages(reader: o, writer: new, "old", "new", append: false)
                    + messages(reader: new, writer: o, "new", "old", append: true)
            case .none:
                return []
            }
        case (.json, .json):
            if old.text == text { return [] }
            return [
                "{errorType:'JSON_SCHEMA_CHANGED', description:'JSON Schema compatibility is not analysed by this registry; set the subject's compatibility to NONE to evolve a JSON schema'}"
            ]
        default:
            return ["Incompatible because of different schema type"]
        }
    }

    /// Confluent's `Difference.error()` (client/src/main/java/io/confluent/kafka/schemaregistry/avro/Difference.java)
    /// with its `%s` filled with the reader's and the writer's role.
    static func difference(_ i: AvroCompatibility.Incompatibility, reader: String, writer: String) -> String {
        let path = i.location
        let description: String
        switch i.type {
        case "FIXED_SIZE_MISMATCH":
            description =
                "The size of FIXED type field at path '\(path)' in the \(reader) schema does not match with the \(writer) schema"
        case "TYPE_MISMATCH":
            description =
                "The type (path '\(path)') of a field in the \(reader) schema does not match with the \(writer) schema"
        case "NAME_MISMATCH":
            description = "The name of the schema has changed (path '\(path)')"
        case "MISSING_ENUM_SYMBOLS":
            description =
                "The \(reader) schema is missing enum symbols '\(i.message)' at path '\(path)' in the \(writer) schema"
        case "MISSING_UNION_BRANCH":
            description =
                "The \(reader) schema is missing a type inside a union field at path '\(path)' in the \(writer) schema"
        case "READER_FIELD_MISSING_DEFAULT_VALUE":
            description =
                "The field '\(i.message)' at path '\(path)' in the \(reader) schema has no default value and is missing in the \(writer) schema"
        default:
            description = ""
        }
        return "{errorType:'\(i.type)', description:'\(description)', additionalInfo:'\(i.message)'}"
    }
}

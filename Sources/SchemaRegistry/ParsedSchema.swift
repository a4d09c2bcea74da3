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

    /// Why `self` may not follow `existing` (oldest first) at `level`; empty = compatible.
    ///
    /// JSON Schema compatibility is not analysed: at any level but NONE a JSON schema must equal the
    /// versions it is checked against (a changed one is refused rather than let through unchecked). A
    /// change of schema type is incompatible unless the level is NONE, as in Confluent's registry.
    func incompatibilities(_ level: AvroCompatibility.Level, existing: [ParsedSchema]) -> [String] {
        if level == .none { return [] }
        let transitive = level.rawValue.hasSuffix("_TRANSITIVE")
        let against = transitive ? existing : existing.suffix(1)
        var out: [String] = []
        for old in against {
            switch (self, old) {
            case (.avro(let new), .avro(let o)):
                out += AvroCompatibility.check(level, new: new, existing: [o]).map(\.description)
            case (.json, .json):
                if old.text != text {
                    out.append(
                        "{errorType:'JSON_SCHEMA_CHANGED', description:'JSON Schema compatibility is not analysed by this registry; set the subject's compatibility to NONE to evolve a JSON schema'}"
                    )
                }
            default:
                out.append(
                    "{errorType:'TYPE_MISMATCH', description:'the schema type changed from \(old.type ?? "AVRO") to \(type ?? "AVRO")'}"
                )
            }
        }
        return out
    }
}

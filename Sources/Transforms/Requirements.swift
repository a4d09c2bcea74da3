import ConnectAPI
import Synchronization

/// The operand checks of Kafka's SMTs (`Requirements`), with their messages.
enum Requirements {
    /// Throws unless `v` is a map (a null too when `orNull` is false).
    static func map(_ v: Value, _ purpose: String, orNull: Bool = false) throws {
        switch v {
        case .map: return
        case .null where orNull: return
        default: throw notMap(v, purpose)
        }
    }

    static func `struct`(_ v: Value, _ purpose: String) throws -> Struct {
        guard let s = try structOrNull(v, purpose) else { throw notStruct(v, purpose) }
        return s
    }

    static func structOrNull(_ v: Value, _ purpose: String) throws -> Struct? {
        switch v {
        case .null: return nil
        case .struct(let s): return s
        default: throw notStruct(v, purpose)
        }
    }

    /// The entries of a schemaless map operand.
    static func mapEntries(_ v: Value, _ purpose: String) throws -> [MapEntry] {
        guard case .map(let entries) = v else { throw notMap(v, purpose) }
        return entries
    }

    static func schema(_ s: Schema?, _ purpose: String) throws -> Schema {
        guard let s else { throw ConnectError(.data, "Schema required for [\(purpose)]") }
        return s
    }

    /// Kafka offsets exist only on sink records.
    static func sinkRecord<R: ConnectRecord>(_ r: R, _ purpose: String) throws -> SinkRecord {
        guard let s = r as? SinkRecord else {
            throw ConnectError(
                .data, "Only SinkRecord supported for [\(purpose)], found: org.apache.kafka.connect.source.SourceRecord"
            )
        }
        return s
    }

    /// A field's value; a null replaced by the field's default when asked (Struct.get vs getWithoutDefault).
    static func fieldValue(_ s: Struct, _ f: Field, replaceNullWithDefault: Bool) -> Value {
        let v = f.index < s.values.count ? s.values[f.index] : .null
        if v.isNull, replaceNullWithDefault, let d = f.schema.defaultValue { return d }
        return v
    }

    private static func notMap(_ v: Value, _ purpose: String) -> ConnectError {
        ConnectError(.data, "Only Map objects supported in absence of schema for [\(purpose)], found: \(v.kindName)")
    }

    private static func notStruct(_ v: Value, _ purpose: String) -> ConnectError {
        ConnectError(.data, "Only Struct objects supported for [\(purpose)], found: \(v.kindName)")
    }
}

/// What a transformation derives from an operand schema (an updated schema, the fields it reads), kept
/// for the last schema seen: records of one table or topic share their schema.
final class SchemaCache<Derived: Sendable>: Sendable {
    private let last = Mutex<(source: Schema, derived: Derived)?>(nil)

    init() {}

    func derived(from source: Schema, _ make: (Schema) throws -> Derived) throws -> Derived {
        if let hit = last.withLock({ $0 }), hit.source === source || hit.source == source { return hit.derived }
        let d = try make(source)
        last.withLock { $0 = (source, d) }
        return d
    }
}

extension Schema {
    /// A struct schema with this schema's name, version, doc and parameters (Kafka's
    /// `SchemaUtil.copySchemaBasics`, which leaves optionality and the default to the caller).
    func structWithBasics(_ fields: [(String, Schema)], optional: Bool = false) -> Schema {
        Schema(
            type: .struct, optional: optional, name: name, version: version, doc: doc, parameters: parameters,
            fields: fields.enumerated().map { Field(name: $0.element.0, index: $0.offset, schema: $0.element.1) })
    }
}

extension ConfigDef {
    /// `replace.null.with.default`, which most struct-reading SMTs share.
    func definingReplaceNullWithDefault() -> ConfigDef {
        define(
            "replace.null.with.default", .boolean, defaultValue: "true", importance: .medium,
            documentation: "Whether to replace fields that have a default value and that are null to the default value."
        )
    }
}

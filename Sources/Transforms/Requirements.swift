import ConnectAPI
import Synchronization

/// The operand checks of Kafka's SMTs (`Requirements`), with their messages.
enum Requirements {
    static func map(_ v: Value, _ purpose: String) throws -> [MapEntry] {
        guard let m = try mapOrNull(v, purpose) else { throw notMap(v, purpose) }
        return m
    }

    static func mapOrNull(_ v: Value, _ purpose: String) throws -> [MapEntry]? {
        switch v {
        case .null: return nil
        case .map(let entries): return entries
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

/// One derived schema per source schema, kept for the last source schema seen.
final class SchemaCache: Sendable {
    private let last = Mutex<(source: Schema, derived: Schema)?>(nil)

    func derived(from source: Schema, _ make: (Schema) throws -> Schema) throws -> Schema {
        if let hit = last.withLock({ $0 }), hit.source === source || hit.source == source { return hit.derived }
        let d = try make(source)
        last.withLock { $0 = (source, d) }
        return d
    }
}

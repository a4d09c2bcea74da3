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

/// The key schema derived from a value schema and the value fields it takes, kept for the last value
/// schema seen.
final class SchemaCache: Sendable {
    typealias Derived = (schema: Schema, fields: [Field])
    private let last = Mutex<(source: Schema, derived: Derived)?>(nil)

    func derived(from source: Schema, _ make: (Schema) throws -> Derived) throws -> Derived {
        if let hit = last.withLock({ $0 }), hit.source === source || hit.source == source { return hit.derived }
        let d = try make(source)
        last.withLock { $0 = (source, d) }
        return d
    }
}

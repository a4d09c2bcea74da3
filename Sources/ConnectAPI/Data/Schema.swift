/// A Connect schema: the type of a key, value, field, array item or map entry.
///
/// Schemas are immutable and shared between many records, so this is a class (one allocation per
/// schema, not per value).
public final class Schema: Sendable, Hashable, CustomStringConvertible {
    public enum SchemaType: String, Sendable {
        case int8, int16, int32, int64, float32, float64, boolean, string, bytes, array, map
        case `struct`
        public var isPrimitive: Bool { self != .array && self != .map && self != .struct }
    }

    public let type: SchemaType
    public let isOptional: Bool
    public let defaultValue: Value?
    public let name: String?
    public let version: Int32?
    public let doc: String?
    /// Ordered, as `SchemaBuilder` keeps them.
    public let parameters: [(String, String)]
    /// Struct fields, in order.
    public let fields: [Field]
    /// Map keys.
    public let keySchema: Schema?
    /// Map values, or array items.
    public let valueSchema: Schema?
    /// For structs: every field's `"name":` as JSON bytes, back to back; field i's are
    /// `jsonFieldPrefixBytes[jsonFieldPrefixStarts[i]..<jsonFieldPrefixStarts[i + 1]]`. Made once here so
    /// converters writing many records of this schema do not escape the same names for every record, and
    /// flat so that writing them reads one buffer in place (an array per field was retained and released
    /// for every field of every record).
    public let jsonFieldPrefixBytes: [UInt8]
    public let jsonFieldPrefixStarts: [Int]
    /// For structs: each field's schema type, for the per-record loops of converters, which then do not
    /// touch (retain and release) the field's schema for the common case of a primitive value.
    public let fieldTypes: [SchemaType]

    public init(
        type: SchemaType, optional: Bool = false, defaultValue: Value? = nil, name: String? = nil,
        version: Int32? = nil, doc: String? = nil, parameters: [(String, String)] = [], fields: [Field] = [],
        keySchema: Schema? = nil, valueSchema: Schema? = nil
    ) {
        self.type = type
        self.isOptional = optional
        self.defaultValue = defaultValue
        self.name = name
        self.version = version
        self.doc = doc
        self.parameters = parameters
        self.fields = fields
        self.keySchema = keySchema
        self.valueSchema = valueSchema
        var prefixes: [UInt8] = []
        var starts = [0]
        for f in fields {
            JSONWriter.writeString(f.name, to: &prefixes)
            prefixes.append(UInt8(ascii: ":"))
            starts.append(prefixes.count)
        }
        self.jsonFieldPrefixBytes = prefixes
        self.jsonFieldPrefixStarts = starts
        self.fieldTypes = fields.map(\.schema.type)
    }

    public func field(named name: String) -> Field? { fields.first { $0.name == name } }

    public func parameter(_ key: String) -> String? { parameters.first { $0.0 == key }?.1 }

    /// An equal schema in a new object (its fields' schemas shared).
    public func copy() -> Schema { with(optional: isOptional) }

    /// A copy with a different optionality (used when building derived schemas).
    public func with(optional: Bool) -> Schema {
        Schema(
            type: type, optional: optional, defaultValue: defaultValue, name: name, version: version, doc: doc,
            parameters: parameters, fields: fields, keySchema: keySchema, valueSchema: valueSchema)
    }

    /// A copy with a version (the AvroConverter gives a value schema its registry version).
    public func with(version: Int32?) -> Schema {
        Schema(
            type: type, optional: isOptional, defaultValue: defaultValue, name: name, version: version, doc: doc,
            parameters: parameters, fields: fields, keySchema: keySchema, valueSchema: valueSchema)
    }

    public static func == (a: Schema, b: Schema) -> Bool {
        if a === b { return true }
        return a.type == b.type && a.isOptional == b.isOptional && a.defaultValue == b.defaultValue
            && a.name == b.name && a.version == b.version && a.doc == b.doc
            && a.parameters.elementsEqual(b.parameters, by: { $0 == $1 }) && a.fields == b.fields
            && a.keySchema == b.keySchema && a.valueSchema == b.valueSchema
    }

    public func hash(into h: inout Hasher) {
        h.combine(type)
        h.combine(isOptional)
        h.combine(name)
        h.combine(fields.count)
    }

    public var description: String {
        "Schema{\(name.map { "\($0):" } ?? "")\(type.rawValue.uppercased())\(isOptional ? "?" : "")}"
    }

    // Common schemas, as Connect's `Schema.*_SCHEMA` constants.
    public static let int8 = Schema(type: .int8)
    public static let int16 = Schema(type: .int16)
    public static let int32 = Schema(type: .int32)
    public static let int64 = Schema(type: .int64)
    public static let float32 = Schema(type: .float32)
    public static let float64 = Schema(type: .float64)
    public static let boolean = Schema(type: .boolean)
    public static let string = Schema(type: .string)
    public static let bytes = Schema(type: .bytes)
    public static let optionalInt8 = Schema(type: .int8, optional: true)
    public static let optionalInt16 = Schema(type: .int16, optional: true)
    public static let optionalInt32 = Schema(type: .int32, optional: true)
    public static let optionalInt64 = Schema(type: .int64, optional: true)
    public static let optionalFloat32 = Schema(type: .float32, optional: true)
    public static let optionalFloat64 = Schema(type: .float64, optional: true)
    public static let optionalBoolean = Schema(type: .boolean, optional: true)
    public static let optionalString = Schema(type: .string, optional: true)
    public static let optionalBytes = Schema(type: .bytes, optional: true)

    public static func array(_ items: Schema, optional: Bool = false) -> Schema {
        Schema(type: .array, optional: optional, valueSchema: items)
    }
    public static func map(_ keys: Schema, _ values: Schema, optional: Bool = false) -> Schema {
        Schema(type: .map, optional: optional, keySchema: keys, valueSchema: values)
    }
    public static func `struct`(
        _ fields: [(String, Schema)], name: String? = nil, optional: Bool = false, version: Int32? = nil,
        doc: String? = nil
    ) -> Schema {
        Schema(
            type: .struct, optional: optional, name: name, version: version, doc: doc,
            fields: fields.enumerated().map { Field(name: $0.element.0, index: $0.offset, schema: $0.element.1) })
    }
}

/// A struct field.
public struct Field: Sendable, Hashable {
    public let name: String
    public let index: Int
    public let schema: Schema
    public init(name: String, index: Int, schema: Schema) {
        self.name = name
        self.index = index
        self.schema = schema
    }
}

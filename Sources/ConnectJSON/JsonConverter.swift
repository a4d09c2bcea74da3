import ConnectAPI
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Kafka Connect's `org.apache.kafka.connect.json.JsonConverter`, byte-compatible.
///
/// Values are written straight into a byte buffer (no intermediate dictionaries); schemas are turned
/// into JSON once and cached by identity.
public final class JsonConverter: Converter, HeaderConverter, @unchecked Sendable {
    public enum DecimalFormat: String, Sendable {
        case base64 = "BASE64"
        case numeric = "NUMERIC"
    }

    public let schemasEnabled: Bool
    public let decimalFormat: DecimalFormat
    public let replaceNullWithDefault: Bool
    // Schema → its JSON bytes; schemas are long-lived, so caching by identity is cheap and effective.
    private let schemaCache = Mutex<[ObjectIdentifier: (Schema, [UInt8])]>([:])
    /// Parsed schemas by their JSON bytes (as they arrive, or re-written when the envelope had another
    /// shape), and the latest one (a topic's messages repeat their schema byte for byte, so most lookups
    /// are one comparison).
    private let schemas = Mutex<(last: (bytes: [UInt8], schema: Schema)?, all: [SchemaBytes: Schema])>((nil, [:]))
    private let cacheSize: Int

    public static let configDef = ConfigDef()
        .define(
            "schemas.enable", .boolean, defaultValue: "true", importance: .high,
            documentation: "Include schemas within each of the serialized values and keys.", group: "Schemas",
            orderInGroup: 1, width: .medium, displayName: "Enable Schemas"
        )
        .define(
            "schemas.cache.size", .int, defaultValue: "1000", importance: .high,
            documentation: "The maximum number of schemas that can be cached in this converter instance.",
            group: "Schemas", orderInGroup: 2, width: .medium, displayName: "Schema Cache Size"
        )
        .define(
            "decimal.format", .string, defaultValue: "BASE64",
            validator: .oneOfIgnoringCase(["BASE64", "NUMERIC"]),
            importance: .low,
            documentation:
                "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
            group: "Serialization", orderInGroup: 1, width: .medium, displayName: "Decimal Format"
        )
        .define(
            "replace.null.with.default", .boolean, defaultValue: "true", importance: .low,
            documentation:
                "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
            group: "Serialization", orderInGroup: 2, width: .medium, displayName: "Replace null with default")

    public init(config: [String: String] = [:]) throws(ConfigException) {
        let parsed = try Self.configDef.parse(config)
        schemasEnabled = parsed.bool("schemas.enable") ?? true
        decimalFormat = DecimalFormat(rawValue: (parsed.string("decimal.format") ?? "BASE64").uppercased()) ?? .base64
        replaceNullWithDefault = parsed.bool("replace.null.with.default") ?? true
        cacheSize = parsed.int("schemas.cache.size") ?? 1000
    }

    // MARK: Connect → bytes

    private static let envelopeStart = Array(#"{"schema":"#.utf8)
    private static let envelopePayload = Array(#","payload":"#.utf8)
    private static let nullBytes = Array("null".utf8)

    public func fromConnectData(topic: String, schema: Schema?, value: Value) throws -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        return try fromConnectData(topic: topic, schema: schema, value: value, into: &out) ? out : nil
    }

    public func fromConnectData(topic: String, schema: Schema?, value: Value, into out: inout [UInt8]) throws -> Bool {
        if schema == nil && value.isNull { return false }
        if schemasEnabled {
            out.append(contentsOf: Self.envelopeStart)
            if let schema {
                out.append(contentsOf: schemaBytes(schema))
            } else {
                out.append(contentsOf: Self.nullBytes)
            }
            out.append(contentsOf: Self.envelopePayload)
            try writeValue(schema: schema, value: value, into: &out, applyDefault: true)
            out.append(UInt8(ascii: "}"))
        } else {
            try writeValue(schema: schema, value: value, into: &out, applyDefault: true)
        }
        return true
    }

    public func fromConnectHeader(topic: String, key: String, schema: Schema?, value: Value) throws -> [UInt8]? {
        try fromConnectData(topic: topic, schema: schema, value: value)
    }

    func schemaBytes(_ schema: Schema) -> [UInt8] {
        let id = ObjectIdentifier(schema)
        if let hit = schemaCache.withLock({ $0[id] }), hit.0 === schema { return hit.1 }
        let bytes = JSONWriter.bytes(JsonSchema.toJSON(schema, converter: self))
        schemaCache.withLock {
            if $0.count >= cacheSize { $0.removeAll(keepingCapacity: true) }
            $0[id] = (schema, bytes)
        }
        return bytes
    }

    func valueJSON(schema: Schema?, value: Value, applyDefault: Bool) throws -> [UInt8] {
        var out: [UInt8] = []
        try writeValue(schema: schema, value: value, into: &out, applyDefault: applyDefault)
        return out
    }

    func writeValue(schema: Schema?, value: Value, into out: inout [UInt8], applyDefault: Bool) throws {
        guard let schema else {
            try writeSchemaless(value, into: &out)
            return
        }
        if case .null = value {
            if applyDefault && replaceNullWithDefault, let d = schema.defaultValue {
                try writeValue(schema: schema, value: d, into: &out, applyDefault: false)
            } else if schema.isOptional || !applyDefault {
                out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            } else {
                throw ConnectError(
                    .data, "Conversion error: null value for field that is required and has no default value")
            }
            return
        }
        switch (schema.type, value) {
        case (.int8, .int8(let v)): JSONWriter.writeInt(Int64(v), to: &out)
        case (.int16, .int16(let v)): JSONWriter.writeInt(Int64(v), to: &out)
        case (.int32, .int32(let v)): JSONWriter.writeInt(Int64(v), to: &out)
        case (.int64, .int64(let v)): JSONWriter.writeInt(v, to: &out)
        case (.float32, .float32(let v)): out.append(contentsOf: JavaNumberFormat.float(v).utf8)
        case (.float64, .float64(let v)): out.append(contentsOf: JavaNumberFormat.double(v).utf8)
        case (.boolean, .boolean(let b)): JSONWriter.writeBool(b, to: &out)
        case (.string, .string(let s)): JSONWriter.writeString(s, to: &out)
        case (.bytes, .decimal(let d)):
            if decimalFormat == .numeric {
                // Jackson writes a BigDecimal with toString(): 1E-10, not 0.0000000001.
                out.append(contentsOf: d.javaString.utf8)
            } else {
                out.append(UInt8(ascii: "\""))
                Base64.encode(d.unscaled, into: &out)
                out.append(UInt8(ascii: "\""))
            }
        case (.bytes, .bytes(let b)):
            out.append(UInt8(ascii: "\""))
            Base64.encode(b, into: &out)
            out.append(UInt8(ascii: "\""))
        case (.array, .array(let items)):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try writeValue(schema: schema.valueSchema, value: item, into: &out, applyDefault: true)
            }
            out.append(UInt8(ascii: "]"))
        case (.map, .map(let entries)):
            if schema.keySchema?.type == .string {
                out.append(UInt8(ascii: "{"))
                for (i, e) in entries.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    guard case .string(let k) = e.key else {
                        throw ConnectError(
                            .data, "Map key of type \(e.key.kindName) does not match the map's STRING key schema")
                    }
                    JSONWriter.writeString(k, to: &out)
                    out.append(UInt8(ascii: ":"))
                    try writeValue(schema: schema.valueSchema, value: e.value, into: &out, applyDefault: true)
                }
                out.append(UInt8(ascii: "}"))
            } else {
                out.append(UInt8(ascii: "["))
                for (i, e) in entries.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(UInt8(ascii: "["))
                    try writeValue(schema: schema.keySchema, value: e.key, into: &out, applyDefault: true)
                    out.append(UInt8(ascii: ","))
                    try writeValue(schema: schema.valueSchema, value: e.value, into: &out, applyDefault: true)
                    out.append(UInt8(ascii: "]"))
                }
                out.append(UInt8(ascii: "]"))
            }
        case (.struct, .struct(let s)): try writeStruct(s, schema: schema, into: &out)
        default:
            throw ConnectError(
                .data, "Invalid type for \(schema.type.rawValue.uppercased()): \(value.kindName)")
        }
    }

    private func writeStruct(_ s: Struct, schema: Schema, into out: inout [UInt8]) throws {
        guard s.schema === schema || s.schema == schema else {
            throw ConnectError(.data, "Mismatching schema.")
        }
        // The loop below reads the values without bounds checks: a struct built with too few (a
        // transformation's or connector's mistake) must fail here, not read past them.
        guard s.values.count == schema.fieldTypes.count else {
            throw ConnectError(
                .data,
                "Struct\(schema.name.map { " " + $0 } ?? "") has \(s.values.count) values for its schema's \(schema.fieldTypes.count) fields"
            )
        }
        out.append(UInt8(ascii: "{"))
        // Borrowed element access: this runs for every field of every record, and copying fields and
        // values out of the arrays would retain and release their schemas and strings each time. The
        // field's schema is read only for what `writePrimitive` does not handle.
        try schema.fieldTypes.withUnsafeBufferPointer { types in
            try schema.jsonFieldPrefixStarts.withUnsafeBufferPointer { starts in
                try schema.jsonFieldPrefixBytes.withUnsafeBufferPointer { prefixes in
                    try s.values.withUnsafeBufferPointer { values in
                        for i in types.indices {
                            if i > 0 { out.append(UInt8(ascii: ",")) }
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: prefixes[starts[i]..<starts[i + 1]]))
                            if !Self.writePrimitive(values[i], type: types[i], into: &out) {
                                try writeValue(
                                    schema: schema.fields[i].schema, value: values[i], into: &out,
                                    applyDefault: true)
                            }
                        }
                    }
                }
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The common case of a struct field, a non-null primitive matching its schema type, written without
    /// looking further into the schema; false for everything else (nulls, defaults, nested, mismatches).
    @inline(__always)
    private static func writePrimitive(_ value: Value, type: Schema.SchemaType, into out: inout [UInt8]) -> Bool {
        switch (type, value) {
        case (.int64, .int64(let v)): JSONWriter.writeInt(v, to: &out)
        case (.int32, .int32(let v)): JSONWriter.writeInt(Int64(v), to: &out)
        case (.string, .string(let v)): JSONWriter.writeString(v, to: &out)
        case (.boolean, .boolean(let v)): JSONWriter.writeBool(v, to: &out)
        case (.float64, .float64(let v)): out.append(contentsOf: JavaNumberFormat.double(v).utf8)
        default: return false
        }
        return true
    }

    private func writeSchemaless(_ value: Value, into out: inout [UInt8]) throws {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .boolean(let b): JSONWriter.writeBool(b, to: &out)
        case .int8(let v): JSONWriter.writeInt(Int64(v), to: &out)
        case .int16(let v): JSONWriter.writeInt(Int64(v), to: &out)
        case .int32(let v): JSONWriter.writeInt(Int64(v), to: &out)
        case .int64(let v): JSONWriter.writeInt(v, to: &out)
        case .float32(let v): out.append(contentsOf: JavaNumberFormat.float(v).utf8)
        case .float64(let v): out.append(contentsOf: JavaNumberFormat.double(v).utf8)
        case .string(let s): JSONWriter.writeString(s, to: &out)
        case .bytes(let b):
            out.append(UInt8(ascii: "\""))
            Base64.encode(b, into: &out)
            out.append(UInt8(ascii: "\""))
        case .decimal:
            // As Kafka: a BigDecimal has no schema type of its own, so without a schema it cannot be written.
            throw ConnectError(.data, "Java class class java.math.BigDecimal does not have corresponding schema type.")
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try writeSchemaless(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let entries):
            // Schemaless maps: an object when every key is a string, else an array of pairs.
            if entries.allSatisfy({ $0.key.stringValue != nil }) {
                out.append(UInt8(ascii: "{"))
                for (i, e) in entries.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    JSONWriter.writeString(e.key.stringValue!, to: &out)
                    out.append(UInt8(ascii: ":"))
                    try writeSchemaless(e.value, into: &out)
                }
                out.append(UInt8(ascii: "}"))
            } else {
                out.append(UInt8(ascii: "["))
                for (i, e) in entries.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(UInt8(ascii: "["))
                    try writeSchemaless(e.key, into: &out)
                    out.append(UInt8(ascii: ","))
                    try writeSchemaless(e.value, into: &out)
                    out.append(UInt8(ascii: "]"))
                }
                out.append(UInt8(ascii: "]"))
            }
        case .struct(let s):
            try writeValue(schema: s.schema, value: value, into: &out, applyDefault: true)
        }
    }

    // MARK: bytes → Connect

    public func toConnectData(topic: String, bytes: [UInt8]?) throws -> SchemaAndValue {
        guard let bytes else { return .null }
        // Without schemas the value is inferred while parsing (no JSONValue tree in between). Bytes with
        // no JSON value at all (empty, or only whitespace) read as null, as Jackson's MissingNode does.
        if !schemasEnabled {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return .null }
            do {
                return SchemaAndValue(
                    schema: nil, value: try JSONParser.parseConnectValue(bytes, allowingLeadingZeros: true))
            } catch {
                throw Self.serializationError(error)
            }
        }
        // The envelope as JsonConverter writes it: the schema found by its bytes, only the payload parsed.
        if let fast = try bytes.withUnsafeBytes({ raw in try envelope(raw) }) { return fast }
        let json: JSONValue
        do { json = try JSONParser.parse(bytes, allowingLeadingZeros: true) } catch {
            throw Self.serializationError(error)
        }
        guard let o = json.objectValue, o.count == 2, let schemaJSON = o["schema"], let payload = o["payload"] else {
            throw ConnectError(
                .data,
                "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration."
            )
        }
        if schemaJSON == .null {
            return SchemaAndValue(schema: nil, value: try connectValue(schema: nil, json: payload))
        }
        let schema = try knownSchema(JSONWriter.bytes(schemaJSON)) { schemaJSON }
        return SchemaAndValue(schema: schema, value: try connectValue(schema: schema, json: payload))
    }

    private static func serializationError(_ error: any Error) -> ConnectError {
        ConnectError(.data, "Converting byte[] to Kafka Connect data failed due to serialization error: \(error)")
    }

    /// `{"schema":…,"payload":…}` read with the schema looked up by its bytes; nil for any other shape.
    private func envelope(_ raw: UnsafeRawBufferPointer) throws -> SchemaAndValue? {
        let last = schemas.withLock { $0.last }
        // The latest schema is tried at the schema's place first: no scan over it when it is the same.
        let found = last.map { l in l.bytes.withUnsafeBytes { JSONEnvelope.ranges(raw, expectedSchema: $0) } }
        guard let ranges = found ?? JSONEnvelope.ranges(raw) else { return nil }
        let schemaRaw = UnsafeRawBufferPointer(rebasing: raw[ranges.schema])
        let schema: Schema?
        if let last, last.bytes.count == schemaRaw.count,
            last.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, schemaRaw.baseAddress!, schemaRaw.count) == 0 })
        {
            schema = last.schema
        } else if schemaRaw.elementsEqual("null".utf8) {
            schema = nil
        } else {
            schema = try knownSchema(Array(schemaRaw)) {
                do { return try JSONParser.parse(schemaRaw, allowingLeadingZeros: true) } catch {
                    throw Self.serializationError(error)
                }
            }
        }
        let payloadRaw = UnsafeRawBufferPointer(rebasing: raw[ranges.payload])
        // The usual payload read along its schema, without a parse tree; anything unusual goes on below.
        if let schema,
            let value = SchemaJSONReader.value(
                payloadRaw, schema: schema, replaceNullWithDefault: replaceNullWithDefault)
        {
            return SchemaAndValue(schema: schema, value: value)
        }
        // A payload that does not parse alone (broken JSON, or more members after it) is left to the
        // general path, which names what is wrong as Kafka does.
        guard let payload = try? JSONParser.parse(payloadRaw, allowingLeadingZeros: true) else {
            return nil
        }
        return SchemaAndValue(schema: schema, value: try connectValue(schema: schema, json: payload))
    }

    /// The schema whose JSON is `bytes`, from the cache or parsed (`json`) and cached; it becomes the
    /// latest one.
    private func knownSchema(_ bytes: [UInt8], json: () throws -> JSONValue) throws -> Schema {
        let key = SchemaBytes(bytes)
        let schema: Schema
        if let cached = schemas.withLock({ $0.all[key] }) {
            schema = cached
        } else {
            schema = try JsonSchema.fromJSON(try json(), converter: self)
            schemas.withLock {
                if $0.all.count >= cacheSize { $0.all.removeAll(keepingCapacity: true) }
                $0.all[key] = schema
            }
        }
        schemas.withLock { $0.last = (bytes, schema) }
        return schema
    }

    public func toConnectHeader(topic: String, key: String, bytes: [UInt8]?) throws -> SchemaAndValue {
        try toConnectData(topic: topic, bytes: bytes)
    }

    func connectValue(schema: Schema?, json: JSONValue) throws -> Value {
        guard let schema else { return Self.inferValue(json) }
        if json == .null {
            if replaceNullWithDefault, let d = schema.defaultValue { return d }
            if schema.isOptional { return .null }
            throw ConnectError(.data, "Invalid null value for required \(schema.type.rawValue.uppercased()) field")
        }
        func mismatch() -> ConnectError {
            ConnectError(
                .data, "Invalid JSON for \(schema.type.rawValue.uppercased()) schema: \(JSONWriter.string(json))")
        }
        switch schema.type {
        case .boolean:
            guard let b = json.boolValue else { throw mismatch() }
            return .boolean(b)
        case .int8:
            guard let i = json.int64Value, let v = Int8(exactly: i) else { throw mismatch() }
            return .int8(v)
        case .int16:
            guard let i = json.int64Value, let v = Int16(exactly: i) else { throw mismatch() }
            return .int16(v)
        case .int32:
            guard let i = json.int64Value, let v = Int32(exactly: i) else { throw mismatch() }
            return .int32(v)
        case .int64:
            guard let i = json.int64Value else { throw mismatch() }
            return .int64(i)
        case .float32:
            guard let d = json.doubleValue else { throw mismatch() }
            return .float32(Float(d))
        case .float64:
            guard let d = json.doubleValue else { throw mismatch() }
            return .float64(d)
        case .string:
            guard let s = json.stringValue else { throw mismatch() }
            return .string(s)
        case .bytes:
            if schema.name == LogicalType.decimalName {
                let scale = Int32(schema.parameter(LogicalType.scaleParameter) ?? "0") ?? 0
                switch json {
                case .string(let s):
                    guard let b = Base64.decode(s) else { throw mismatch() }
                    return .decimal(ConnectDecimal(unscaled: b, scale: scale))
                case .int(let i):
                    guard let d = ConnectDecimal(String(i)) else { throw mismatch() }
                    return .decimal(Self.rescale(d, to: scale))
                case .number(let t):
                    guard let d = ConnectDecimal(t) else { throw mismatch() }
                    return .decimal(Self.rescale(d, to: scale))
                default: throw mismatch()
                }
            }
            guard let s = json.stringValue, let b = Base64.decode(s) else { throw mismatch() }
            return .bytes(b)
        case .array:
            guard let a = json.arrayValue else { throw mismatch() }
            return .array(try a.map { try connectValue(schema: schema.valueSchema, json: $0) })
        case .map:
            if schema.keySchema?.type == .string {
                guard let o = json.objectValue else { throw mismatch() }
                return .map(
                    try o.members.map {
                        MapEntry(
                            key: .string($0.key), value: try connectValue(schema: schema.valueSchema, json: $0.value))
                    })
            }
            guard let a = json.arrayValue else { throw mismatch() }
            return .map(
                try a.map { pair in
                    guard let p = pair.arrayValue, p.count == 2 else {
                        throw ConnectError(
                            .data, "Found invalid map entry instead of array tuple: \(JSONWriter.string(pair))")
                    }
                    return MapEntry(
                        key: try connectValue(schema: schema.keySchema, json: p[0]),
                        value: try connectValue(schema: schema.valueSchema, json: p[1]))
                })
        case .struct:
            guard let o = json.objectValue else { throw mismatch() }
            var s = Struct(schema: schema)
            for f in schema.fields {
                s.values[f.index] = try connectValue(schema: f.schema, json: o[f.name] ?? .null)
            }
            return .struct(s)
        }
    }

    /// Schemaless JSON → Connect value: integers → int64, other numbers → float64, objects → string-keyed maps.
    public static func inferValue(_ json: JSONValue) -> Value { Value.inferred(from: json) }

    static func rescale(_ d: ConnectDecimal, to scale: Int32) -> ConnectDecimal {
        if d.scale == scale { return d }
        // Re-derive from text: pad or round toward zero to the schema's scale.
        var text = d.description
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if scale < 0 {
            // A negative scale: the integer part without its last -scale digits is the unscaled value.
            let kept = String(parts[0].dropLast(Int(-scale)))
            guard let unscaled = ConnectDecimal((negative ? "-" : "") + (kept.isEmpty ? "0" : kept)) else { return d }
            return ConnectDecimal(unscaled: unscaled.unscaled, scale: scale)
        }
        var frac = parts.count > 1 ? String(parts[1]) : ""
        if frac.count < Int(scale) { frac += String(repeating: "0", count: Int(scale) - frac.count) }
        frac = String(frac.prefix(Int(scale)))
        let s = (negative ? "-" : "") + String(parts[0]) + (frac.isEmpty ? "" : "." + frac)
        return ConnectDecimal(s) ?? d
    }
}

/// Schema JSON bytes as a dictionary key, hashed in one pass (hashing an `[UInt8]` feeds the hasher one
/// byte at a time, which was a tenth of a sink's time with schemas enabled).
struct SchemaBytes: Hashable, Sendable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func hash(into h: inout Hasher) { bytes.withUnsafeBytes { h.combine(bytes: $0) } }
}

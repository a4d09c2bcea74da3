import ConnectAPI

/// Connect schemas as JSON, in JsonConverter's layout: `type`, type-specific keys, `optional`, `name`,
/// `version`, `doc`, `parameters`, `default` (and `field` last for struct fields).
enum JsonSchema {
    static func toJSON(_ schema: Schema, converter: JsonConverter) -> JSONValue {
        var o = JSONObject()
        o["type"] = .string(schema.type.rawValue == "struct" ? "struct" : typeName(schema.type))
        switch schema.type {
        case .array:
            o["items"] = toJSON(schema.valueSchema!, converter: converter)
        case .map:
            o["keys"] = toJSON(schema.keySchema!, converter: converter)
            o["values"] = toJSON(schema.valueSchema!, converter: converter)
        case .struct:
            o["fields"] = .array(
                schema.fields.map { f in
                    var fo = toJSON(f.schema, converter: converter).objectValue!
                    fo["field"] = .string(f.name)
                    return .object(fo)
                })
        default: break
        }
        o["optional"] = .bool(schema.isOptional)
        if let n = schema.name { o["name"] = .string(n) }
        if let v = schema.version { o["version"] = .int(Int64(v)) }
        if let d = schema.doc { o["doc"] = .string(d) }
        if !schema.parameters.isEmpty { o["parameters"] = .stringMap(schema.parameters) }
        if let d = schema.defaultValue,
            let bytes = try? converter.valueJSON(schema: schema, value: d, applyDefault: false)
        {
            o["default"] = (try? JSONParser.parse(bytes)) ?? .null
        }
        return .object(o)
    }

    static func typeName(_ t: Schema.SchemaType) -> String {
        switch t {
        case .float32: return "float"
        case .float64: return "double"
        default: return t.rawValue
        }
    }

    static func fromJSON(_ json: JSONValue, converter: JsonConverter) throws -> Schema {
        guard let o = json.objectValue else {
            throw ConnectError(.data, "Schema must be a JSON object, found: \(JSONWriter.string(json))")
        }
        guard let typeName = o["type"]?.stringValue else {
            throw ConnectError(.data, "Schema must contain 'type' field")
        }
        let type: Schema.SchemaType
        switch typeName {
        case "boolean": type = .boolean
        case "int8": type = .int8
        case "int16": type = .int16
        case "int32": type = .int32
        case "int64": type = .int64
        case "float": type = .float32
        case "double": type = .float64
        case "bytes": type = .bytes
        case "string": type = .string
        case "array": type = .array
        case "map": type = .map
        case "struct": type = .struct
        default: throw ConnectError(.data, "Unknown schema type: \(typeName)")
        }
        var fields: [Field] = []
        var keySchema: Schema?
        var valueSchema: Schema?
        switch type {
        case .array:
            guard let items = o["items"] else {
                throw ConnectError(.data, "Array schema did not specify the items type")
            }
            valueSchema = try fromJSON(items, converter: converter)
        case .map:
            guard let k = o["keys"], let v = o["values"] else {
                throw ConnectError(.data, "Map schema did not specify the key and value types")
            }
            keySchema = try fromJSON(k, converter: converter)
            valueSchema = try fromJSON(v, converter: converter)
        case .struct:
            guard let fs = o["fields"]?.arrayValue else {
                throw ConnectError(.data, "Struct schema's \"fields\" argument is not an array.")
            }
            for (i, f) in fs.enumerated() {
                guard let name = f["field"]?.stringValue else {
                    throw ConnectError(.data, "Struct schema's field name not specified properly")
                }
                fields.append(Field(name: name, index: i, schema: try fromJSON(f, converter: converter)))
            }
        default: break
        }
        var params: [(String, String)] = []
        if let p = o["parameters"] {
            guard let po = p.objectValue else { throw ConnectError(.data, "Schema parameters must be a JSON object") }
            for m in po.members {
                guard let s = m.value.stringValue else {
                    throw ConnectError(.data, "Schema parameters must have string values.")
                }
                params.append((m.key, s))
            }
        }
        let base = Schema(
            type: type, optional: o["optional"]?.boolValue ?? false, name: o["name"]?.stringValue,
            version: o["version"]?.int64Value.map { Int32(truncatingIfNeeded: $0) }, doc: o["doc"]?.stringValue,
            parameters: params, fields: fields, keySchema: keySchema, valueSchema: valueSchema)
        guard let d = o["default"], d != .null else { return base }
        let dv = try converter.connectValue(schema: base, json: d)
        return Schema(
            type: type, optional: base.isOptional, defaultValue: dv, name: base.name, version: base.version,
            doc: base.doc, parameters: params, fields: fields, keySchema: keySchema, valueSchema: valueSchema)
    }
}

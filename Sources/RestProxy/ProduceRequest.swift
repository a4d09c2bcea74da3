import Avro
import ConnectAPI
import KafkaClient
import RestServing
import SchemaRegistry

/// A v2 produce request (reference rest-proxy.md §1.2), validated and serialised in full before any
/// record is sent: one bad record fails the whole request and nothing reaches Kafka.
struct ProduceRequest {
    var messages: [ProducerMessage] = []
    var keySchemaId: Int?
    var valueSchemaId: Int?

    init(
        topic: String, partition: Int32?, format: EmbeddedFormat, body: [UInt8], registry: SchemaRegistry?
    ) async throws(RestError) {
        if format == .json, let fast = Self.jsonRecords(topic: topic, partition: partition, body: body) {
            messages = fast
            return
        }
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch {
            throw RestError(400, "Bad Request: malformed JSON in the request body: \(error)")
        }
        guard let o = json.objectValue else {
            throw RestError(400, "Bad Request: the request body must be a JSON object with a \"records\" array")
        }
        guard let records = o["records"]?.arrayValue, !records.isEmpty else {
            if let r = o["records"], r.arrayValue == nil {
                throw RestError(400, "Bad Request: \"records\" must be a JSON array")
            }
            throw RestError(422, "records may not be empty")
        }
        var keyCodec: SchemaCodec?
        var valueCodec: SchemaCodec?
        if format == .avro || format == .jsonschema {
            let hasKey = records.contains { !($0["key"] ?? .null).isNull }
            let hasValue = records.contains { !($0["value"] ?? .null).isNull }
            let type = format == .avro ? "AVRO" : "JSON"
            keyCodec = try await SchemaCodec.resolve(
                topic: topic, isKey: true, type: type, text: o["key_schema"], id: o["key_schema_id"], registry: registry
            )
            valueCodec = try await SchemaCodec.resolve(
                topic: topic, isKey: false, type: type, text: o["value_schema"], id: o["value_schema_id"],
                registry: registry)
            if hasKey && keyCodec == nil {
                throw RestError(422, code: 42201, "Request includes keys but does not include key schema")
            }
            if hasValue && valueCodec == nil {
                throw RestError(422, code: 42202, "Request includes values but does not include value schema")
            }
            keySchemaId = keyCodec?.id
            valueSchemaId = valueCodec?.id
        } else if format != .binary && format != .json {
            throw RestError(
                415, "HTTP 415 Unsupported Media Type: the \(format.rawValue) embedded format is not supported")
        }
        messages.reserveCapacity(records.count)
        for (i, r) in records.enumerated() {
            guard let ro = r.objectValue else {
                throw RestError(400, "Bad Request: records[\(i)] is not a JSON object")
            }
            var p = partition
            if let given = ro["partition"], !given.isNull {
                guard let n = given.int64Value, let n32 = Int32(exactly: n), n32 >= 0 else {
                    throw RestError(400, "Bad Request: records[\(i)].partition must be a non-negative integer")
                }
                p = n32
            }
            let key = try Self.serialise(ro["key"], format: format, codec: keyCodec, what: "records[\(i)].key")
            let value = try Self.serialise(ro["value"], format: format, codec: valueCodec, what: "records[\(i)].value")
            messages.append(ProducerMessage(topic: topic, partition: p, key: key, value: value))
        }
    }

    /// The records of a JSON-format request read in one pass over the body, keys and values rewritten in
    /// the compact form the general path writes (`JSONCompact`), without a parsed tree of the body. Nil
    /// when the body needs the general path: anything unusual, and every error, which it reports.
    static func jsonRecords(topic: String, partition: Int32?, body: [UInt8]) -> [ProducerMessage]? {
        body.withUnsafeBytes { raw -> [ProducerMessage]? in
            var c = JSONCompact(raw)
            var messages: [ProducerMessage]?
            var names: [Range<Int>] = []
            var skipped: [UInt8] = []
            guard c.take(UInt8(ascii: "{")) else { return nil }
            repeat {
                guard let name = c.memberName(), !names.contains(where: { c.same($0, name) }) else { return nil }
                names.append(name)
                if c.equals(name, "records") {
                    guard let m = records(&c, topic: topic, partition: partition) else { return nil }
                    messages = m
                } else {
                    // Other members (schemas) mean nothing to the JSON format, but must be valid JSON.
                    skipped.removeAll(keepingCapacity: true)
                    guard c.value(into: &skipped) else { return nil }
                }
            } while c.take(UInt8(ascii: ","))
            guard c.take(UInt8(ascii: "}")) else { return nil }
            c.skipWhitespace()
            guard c.pos == raw.count, let messages, !messages.isEmpty else { return nil }
            return messages
        }
    }

    private static func records(_ c: inout JSONCompact, topic: String, partition: Int32?) -> [ProducerMessage]? {
        guard c.take(UInt8(ascii: "[")) else { return nil }
        var out: [ProducerMessage] = []
        repeat {
            guard c.take(UInt8(ascii: "{")) else { return nil }
            var key: [UInt8]?
            var value: [UInt8]?
            var p = partition
            var names: [Range<Int>] = []
            if !c.take(UInt8(ascii: "}")) {
                repeat {
                    guard let name = c.memberName(), !names.contains(where: { c.same($0, name) }) else { return nil }
                    names.append(name)
                    if c.takeNull() { continue }  // as if absent, for key, value and partition alike
                    var bytes: [UInt8] = []
                    guard c.value(into: &bytes) else { return nil }
                    if c.equals(name, "key") {
                        key = bytes
                    } else if c.equals(name, "value") {
                        value = bytes
                    } else if c.equals(name, "partition") {
                        // Digits only, within Int32; anything else is the general path's to judge.
                        guard bytes.count <= 10, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                            let n = Int32(String(decoding: bytes, as: UTF8.self))
                        else { return nil }
                        p = n
                    }
                } while c.take(UInt8(ascii: ","))
                guard c.take(UInt8(ascii: "}")) else { return nil }
            }
            out.append(ProducerMessage(topic: topic, partition: p, key: key, value: value))
        } while c.take(UInt8(ascii: ","))
        guard c.take(UInt8(ascii: "]")) else { return nil }
        return out
    }

    static func serialise(_ data: JSONValue?, format: EmbeddedFormat, codec: SchemaCodec?, what: String)
        throws(RestError) -> [UInt8]?
    {
        guard let data, !data.isNull else { return nil }
        switch format {
        case .binary:
            guard let s = data.stringValue, let bytes = Base64.decode(s) else {
                throw RestError(400, "Bad Request: \(what)=\(JSONWriter.string(data)) is not a base64 string.")
            }
            return bytes
        case .avro, .jsonschema:
            return try codec!.encode(data, what: what)
        default:
            // JSON keys and values are sent as compact JSON text: a string key keeps its quotes.
            return JSONWriter.bytes(data)
        }
    }
}

/// A key or value schema resolved against the registry, encoding JSON data in Confluent's wire format:
/// `0x00`, the schema id big-endian, then the Avro binary datum or the JSON text (JSON Schema).
struct SchemaCodec {
    let id: Int
    let schema: ParsedSchema

    /// The schema named by `*_schema_id` (which wins) or `*_schema` text of `type` (AVRO or JSON,
    /// registered under the TopicNameStrategy subject if new); nil when the request names neither.
    static func resolve(
        topic: String, isKey: Bool, type: String, text: JSONValue?, id: JSONValue?, registry: SchemaRegistry?
    ) async throws(RestError) -> SchemaCodec? {
        let field = isKey ? "key_schema" : "value_schema"
        let idGiven = id.flatMap { $0.isNull ? nil : $0 }
        let textGiven = text.flatMap { $0.isNull ? nil : $0 }
        if idGiven == nil && textGiven == nil { return nil }
        guard let registry else {
            throw RestError(
                408, code: 40801,
                "Schema registration or lookup failed: the embedded Schema Registry is switched off (schema.registry.listeners is empty)"
            )
        }
        if let idGiven {
            // Karapace also takes a numeric string.
            guard let n = idGiven.int64Value ?? idGiven.stringValue.flatMap({ Int64($0) }) else {
                throw RestError(400, "Bad Request: \(field)_id must be an integer, got \(JSONWriter.string(idGiven))")
            }
            guard let schema = registry.parsedSchema(id: Int(n)) else {
                throw RestError(422, code: 42207, "Error serializing message. Schema \(n) not found")
            }
            let storedType = schema.type ?? "AVRO"
            guard storedType == type else {
                throw RestError(
                    422, code: 42207, "Error serializing message. Schema \(n) is a \(storedType) schema, not \(type)")
            }
            return SchemaCodec(id: Int(n), schema: schema)
        }
        // Schema text is a JSON string; some emitters send the schema object itself, which we take too.
        let schemaText: String
        switch textGiven! {
        case .string(let s): schemaText = s
        case .object, .array: schemaText = JSONWriter.string(textGiven!)
        default: throw RestError(400, "Bad Request: \(field) must be a string holding the schema")
        }
        let schema: ParsedSchema
        do throws(RestError) { schema = try registry.parse(schemaText, type: type) } catch {
            throw RestError(422, code: 42205, "Invalid schema: \(field): \(error.message)")
        }
        let subject = topic + (isKey ? "-key" : "-value")
        do throws(RestError) {
            let id = try await registry.register(subject: subject, schema: schema)
            return SchemaCodec(id: id, schema: schema)
        } catch {
            throw RestError(422, code: 42207, "Error serializing message. Subject \(subject): \(error.message)")
        }
    }

    func encode(_ json: JSONValue, what: String) throws(RestError) -> [UInt8] {
        var e = AvroEncoder()
        e.bytes = ConfluentWireFormat.header(id: id)
        switch schema {
        case .avro(let a):
            let datum = AvroDatum(a)
            do {
                let value = try datum.value(fromJSON: json, lenient: true)
                try datum.encode(value, into: &e)
            } catch {
                throw RestError(422, code: 42203, "Conversion of JSON to Avro failed: \(what): \(error.message)")
            }
        case .json(let validator):
            do throws(JSONSchemaValidator.Invalid) { try validator.validate(json) } catch {
                throw RestError(
                    422, code: 42203, "Conversion of JSON to JSON Schema failed: \(what): \(error.description)")
            }
            e.bytes += JSONWriter.bytes(json)
        }
        return e.bytes
    }
}

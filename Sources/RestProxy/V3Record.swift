import ConnectAPI
import KafkaClient
import RestServing
import SchemaRegistry

/// One v3 produce record (reference rest-proxy.md §2.4), validated and serialised.
struct V3Record {
    let message: ProducerMessage
    let keyReport: JSONValue
    let valueReport: JSONValue

    init(_ json: JSONValue, topic: KafkaAdmin.ClusterMetadata.Topic, registry: SchemaRegistry?) async throws(RestError)
    {
        guard json.objectValue != nil else {
            throw RestError(400, "Bad Request: a record must be a JSON object, not an array (the v2 \"records\" shape)")
        }
        if json["records"] != nil {
            throw RestError(
                400, "Bad Request: \"records\" is the v2 request shape; v3 takes one JSON object per record")
        }
        var partition: Int32?
        if let p = json["partition_id"], !p.isNull {
            guard let n = p.int64Value, n >= 0, n < topic.partitions.count else {
                throw RestError(404, code: 40402, "Partition \(JSONWriter.string(p)) of topic \(topic.name) not found.")
            }
            partition = Int32(n)
        }
        var headers: [KafkaHeader] = []
        for h in json["headers"]?.arrayValue ?? [] {
            guard let name = h["name"]?.stringValue else { throw RestError(400, "Bad Request: a header needs a name") }
            let v = h["value"] ?? .null
            if v.isNull {
                headers.append(KafkaHeader(key: name, value: nil))
            } else {
                guard let s = v.stringValue, let bytes = Base64.decode(s) else {
                    throw RestError(
                        400, "Bad Request: header \(name): data=\(JSONWriter.string(v)) is not a base64 string.")
                }
                headers.append(KafkaHeader(key: name, value: bytes))
            }
        }
        var timestamp = SystemClock.nowMs()
        if let ts = json["timestamp"]?.stringValue {
            guard let ms = IsoTime.parse(ts) else {
                throw RestError(400, "Bad Request: timestamp \(ts) is not an ISO-8601 instant")
            }
            timestamp = ms
        }
        let (key, kr) = try await Self.data(json["key"], topic: topic.name, isKey: true, registry: registry)
        let (value, vr) = try await Self.data(json["value"], topic: topic.name, isKey: false, registry: registry)
        message = ProducerMessage(
            topic: topic.name, partition: partition, key: key, value: value, headers: headers, timestamp: timestamp)
        keyReport = kr
        valueReport = vr
    }

    static func prepare(_ json: JSONValue, topic: KafkaAdmin.ClusterMetadata.Topic, registry: SchemaRegistry?) async
        -> Result<V3Record, RestError>
    {
        do throws(RestError) { return .success(try await V3Record(json, topic: topic, registry: registry)) } catch {
            return .failure(error)
        }
    }

    /// `{"type": BINARY|JSON|STRING|AVRO, "schema"|"schema_id"|"schema_version"?, "subject"?, "data": …}`.
    static func data(_ d: JSONValue?, topic: String, isKey: Bool, registry: SchemaRegistry?) async throws(RestError)
        -> ([UInt8]?, JSONValue)
    {
        guard let d, !d.isNull else { return (nil, .null) }
        guard d.objectValue != nil else {
            throw RestError(400, "Bad Request: key and value must be objects with \"data\"")
        }
        let data = d["data"] ?? .null
        let schemaFields = ["schema", "schema_id", "schema_version", "subject", "subject_name_strategy"].filter {
            d[$0] != nil
        }
        let type = d["type"]?.stringValue?.uppercased() ?? (schemaFields.isEmpty ? "JSON" : "AVRO")
        var report: [(String, JSONValue)] = [("type", .string(type))]
        var bytes: [UInt8]?
        switch type {
        case "BINARY", "JSON", "STRING":
            if let f = schemaFields.first { throw RestError(400, "Bad Request: \(f) is not allowed with type \(type)") }
            if data.isNull { return (nil, .object(JSONObject(report))) }
            if type == "BINARY" {
                guard let s = data.stringValue, let b = Base64.decode(s) else {
                    throw RestError(400, "Bad Request: data=\(JSONWriter.string(data)) is not a base64 string.")
                }
                bytes = b
            } else if type == "STRING" {
                guard let s = data.stringValue else {
                    throw RestError(400, "Bad Request: STRING data must be a JSON string")
                }
                bytes = Array(s.utf8)
            } else {
                bytes = JSONWriter.bytes(data)
            }
        case "AVRO", "JSONSCHEMA":
            let subject = d["subject"]?.stringValue ?? topic + (isKey ? "-key" : "-value")
            let explicit = d["type"] != nil
            // Without a "type", a schema found by id or version decides between Avro and JSON Schema.
            func schemaType(ofId id: Int) -> String {
                explicit ? (type == "AVRO" ? "AVRO" : "JSON") : registry?.state.schemaType(id: id) ?? "AVRO"
            }
            let codec: SchemaCodec
            if let text = d["schema"] {
                codec = try await SchemaCodec.resolve(
                    topic: topic, isKey: isKey, type: type == "AVRO" ? "AVRO" : "JSON", text: text, id: nil,
                    registry: registry)!
            } else if let id = d["schema_id"] {
                codec = try await SchemaCodec.resolve(
                    topic: topic, isKey: isKey, type: schemaType(ofId: Int(id.int64Value ?? -1)), text: nil, id: id,
                    registry: registry)!
            } else {
                guard let registry else {
                    throw RestError(408, code: 40801, "Schema lookup failed: no Schema Registry")
                }
                let versions = registry.state.versions(subject, includeDeleted: false)
                let wanted = d["schema_version"]?.int64Value
                guard let v = wanted == nil ? versions.last : versions.first(where: { $0.version == Int(wanted!) })
                else {
                    throw RestError(
                        404, code: 40401, "Subject '\(subject)' has no schema\(wanted.map { " version \($0)" } ?? "").")
                }
                codec = try await SchemaCodec.resolve(
                    topic: topic, isKey: isKey, type: schemaType(ofId: v.id), text: nil, id: .int(Int64(v.id)),
                    registry: registry)!
            }
            if data.isNull { return (nil, .object(JSONObject(report))) }
            bytes = try codec.encode(data, what: isKey ? "key" : "value")
            report[0] = ("type", .string(codec.schema.type == nil ? "AVRO" : "JSONSCHEMA"))
            report += [("subject", .string(subject)), ("schema_id", .int(Int64(codec.id)))]
        default:
            throw RestError(
                400,
                "Bad Request: unsupported data type \(type) (BINARY, JSON, STRING, AVRO and JSONSCHEMA are supported)")
        }
        report.append(("size", .int(Int64(bytes?.count ?? 0))))
        return (bytes, .object(JSONObject(report)))
    }
}

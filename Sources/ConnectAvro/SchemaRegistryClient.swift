import Avro
import ConnectAPI
import CurlClient
import Synchronization

/// A small client of a Confluent-compatible Schema Registry (ours or another): register or look up a
/// schema under a subject, fetch a schema by id; both cached for the life of the converter, since ids
/// never change meaning.
public final class SchemaRegistryClient: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let baseURL: String
    private let session: CurlSession
    private let byId = Mutex<[Int: AvroSchema]>([:])
    private let idBySubjectSchema = Mutex<[String: Int]>([:])
    private let versionBySubjectSchema = Mutex<[String: Int32]>([:])

    public init(url: String) throws {
        var u = url.split(separator: ",").first.map(String.init) ?? url
        while u.hasSuffix("/") { u.removeLast() }  // a trailing slash made Confluent's clients fail (kafka-rest #100)
        baseURL = u
        session = try CurlSession()
    }

    private func call(_ method: String, _ path: String, body: JSONValue? = nil) throws(Failure) -> JSONValue {
        let req = HTTPRequest(
            method: method, url: baseURL + path,
            headers: [
                ("Content-Type", "application/vnd.schemaregistry.v1+json"),
                ("Accept", "application/vnd.schemaregistry.v1+json"),
            ],
            body: body.map { JSONWriter.bytes($0) } ?? [])
        let r: HTTPResponse
        do { r = try session.sendBlocking(req) } catch {
            throw Failure(description: "Schema Registry \(baseURL) unreachable: \(error)")
        }
        let json = try? JSONParser.parse(r.body)
        guard r.status == 200, let json else {
            let message = json?["message"]?.stringValue ?? String(decoding: r.body.prefix(300), as: UTF8.self)
            let code = json?["error_code"]?.int64Value.map { " (error code \($0))" } ?? ""
            throw Failure(description: "Schema Registry \(method) \(path) answered HTTP \(r.status)\(code): \(message)")
        }
        return json
    }

    /// The id of `schema` under `subject`: registered if `register`, else looked up.
    public func id(subject: String, schema: AvroSchema, register: Bool) throws(Failure) -> Int {
        let text = schema.json
        let key = subject + "\u{0}" + text
        if let id = idBySubjectSchema.withLock({ $0[key] }) { return id }
        let answer = try call(
            "POST", Self.subjectPath(subject) + (register ? "/versions" : ""),
            body: .object([("schema", .string(text))]))
        guard let id = answer["id"]?.int64Value.map(Int.init) else {
            throw Failure(description: "Schema Registry answered \(JSONWriter.string(answer)) without an id")
        }
        idBySubjectSchema.withLock { $0[key] = id }
        byId.withLock { $0[id] = schema }
        return id
    }

    /// The version of `schema` under `subject` (a lookup, Confluent's `getVersion`), nil when the
    /// subject does not hold it.
    public func version(subject: String, schema: AvroSchema) -> Int32? {
        let text = schema.json
        let key = subject + "\u{0}" + text
        if let v = versionBySubjectSchema.withLock({ $0[key] }) { return v }
        guard let answer = try? call("POST", Self.subjectPath(subject), body: .object([("schema", .string(text))])),
            let v = answer["version"]?.int64Value.flatMap({ Int32(exactly: $0) })
        else { return nil }
        versionBySubjectSchema.withLock { $0[key] = v }
        return v
    }

    private static func subjectPath(_ subject: String) -> String {
        "/subjects/\(AWSSigner.uriEncode(subject, encodeSlash: true))"
    }

    /// The schema registered with `id`.
    public func schema(id: Int) throws(Failure) -> AvroSchema {
        if let s = byId.withLock({ $0[id] }) { return s }
        let answer = try call("GET", "/schemas/ids/\(id)")
        if let type = answer["schemaType"]?.stringValue, type != "AVRO" {
            throw Failure(description: "schema \(id) is a \(type) schema, not Avro")
        }
        guard let text = answer["schema"]?.stringValue else {
            throw Failure(description: "Schema Registry answered \(JSONWriter.string(answer)) without a schema")
        }
        let s: AvroSchema
        do { s = try AvroSchemaParser.parse(text) } catch { throw Failure(description: "schema \(id): \(error)") }
        byId.withLock { $0[id] = s }
        return s
    }
}

import Avro
import ConnectAPI
import CurlClient
import Synchronization

/// A small client of a Confluent-compatible Schema Registry (ours or another): register or look up a
/// schema under a subject, fetch a schema by id; both cached for the life of the converter, since ids
/// never change meaning.
///
/// Several URLs fail over as Confluent's `RestService` does: the current URL is used until a request
/// to it fails on the network or with 408, 429 or 5xx; then the next one becomes current (other answers,
/// such as 401, are final). Credentials, extra headers and TLS stores come from
/// `SchemaRegistryClientConfig`.
public final class SchemaRegistryClient: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let config: SchemaRegistryClientConfig
    private let current = Mutex(0)
    private let session: CurlSession
    private let byId = Mutex<[Int: AvroSchema]>([:])
    private let idBySubjectSchema = Mutex<[String: Int]>([:])
    private let versionBySubjectSchema = Mutex<[String: Int32]>([:])

    public convenience init(url: String) throws {
        try self.init(config: SchemaRegistryClientConfig(["schema.registry.url": url]))
    }

    public init(config: SchemaRegistryClientConfig) throws {
        self.config = config
        var options = CurlSession.Options()
        options.tls = config.tls
        session = try CurlSession(options: options)
    }

    /// Whether an answer lets the client try the next URL (Confluent's RestService: 408, 429, 5xx).
    static func failsOver(status: Int) -> Bool { [408, 429, 500, 502, 503, 504].contains(status) }

    private func call(_ method: String, _ path: String, body: JSONValue? = nil) throws(Failure) -> JSONValue {
        let urls = config.urls
        var lastError = ""
        for _ in 0..<urls.count {
            let index = current.withLock { $0 }
            let base = urls[index % urls.count]
            let req = HTTPRequest(
                method: method, url: base + path,
                headers: [
                    ("Content-Type", "application/vnd.schemaregistry.v1+json"),
                    ("Accept", "application/vnd.schemaregistry.v1+json"),
                ] + config.requestHeaders,
                body: body.map { JSONWriter.bytes($0) } ?? [])
            let r: HTTPResponse
            do { r = try session.sendBlocking(req) } catch {
                lastError = "Schema Registry \(CurlSession.redacted(base)) unreachable: \(error)"
                current.withLock { if $0 == index { $0 = (index + 1) % urls.count } }
                continue
            }
            let json = try? JSONParser.parse(r.body)
            if r.status == 200, let json { return json }
            let message = json?["message"]?.stringValue ?? String(decoding: r.body.prefix(300), as: UTF8.self)
            let code = json?["error_code"]?.int64Value.map { "; error code: \($0)" } ?? ""
            lastError = "Schema Registry \(method) \(path) answered HTTP \(r.status): \(message)\(code)"
            if r.status == 401 || r.status == 403 {
                lastError += r.status == 401 ? Self.unauthorizedHint(config.auth) : ""
            }
            guard Self.failsOver(status: r.status) else { break }
            current.withLock { if $0 == index { $0 = (index + 1) % urls.count } }
        }
        throw Failure(description: lastError)
    }

    private static func unauthorizedHint(_ auth: SchemaRegistryClientConfig.Auth) -> String {
        switch auth {
        case .none:
            return
                " (no credentials were sent: set basic.auth.credentials.source=USER_INFO and basic.auth.user.info, or bearer.auth.credentials.source=STATIC_TOKEN and bearer.auth.token)"
        case .basic: return " (the registry refused the credentials of basic.auth.user.info)"
        case .bearer: return " (the registry refused bearer.auth.token)"
        }
    }

    /// The latest schema registered under `subject`, with its id (`GET /subjects/{s}/versions/latest`).
    public func latest(subject: String) throws(Failure) -> (id: Int, schema: AvroSchema) {
        let answer = try call("GET", Self.subjectPath(subject) + "/versions/latest")
        guard let id = answer["id"]?.int64Value.map(Int.init), let text = answer["schema"]?.stringValue else {
            throw Failure(description: "Schema Registry answered \(JSONWriter.string(answer)) without an id and schema")
        }
        if let type = answer["schemaType"]?.stringValue, type != "AVRO" {
            throw Failure(description: "the latest schema of \(subject) is a \(type) schema, not Avro")
        }
        do {
            let s = try AvroSchemaParser.parse(text)
            byId.withLock { $0[id] = s }
            return (id, s)
        } catch { throw Failure(description: "the latest schema of \(subject): \(error)") }
    }

    /// The id of `schema` under `subject`: registered if `register`, else looked up.
    /// `text` is `schema.json` when the caller has it already (rendering is not free, and a converter
    /// asks once per record).
    public func id(subject: String, schema: AvroSchema, text: String? = nil, register: Bool) throws(Failure) -> Int {
        let text = text ?? schema.json
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

import Avro
import ConnectAPI
import RestServing

/// The Schema Registry REST API (`:8081`, reference rest-proxy.md §3) as a function from request to
/// response; errors carry the registry's five-digit codes (§3.6).
public struct SchemaRegistryAPI: RestHandler {
    let registry: SchemaRegistry

    public init(registry: SchemaRegistry) { self.registry = registry }

    static let v1 = "application/vnd.schemaregistry.v1+json"
    /// Request bodies Confluent accepts (`octet-stream` is read as JSON).
    static let requestTypes: Set<String> = [
        v1, "application/vnd.schemaregistry+json", "application/json", "application/octet-stream",
    ]

    public func handle(_ req: RestRequest) async -> RestResponse {
        // Accept: a comma-separated list (the legacy Python client sends three types); answer v1
        // unless the client only takes plain JSON.
        var contentType = Self.v1
        if let types = req.mediaTypes("accept") {
            let ok = types.contains {
                ["*/*", "application/*", Self.v1, "application/vnd.schemaregistry+json", "application/json"].contains(
                    $0)
            }
            if !ok { return .error(RestError(406, "HTTP 406 Not Acceptable")) }
            if !types.contains(where: { $0 == Self.v1 || $0 == "application/vnd.schemaregistry+json" || $0 == "*/*" }) {
                contentType = "application/json"
            }
        }
        var response: RestResponse
        do {
            if req.method == "POST" || req.method == "PUT", let ct = req.mediaTypes("content-type") {
                if !Self.requestTypes.contains(ct.first ?? "") {
                    throw RestError(415, "HTTP 415 Unsupported Media Type")
                }
            }
            switch Self.routes.match(req.method, req.segments) {
            case .route(let route, let parameters): response = try await route.handler(self, req, parameters)
            case .methodNotAllowed(let allow): response = .error(.methodNotAllowed(allow))
            case .notFound: response = .error(Self.notFound)
            }
        } catch let error as RestError {
            response = .error(error)
        } catch {
            response = .error(RestError(500, code: 50001, "\(error)"))
        }
        if response.body != nil { response.contentType = contentType }
        return response
    }

    static let notFound = RestError(404, "HTTP 404 Not Found")

    /// The registry's resources (reference rest-proxy.md §3).
    static let routes: RouteTable<SchemaRegistryAPI> = {
        var t = RouteTable<SchemaRegistryAPI>()
        t.add("GET", "/") { _, _, _ in .json(200, .object([])) }
        t.add("GET", "/schemas/types") { _, _, _ in .json(200, ["JSON", "AVRO"]) }
        for view in ["", "schema", "subjects", "versions"] {
            t.add("GET", view.isEmpty ? "/schemas/ids/{id}" : "/schemas/ids/{id}/\(view)") { api, req, p in
                try api.schemaById(p["id"], view, req)
            }
        }
        t.add("GET", "/subjects") { api, req, _ in api.subjects(req) }
        t.add("POST", "/subjects/{subject}") { api, req, p in try api.lookup(p["subject"], req) }
        t.add("DELETE", "/subjects/{subject}") { api, req, p in
            let versions = try await api.registry.deleteSubject(p["subject"], permanent: req.flag("permanent"))
            return .json(200, .array(versions.map { .int(Int64($0)) }))
        }
        t.add("GET", "/subjects/{subject}/versions") { api, req, p in
            let subject = p["subject"]
            let versions = api.registry.state.versions(subject, includeDeleted: req.flag("deleted"))
            if versions.isEmpty { throw SchemaRegistry.subjectNotFound(subject) }
            return .json(200, .array(versions.map { .int(Int64($0.version)) }))
        }
        t.add("POST", "/subjects/{subject}/versions") { api, req, p in
            let (_, schema) = try api.parseBody(req)
            let id = try await api.registry.register(subject: p["subject"], schema: schema)
            return .json(200, .object([("id", .int(Int64(id)))]))
        }
        for view in ["", "schema", "referencedby"] {
            let pattern = "/subjects/{subject}/versions/{version}" + (view.isEmpty ? "" : "/\(view)")
            t.add("GET", pattern) { api, req, p in try api.version(p["subject"], p["version"], view, req) }
            if view.isEmpty {
                t.add("DELETE", pattern) { api, req, p in
                    let subject = p["subject"]
                    let v = try api.resolve(subject, p["version"], includeDeleted: true)
                    try await api.registry.deleteVersion(
                        subject: subject, version: v.version, permanent: req.flag("permanent"))
                    return .json(200, .int(Int64(v.version)))
                }
            }
        }
        for (pattern, named) in [("/config", false), ("/config/{subject}", true)] {
            t.add("GET", pattern) { api, req, p in try api.getConfig(named ? p["subject"] : nil, req) }
            t.add("PUT", pattern) { api, req, p in try await api.putConfig(named ? p["subject"] : nil, req) }
            t.add("DELETE", pattern) { api, _, p in try await api.deleteConfig(named ? p["subject"] : nil) }
        }
        for (pattern, named) in [("/mode", false), ("/mode/{subject}", true)] {
            t.add("GET", pattern) { api, _, p in api.getMode(named ? p["subject"] : nil) }
            t.add("PUT", pattern) { api, req, p in try await api.putMode(named ? p["subject"] : nil, req) }
        }
        t.add("POST", "/compatibility/subjects/{subject}/versions") { api, req, p in
            try api.compatibility(subject: p["subject"], version: nil, req)
        }
        t.add("POST", "/compatibility/subjects/{subject}/versions/{version}") { api, req, p in
            try api.compatibility(subject: p["subject"], version: p["version"], req)
        }
        return t
    }()

    // MARK: Resources

    /// `view`: the path segment after the id, empty for the schema itself.
    private func schemaById(_ idText: String, _ view: String, _ req: RestRequest) throws(RestError) -> RestResponse {
        guard let id = Int(idText) else { throw Self.notFound }
        let state = registry.state
        guard let text = state.schemaText(id: id) else { throw SchemaRegistry.schemaNotFound(id) }
        let type = state.schemaType(id: id)
        let uses = state.subjects.values.flatMap(\.values).filter {
            $0.id == id && (!$0.deleted || req.flag("deleted"))
        }
        .sorted { ($0.subject, $0.version) < ($1.subject, $1.version) }
        switch view {
        case "":
            return .json(
                200,
                .object(JSONObject([("schema", .string(text))] + (type.map { [("schemaType", .string($0))] } ?? []))))
        case "schema": return RestResponse(status: 200, body: Array(text.utf8))
        case "subjects": return .json(200, .array(Array(Set(uses.map(\.subject))).sorted().map { .string($0) }))
        case "versions":
            return .json(
                200,
                .array(
                    uses.map { .object([("subject", .string($0.subject)), ("version", .int(Int64($0.version)))]) }))
        default: preconditionFailure("no route to /schemas/ids/{id}/\(view)")
        }
    }

    private func subjects(_ req: RestRequest) -> RestResponse {
        let state = registry.state
        let prefix = req.queryValues("subjectPrefix").last ?? ""
        let deletedOnly = req.flag("deletedOnly")
        let deleted = req.flag("deleted")
        let names = state.subjects.compactMap { name, versions -> String? in
            guard name.hasPrefix(prefix) else { return nil }
            let hasLive = versions.values.contains { !$0.deleted }
            if deletedOnly { return hasLive ? nil : name }
            return hasLive || deleted ? name : nil
        }
        return .json(200, .array(names.sorted().map { .string($0) }))
    }

    private func lookup(_ subject: String, _ req: RestRequest) throws(RestError) -> RestResponse {
        let (_, schema) = try parseBody(req, asNew: false)
        let v = try registry.lookup(subject: subject, schema: schema, includeDeleted: req.flag("deleted"))
        return .json(200, Self.versionJSON(v))
    }

    /// `view`: the path segment after the version, empty for the version itself.
    private func version(_ subject: String, _ id: String, _ view: String, _ req: RestRequest) throws(RestError)
        -> RestResponse
    {
        let v = try resolve(subject, id, includeDeleted: req.flag("deleted"))
        switch view {
        case "": return .json(200, Self.versionJSON(v))
        case "schema": return RestResponse(status: 200, body: Array(v.schema.utf8))
        case "referencedby": return .json(200, [])
        default: preconditionFailure("no route to /subjects/{subject}/versions/{version}/\(view)")
        }
    }

    /// A version id: 1…2^31-1, `latest` or -1 (reference §3.2).
    private func resolve(_ subject: String, _ id: String, includeDeleted: Bool) throws(RestError) -> SubjectVersion {
        let latest = id.lowercased() == "latest" || id == "-1"
        let n = Int32(id)
        guard latest || (n != nil && n! >= 1) else {
            throw RestError(
                422, code: 42202,
                "The specified version '\(id)' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
            )
        }
        let versions = registry.state.versions(subject, includeDeleted: includeDeleted)
        guard let last = versions.last else { throw SchemaRegistry.subjectNotFound(subject) }
        if latest { return last }
        guard let v = versions.first(where: { $0.version == Int(n!) }) else {
            throw SchemaRegistry.versionNotFound(Int(n!))
        }
        return v
    }

    private func getConfig(_ subject: String?, _ req: RestRequest) throws(RestError) -> RestResponse {
        let state = registry.state
        if let subject {
            if let own = state.subjectCompatibility[subject] {
                return .json(200, .object([("compatibilityLevel", .string(own))]))
            }
            guard req.flag("defaultToGlobal") else {
                throw RestError(
                    404, code: 40408, "Subject '\(subject)' does not have subject-level compatibility configured")
            }
        }
        let level = registry.compatibility(nil, in: state)
        return .json(200, .object([("compatibilityLevel", .string(level.rawValue))]))
    }

    private func putConfig(_ subject: String?, _ req: RestRequest) async throws(RestError) -> RestResponse {
        let body = try parseJSON(req)
        let given = body["compatibility"]?.stringValue ?? body["compatibilityLevel"]?.stringValue
        guard let given, let level = AvroCompatibility.Level(rawValue: given.uppercased()) else {
            throw RestError(
                422, code: 42203,
                "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"
            )
        }
        if let subject { try SchemaRegistry.checkSubject(subject) }
        try await registry.setCompatibility(level, subject: subject)
        return .json(200, .object([("compatibility", .string(level.rawValue))]))
    }

    private func deleteConfig(_ subject: String?) async throws(RestError) -> RestResponse {
        let state = registry.state
        let previous: String
        if let subject {
            guard let own = state.subjectCompatibility[subject] else {
                throw SchemaRegistry.subjectNotFound(subject)
            }
            previous = own
        } else {
            previous = registry.compatibility(nil, in: state).rawValue
        }
        try await registry.setCompatibility(nil, subject: subject)
        return .json(200, .object([("compatibilityLevel", .string(previous))]))
    }

    private func getMode(_ subject: String?) -> RestResponse {
        let state = registry.state
        let mode = subject.flatMap { state.subjectMode[$0] } ?? state.globalMode ?? "READWRITE"
        return .json(200, .object([("mode", .string(mode))]))
    }

    private func putMode(_ subject: String?, _ req: RestRequest) async throws(RestError) -> RestResponse {
        let body = try parseJSON(req)
        // IMPORT (registering with given ids) is not implemented, so it is refused rather than ignored.
        guard let mode = body["mode"]?.stringValue?.uppercased(), ["READWRITE", "READONLY"].contains(mode) else {
            throw RestError(
                422, code: 42204, "Invalid mode. Valid values are READWRITE and READONLY (IMPORT is not supported)")
        }
        try await registry.setMode(mode, subject: subject)
        return .json(200, .object([("mode", .string(mode))]))
    }

    private func compatibility(subject: String, version: String?, _ req: RestRequest) throws(RestError)
        -> RestResponse
    {
        let (_, schema) = try parseBody(req)
        let state = registry.state
        let live = state.versions(subject, includeDeleted: false)
        var against: [SubjectVersion]
        var level = registry.compatibility(subject, in: state)
        if let version {
            if live.isEmpty && version.lowercased() == "latest" {
                return .json(200, .object([("is_compatible", true)]))
            }
            against = [try resolve(subject, version, includeDeleted: false)]
            // Against one given version, the transitive levels mean the same as their plain forms.
            level = AvroCompatibility.Level(rawValue: level.rawValue.replacing("_TRANSITIVE", with: "")) ?? level
        } else {
            against = live
        }
        let problems = schema.incompatibilities(level, existing: SchemaRegistry.parsed(against))
        var body: [(String, JSONValue)] = [("is_compatible", .bool(problems.isEmpty))]
        // Confluent lists the messages only when asked (`verbose=true`), then even when there are none.
        if req.flag("verbose") {
            body.append(("messages", .array(problems.map { .string($0) })))
        }
        return .json(200, .object(JSONObject(body)))
    }

    // MARK: Bodies

    private func parseJSON(_ req: RestRequest) throws(RestError) -> JSONValue {
        if req.body.isEmpty { throw RestError(400, "Request body is empty") }
        do { return try JSONParser.parse(req.body) } catch {
            throw RestError(400, "Unexpected character in the request body: \(error)")
        }
    }

    /// `{"schema": "<text>", "schemaType"?: …, "references"?: […]}`.
    private func parseBody(_ req: RestRequest, asNew: Bool = true) throws(RestError) -> (String, ParsedSchema) {
        let body = try parseJSON(req)
        guard body.objectValue != nil else {
            throw RestError(422, code: 42201, "Invalid schema: the body must be a JSON object")
        }
        if let refs = body["references"]?.arrayValue, !refs.isEmpty {
            throw RestError(422, code: 42201, "Invalid schema: schema references are not supported by this registry")
        }
        guard let text = body["schema"]?.stringValue, !text.trimmingWhitespace().isEmpty else {
            throw RestError(422, code: 42201, "Empty schema")
        }
        return (text, try registry.parse(text, type: body["schemaType"]?.stringValue, asNew: asNew))
    }

    /// `schemaType` only for non-Avro schemas, as Confluent's registry answered for years.
    static func versionJSON(_ v: SubjectVersion) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("subject", .string(v.subject)), ("version", .int(Int64(v.version))), ("id", .int(Int64(v.id))),
        ]
        if let t = v.schemaType { members.append(("schemaType", .string(t))) }
        members.append(("schema", .string(v.schema)))
        return .object(JSONObject(members))
    }
}

import ConnectAPI
import Logging
import RestServing

/// The Kafka Connect REST API (`:8083`), every endpoint of the reference, as a function from request to
/// response; the HTTP server only adapts to it, so resources are testable without a socket.
public struct ConnectRestAPI: RestHandler {
    let herder: Herder
    let logLevels: LogLevels
    let forwarder: RestForwarder
    /// The Prometheus text of the worker's metrics (`GET /metrics`), when the process exports them.
    let metrics: (@Sendable () -> [UInt8])?
    let routes: RouteTable<ConnectRestAPI>
    /// The status web page (`GET /ui`), behind the same listener security as every route.
    let statusPage: StatusPage

    public init(
        herder: Herder, logLevels: LogLevels = .shared, metrics: (@Sendable () -> [UInt8])? = nil,
        forwarder: RestForwarder = RestForwarder()
    ) {
        self.herder = herder
        self.logLevels = logLevels
        self.metrics = metrics
        self.forwarder = forwarder
        self.routes = Self.routeTable(metrics: metrics != nil)
        self.statusPage = StatusPage(config: herder.workerConfig)
    }

    public func handle(_ req: RestRequest) async -> RestResponse {
        do {
            switch routes.match(req.method, req.segments) {
            case .route(let route, let parameters): return try await route.handler(self, req, parameters)
            case .methodNotAllowed(let allow): return .error(.methodNotAllowed(allow))
            case .notFound: return .error(Self.notFound)
            }
        } catch let error as HerderError {
            return .error(RestError(error))
        } catch let error as RestError {
            return .error(error)
        } catch {
            return .error(RestError(500, "\(error)"))
        }
    }

    static let notFound = RestError(404, "HTTP 404 Not Found")

    /// Every resource of Kafka Connect's REST API (`docs/openapi.yaml` lists the same); `GET /metrics`
    /// (not Kafka Connect's: it has JMX) only when the process exports metrics; and the status page
    /// `GET /ui`.
    static func routeTable(metrics: Bool) -> RouteTable<ConnectRestAPI> {
        var t = RouteTable<ConnectRestAPI>()
        t.add("GET", "/") { api, _, _ in
            .json(
                200,
                .object([
                    ("version", .string(ConnectVersion.kafka)), ("commit", .string(ConnectVersion.commit)),
                    ("kafka_cluster_id", await api.herder.clusterId.map { .string($0) } ?? .null),
                ]))
        }
        t.add("GET", "/health") { api, _, _ in
            if await api.herder.isReady {
                return .json(
                    200,
                    .object([
                        ("status", "healthy"),
                        ("message", "Worker has completed startup and is ready to handle requests."),
                    ]))
            }
            return .json(503, .object([("status", "starting"), ("message", "Worker is still starting up.")]))
        }
        if metrics {
            t.add("GET", "/metrics") { api, _, _ in
                RestResponse(status: 200, body: api.metrics?(), contentType: "text/plain; version=0.0.4; charset=utf-8")
            }
        }
        // Not Kafka Connect's: the status page (docs/ui.md), a client of the routes below.
        t.add("GET", "/ui") { api, req, _ in api.statusPage.response(req) }
        t.add("GET", "/connectors") { api, req, _ in try await api.listConnectors(req) }
        t.add("POST", "/connectors") { api, req, _ in try await api.createConnector(req) }
        t.add("GET", "/connectors/{connector}") { api, _, p in
            .json(200, try await api.herder.connectorInfo(p["connector"]).json)
        }
        t.add("DELETE", "/connectors/{connector}") { api, _, p in
            try await api.herder.deleteConnector(p["connector"])
            return .noContent
        }
        t.add("GET", "/connectors/{connector}/config") { api, _, p in
            .json(200, .object(try await api.herder.connectorConfig(p["connector"])))
        }
        t.add("PUT", "/connectors/{connector}/config") { api, req, p in
            let name = p["connector"]
            let (config, nulls) = try api.configMap(try api.body(req), field: "The connector configuration")
            let (info, created) = try await api.herder.putConnector(
                name: name, config: config, allowReplace: true, nullKeys: nulls)
            return .json(
                created ? 201 : 200, info.json,
                headers: created ? [("Location", "/connectors/\(name.addingPercentEncodingForPath())")] : [])
        }
        t.add("PATCH", "/connectors/{connector}/config") { api, req, p in
            guard let patch = try api.body(req).objectValue else {
                throw RestError(400, "The patch must be a JSON object")
            }
            return .json(200, try await api.herder.patchConnector(name: p["connector"], patch: patch).json)
        }
        t.add("GET", "/connectors/{connector}/status") { api, _, p in
            .json(200, try await api.herder.connectorStatus(p["connector"]).json)
        }
        t.add("POST", "/connectors/{connector}/restart") { api, req, p in
            try await api.restartConnector(req, p["connector"])
        }
        for (verb, state) in [("pause", TargetState.paused), ("resume", .started), ("stop", .stopped)] {
            t.add("PUT", "/connectors/{connector}/\(verb)") { api, _, p in
                try await api.herder.setTargetState(p["connector"], state)
                return state == .stopped ? .noContent : RestResponse(status: 202, body: nil)
            }
        }
        t.add("GET", "/connectors/{connector}/offsets") { api, _, p in
            .json(200, try await api.herder.offsets(p["connector"]).json)
        }
        t.add("PATCH", "/connectors/{connector}/offsets") { api, req, p in
            let offsets = try api.body(req)["offsets"]?.arrayValue
            let message = try await api.herder.alterOffsets(p["connector"], offsets: offsets)
            return .json(200, .object([("message", .string(message))]))
        }
        t.add("DELETE", "/connectors/{connector}/offsets") { api, _, p in
            .json(200, .object([("message", .string(try await api.herder.resetOffsets(p["connector"])))]))
        }
        t.add("GET", "/connectors/{connector}/topics") { api, _, p in
            let name = p["connector"]
            let topics = try await api.herder.activeTopics(name)
            return .json(200, .object([(name, .object([("topics", .array(topics.map { .string($0) }))]))]))
        }
        t.add("PUT", "/connectors/{connector}/topics/reset") { api, _, p in
            try await api.herder.resetActiveTopics(p["connector"])
            return RestResponse(status: 202, body: nil)
        }
        t.add("GET", "/connectors/{connector}/tasks") { api, _, p in
            .json(200, .array(try await api.herder.taskConfigs(p["connector"]).map(\.json)))
        }
        // Kafka Connect 3.x still serves it (deprecated by KIP-970); secrets hidden as in /tasks.
        t.add("GET", "/connectors/{connector}/tasks-config") { api, _, p in
            let tasks = try await api.herder.taskConfigs(p["connector"])
            return .json(
                200, .object(JSONObject(tasks.map { ("\($0.id.connector)-\($0.id.task)", .object($0.config)) })))
        }
        t.add("GET", "/connectors/{connector}/tasks/{task}/status") { api, _, p in
            guard let n = Int(p["task"]) else { throw notFound }
            return .json(200, try await api.herder.taskStatus(p["connector"], n).json)
        }
        t.add("POST", "/connectors/{connector}/tasks/{task}/restart") { api, req, p in
            guard let n = Int(p["task"]) else { throw notFound }
            if let owner = try await api.herder.restartTask(p["connector"], n, forwarded: req.isForwarded) {
                return try await api.forwarder.forward(req, to: owner)
            }
            return .noContent
        }
        t.add("GET", "/connector-plugins") { api, req, _ in api.listPlugins(req) }
        t.add("GET", "/connector-plugins/{plugin}/config") { api, _, p in try api.pluginConfig(p["plugin"]) }
        t.add("PUT", "/connector-plugins/{plugin}/config/validate") { api, req, p in
            try api.validate(req, plugin: p["plugin"])
        }
        t.add("GET", "/admin/loggers") { api, _, _ in
            .json(
                200,
                .object(JSONObject(api.logLevels.all.sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) })))
        }
        t.add("GET", "/admin/loggers/{logger}") { api, _, p in
            let name = p["logger"]
            guard let e = api.logLevels.all[name] else { throw RestError(404, "Logger \(name) not found.") }
            return .json(200, e.json)
        }
        t.add("PUT", "/admin/loggers/{logger}") { api, req, p in try await api.setLogLevel(req, p["logger"]) }
        return t
    }

    private func body(_ req: RestRequest) throws(RestError) -> JSONValue {
        guard !req.body.isEmpty else { throw RestError(400, "Request body is empty; expected a JSON object") }
        do { return try JSONParser.parse(req.body) } catch {
            throw RestError(400, "Invalid JSON in request body: \(error)")
        }
    }

    /// A config map from JSON: string values as they are, numbers and booleans as their text (Jackson
    /// coerces scalars to String); JSON null values are reported separately.
    private func configMap(_ v: JSONValue?, field: String) throws(RestError) -> (JSONObject, Set<String>) {
        guard let o = v?.objectValue else { throw RestError(400, "\(field) must be a JSON object of string values") }
        var out = JSONObject()
        var nulls = Set<String>()
        for mem in o {
            // The worker's C libraries (librdkafka, libpq, libc) would read a key or value up to a NUL only.
            if mem.key.utf8.contains(0) || mem.value.stringValue?.utf8.contains(0) == true {
                throw RestError(400, "Configuration \(mem.key.debugDescription) contains a NUL character")
            }
            switch mem.value {
            case .string: out[mem.key] = mem.value
            case .int, .number, .bool: out[mem.key] = .string(JSONWriter.string(mem.value))
            case .null: nulls.insert(mem.key)
            default:
                throw RestError(
                    400,
                    "Invalid value for configuration \(mem.key): expected a string, found \(JSONWriter.string(mem.value))"
                )
            }
        }
        return (out, nulls)
    }

    private func listConnectors(_ req: RestRequest) async throws -> RestResponse {
        let names = await herder.connectorNames()
        let expand = req.queryValues("expand")
        // Any expand parameter, even one naming nothing known, answers the map (as Kafka Connect:
        // unknown expansions are ignored, leaving `{}` per connector).
        guard !expand.isEmpty else { return .json(200, .array(names.map { .string($0) })) }
        var o = JSONObject()
        // As Kafka Connect: a connector whose status or info cannot be had (just created, not yet
        // started anywhere; or just deleted) is left out rather than shown half.
        for n in names {
            var e = JSONObject()
            do throws(HerderError) {
                if expand.contains("status") { e["status"] = try await herder.connectorStatus(n).json }
                if expand.contains("info") { e["info"] = try await herder.connectorInfo(n).json }
            } catch { continue }
            o[n] = .object(e)
        }
        return .json(200, .object(o))
    }

    private func createConnector(_ req: RestRequest) async throws -> RestResponse {
        let b = try body(req)
        guard b.objectValue != nil else { throw RestError(400, "Request body must be a JSON object") }
        let (config, nulls) = try configMap(b["config"], field: "config")
        var initial: TargetState? = nil
        if let st = b["initial_state"]?.stringValue {
            switch st.uppercased() {
            case "RUNNING": initial = .started
            case "PAUSED": initial = .paused
            case "STOPPED": initial = .stopped
            default:
                throw RestError(400, "Invalid initial_state \(st): must be one of RUNNING, PAUSED, STOPPED")
            }
        }
        let name = b["name"]?.stringValue ?? ""
        let (info, _) = try await herder.putConnector(
            name: name, config: config, initialState: initial, allowReplace: false, nullKeys: nulls)
        let encoded = name.trimmingWhitespace().addingPercentEncodingForPath()
        return .json(201, info.json, headers: [("Location", "/connectors/\(encoded)")])
    }

    private func restartConnector(_ req: RestRequest, _ name: String) async throws -> RestResponse {
        let includeTasks = req.flag("includeTasks")
        let onlyFailed = req.flag("onlyFailed")
        if !includeTasks && !onlyFailed {
            if let owner = try await herder.restartConnector(name, forwarded: req.isForwarded) {
                return try await forwarder.forward(req, to: owner)
            }
            return .noContent
        }
        let plan = try await herder.restartConnector(name, includeTasks: includeTasks, onlyFailed: onlyFailed)
        // A connector not yet started anywhere has no status to plan from.
        return .json(202, plan?.json ?? .object([]))
    }

    private func listPlugins(_ req: RestRequest) -> RestResponse {
        let registry = herder.registry
        // Jersey reads the boolean with Boolean.valueOf: only "true" (any case) is true.
        let connectorsOnly = req.queryValues("connectorsOnly").last.map { $0.lowercased() == "true" } ?? true
        var list: [JSONValue] = registry.connectors.sorted { $0.className < $1.className }.map {
            .object([
                ("class", .string($0.className)), ("type", .string($0.type.rawValue)),
                ("version", .string($0.version)),
            ])
        }
        if !connectorsOnly {
            var extra: [(String, String, String)] = registry.converters.map {
                ($0.className, $0.kind.rawValue, $0.version)
            }
            extra += registry.transformations.map { ($0.className, "transformation", ConnectVersion.kafka) }
            extra += registry.predicates.map { ($0.className, "predicate", ConnectVersion.kafka) }
            list += extra.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map {
                .object([("class", .string($0.0)), ("type", .string($0.1)), ("version", .string($0.2))])
            }
        }
        return .json(200, .array(list))
    }

    private func pluginConfig(_ pluginName: String) throws(RestError) -> RestResponse {
        let registry = herder.registry
        if let p = registry.connector(named: pluginName) {
            return .json(
                200,
                .array(p.configDef.merging(ConnectorConfig.framework(for: p.type)).keys.map(ConfigInfos.keyInfo)))
        }
        if let c = registry.converters.first(where: {
            PluginRegistry.names($0.className, $0.aliases, suffixes: ["Converter"]).contains(pluginName)
        }) {
            return .json(200, .array(c.configDef.keys.map(ConfigInfos.keyInfo)))
        }
        if let t = registry.transformation(named: pluginName) {
            return .json(200, .array(t.configDef.keys.map(ConfigInfos.keyInfo)))
        }
        if let p = registry.predicate(named: pluginName) {
            return .json(200, .array(p.configDef.keys.map(ConfigInfos.keyInfo)))
        }
        throw RestError(404, "Unknown plugin \(pluginName).")
    }

    private func validate(_ req: RestRequest, plugin pluginName: String) throws -> RestResponse {
        let (config, nulls) = try configMap(try body(req), field: "The connector configuration")
        var map = Herder.stringMap(config)
        if let cls = map["connector.class"] {
            func strip(_ s: String) -> String {
                let simple = String(s.split(separator: ".").last ?? Substring(s))
                return simple.hasSuffix("Connector") ? String(simple.dropLast(9)) : simple
            }
            if strip(cls) != strip(pluginName) && !cls.hasSuffix(pluginName) {
                throw RestError(400, "Included connector type \(cls) does not match request type \(pluginName)")
            }
        } else {
            map["connector.class"] = pluginName
        }
        return .json(200, try herder.validate(config: map, nullKeys: nulls).json)
    }

    private func setLogLevel(_ req: RestRequest, _ name: String) async throws -> RestResponse {
        guard let level = try body(req)["level"]?.stringValue else {
            throw RestError(400, "Desired 'level' parameter was not specified in request.")
        }
        guard LogLevels.swiftLevel(level) != nil else { throw RestError(404, "invalid log level '\(level)'.") }
        if req.queryValues("scope").last?.lowercased() == "cluster" {
            // Written to the config topic; every worker (this one too) applies it when read back.
            try await herder.setClusterLogLevel(name, level.uppercased())
            return .noContent
        }
        let changed = logLevels.set(name, level.uppercased(), at: wallClockMs())
        return .json(200, .array(changed.map { .string($0) }))
    }
}

extension LogLevels.Entry {
    var json: JSONValue {
        .object([("level", .string(level)), ("last_modified", lastModified.map { .int($0) } ?? .null)])
    }
}

extension String {
    func addingPercentEncodingForPath() -> String {
        var out = ""
        for b in utf8 {
            let c = Character(Unicode.Scalar(b))
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || "-._~".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

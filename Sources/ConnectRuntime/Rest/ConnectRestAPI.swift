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

    public init(
        herder: Herder, logLevels: LogLevels = .shared, metrics: (@Sendable () -> [UInt8])? = nil,
        forwarder: RestForwarder = RestForwarder()
    ) {
        self.herder = herder
        self.logLevels = logLevels
        self.metrics = metrics
        self.forwarder = forwarder
    }

    public func handle(_ req: RestRequest) async -> RestResponse {
        do {
            return try await route(req)
        } catch {
            return .error(error)
        }
    }

    private func route(_ req: RestRequest) async throws(RestError) -> RestResponse {
        let segs = req.segments
        let m = req.method
        if segs.isEmpty {
            guard m == "GET" else { throw .methodNotAllowed("GET") }
            return .json(
                200,
                .object([
                    ("version", .string(ConnectVersion.kafka)), ("commit", .string(ConnectVersion.commit)),
                    ("kafka_cluster_id", await herder.clusterId.map { .string($0) } ?? .null),
                ]))
        }
        switch segs[0] {
        case "health" where segs.count == 1:
            guard m == "GET" else { throw .methodNotAllowed("GET") }
            if await herder.isReady {
                return .json(
                    200,
                    .object([
                        ("status", "healthy"),
                        ("message", "Worker has completed startup and is ready to handle requests."),
                    ]))
            }
            return .json(503, .object([("status", "starting"), ("message", "Worker is still starting up.")]))
        case "metrics" where segs.count == 1 && metrics != nil:
            // Not part of Kafka Connect's API (it has JMX): Prometheus scrapes the REST port.
            guard m == "GET" else { throw .methodNotAllowed("GET") }
            return RestResponse(
                status: 200, body: metrics?(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        case "connectors":
            return try await connectors(req, Array(segs.dropFirst()))
        case "connector-plugins":
            return try await plugins(req, Array(segs.dropFirst()))
        case "admin" where segs.count >= 2 && segs[1] == "loggers":
            return try await loggers(req, Array(segs.dropFirst(2)))
        default:
            throw RestError(404, "HTTP 404 Not Found")
        }
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

    private func connectors(_ req: RestRequest, _ s: [String]) async throws(RestError) -> RestResponse {
        let m = req.method
        if s.isEmpty {
            switch m {
            case "GET":
                let names = await herder.connectorNames()
                let expand = req.queryValues("expand")
                // Any expand parameter, even one naming nothing known, answers the map (as Kafka Connect:
                // unknown expansions are ignored, leaving `{}` per connector).
                if !expand.isEmpty {
                    var o = JSONObject()
                    // As Kafka Connect: a connector whose status or info cannot be had (just created, not yet
                    // started anywhere; or just deleted) is left out rather than shown half.
                    for n in names {
                        var e = JSONObject()
                        do throws(RestError) {
                            if expand.contains("status") { e["status"] = try await herder.connectorStatus(n) }
                            if expand.contains("info") { e["info"] = try await herder.connectorInfo(n) }
                        } catch { continue }
                        o[n] = .object(e)
                    }
                    return .json(200, .object(o))
                }
                return .json(200, .array(names.map { .string($0) }))
            case "POST":
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
                return .json(201, info, headers: [("Location", "/connectors/\(encoded)")])
            default: throw .methodNotAllowed("GET", "POST")
            }
        }
        let name = s[0]
        switch (s.count, s.count > 1 ? s[1] : "") {
        case (1, _):
            switch m {
            case "GET": return .json(200, try await herder.connectorInfo(name))
            case "DELETE":
                try await herder.deleteConnector(name)
                return .noContent
            default: throw .methodNotAllowed("GET", "DELETE")
            }
        case (2, "config"):
            switch m {
            case "GET": return .json(200, try await herder.connectorConfig(name))
            case "PUT":
                let (config, nulls) = try configMap(try body(req), field: "The connector configuration")
                let (info, created) = try await herder.putConnector(
                    name: name, config: config, allowReplace: true, nullKeys: nulls)
                return .json(
                    created ? 201 : 200, info,
                    headers: created ? [("Location", "/connectors/\(name.addingPercentEncodingForPath())")] : [])
            case "PATCH":
                guard let patch = try body(req).objectValue else {
                    throw RestError(400, "The patch must be a JSON object")
                }
                return .json(200, try await herder.patchConnector(name: name, patch: patch))
            default: throw .methodNotAllowed("GET", "PUT", "PATCH")
            }
        case (2, "status"):
            guard m == "GET" else { throw .methodNotAllowed("GET") }
            return .json(200, try await herder.connectorStatus(name))
        case (2, "tasks"):
            guard m == "GET" else { throw .methodNotAllowed("GET") }
            return .json(200, try await herder.taskConfigs(name))
        case (2, "restart"):
            guard m == "POST" else { throw .methodNotAllowed("POST") }
            let includeTasks = req.flag("includeTasks")
            let onlyFailed = req.flag("onlyFailed")
            if !includeTasks && !onlyFailed {
                if let owner = try await herder.restartConnector(name, forwarded: req.isForwarded) {
                    return try await forwarder.forward(req, to: owner)
                }
                return .noContent
            }
            return .json(
                202, try await herder.restartConnector(name, includeTasks: includeTasks, onlyFailed: onlyFailed))
        case (2, "pause"), (2, "resume"), (2, "stop"):
            guard m == "PUT" else { throw .methodNotAllowed("PUT") }
            let state: TargetState = s[1] == "pause" ? .paused : s[1] == "stop" ? .stopped : .started
            try await herder.setTargetState(name, state)
            return state == .stopped ? .noContent : RestResponse(status: 202, body: nil)
        case (2, "offsets"):
            switch m {
            case "GET": return .json(200, try await herder.offsets(name))
            case "PATCH": return .json(200, try await herder.alterOffsets(name, body: try body(req)))
            case "DELETE": return .json(200, try await herder.resetOffsets(name))
            default: throw .methodNotAllowed("GET", "PATCH", "DELETE")
            }
        case (2, "topics"):
            guard m == "GET" else { throw .methodNotAllowed("GET") }
            return .json(200, try await herder.activeTopics(name))
        case (3, "topics") where s[2] == "reset":
            guard m == "PUT" else { throw .methodNotAllowed("PUT") }
            try await herder.resetActiveTopics(name)
            return RestResponse(status: 202, body: nil)
        case (4, "tasks") where s[3] == "status":
            guard m == "GET" else { throw .methodNotAllowed("GET") }
            guard let n = Int(s[2]) else { throw RestError(404, "HTTP 404 Not Found") }
            return .json(200, try await herder.taskStatus(name, n))
        case (4, "tasks") where s[3] == "restart":
            guard m == "POST" else { throw .methodNotAllowed("POST") }
            guard let n = Int(s[2]) else { throw RestError(404, "HTTP 404 Not Found") }
            if let owner = try await herder.restartTask(name, n, forwarded: req.isForwarded) {
                return try await forwarder.forward(req, to: owner)
            }
            return .noContent
        default:
            throw RestError(404, "HTTP 404 Not Found")
        }
    }

    private func plugins(_ req: RestRequest, _ s: [String]) async throws(RestError) -> RestResponse {
        let registry = herder.registry
        if s.isEmpty {
            guard req.method == "GET" else { throw .methodNotAllowed("GET") }
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
        let pluginName = s[0]
        if s.count == 2 && s[1] == "config" {
            guard req.method == "GET" else { throw .methodNotAllowed("GET") }
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
        if s.count == 3 && s[1] == "config" && s[2] == "validate" {
            guard req.method == "PUT" else { throw .methodNotAllowed("PUT") }
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
        throw RestError(404, "HTTP 404 Not Found")
    }

    private func loggers(_ req: RestRequest, _ s: [String]) async throws(RestError) -> RestResponse {
        func entryJSON(_ e: LogLevels.Entry) -> JSONValue {
            .object([("level", .string(e.level)), ("last_modified", e.lastModified.map { .int($0) } ?? .null)])
        }
        if s.isEmpty {
            guard req.method == "GET" else { throw .methodNotAllowed("GET") }
            return .json(
                200, .object(JSONObject(logLevels.all.sorted { $0.key < $1.key }.map { ($0.key, entryJSON($0.value)) }))
            )
        }
        let name = s[0]
        switch req.method {
        case "GET":
            guard let e = logLevels.all[name] else { throw RestError(404, "Logger \(name) not found.") }
            return .json(200, entryJSON(e))
        case "PUT":
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
        default:
            throw .methodNotAllowed("GET", "PUT")
        }
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

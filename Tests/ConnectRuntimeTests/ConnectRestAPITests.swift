import ConnectAPI
import ConnectJSON
import DataGenConnector
import FileStreamConnectors
import Logging
import RestServing
import Testing

@testable import ConnectRuntime

/// The REST resources against a herder that has not started: everything answered before anything is
/// written (routing, request parsing, validation, lookups) needs no Kafka, and must answer exactly as
/// Kafka Connect does.
@Suite struct ConnectRestAPITests {
    let api: ConnectRestAPI

    init() throws {
        let config = try TestWorker.config()
        var registry = PluginRegistry.withBuiltins()
        registry.register(FileStreamSourceConnector.plugin(allowedPaths: AllowedPaths(roots: ["/tmp"])))
        registry.register(FileStreamSinkConnector.plugin(allowedPaths: AllowedPaths(roots: ["/tmp"])))
        registry.register(DataGenConnector.plugin)
        api = ConnectRestAPI(
            herder: Herder(workerConfig: config, registry: registry, logger: Logger(label: "test")),
            logLevels: LogLevels())
    }

    func call(_ method: String, _ path: String, _ body: String = "", query: [(String, String)] = []) async -> (
        Int, JSONValue?
    ) {
        let r = await api.handle(RestRequest(method: method, path: path, query: query, body: Array(body.utf8)))
        return (r.status, r.body.flatMap { try? JSONParser.parse($0) })
    }

    func message(_ v: JSONValue?) -> String? { v?["message"]?.stringValue }

    @Test func methodNotAllowedListsTheResourcesMethods() async {
        let r = await api.handle(RestRequest(method: "PUT", path: "/connectors/x", query: [], body: []))
        #expect(r.status == 405)
        #expect(r.headers.first { $0.0 == "Allow" }?.1 == "GET, DELETE")
        #expect(r.body.flatMap { try? JSONParser.parse($0) }?["message"] == "HTTP 405 Method Not Allowed")
        let config = await api.handle(RestRequest(method: "POST", path: "/connectors/x/config", query: [], body: []))
        #expect(config.headers.first { $0.0 == "Allow" }?.1 == "GET, PUT, PATCH")
    }

    @Test func healthIsUnavailableUntilStarted() async {
        let (status, body) = await call("GET", "/health")
        #expect(status == 503)
        #expect(body == .object([("status", "starting"), ("message", "Worker is still starting up.")]))
    }

    @Test func unknownConnectorIs404WithKafkaConnectsMessages() async {
        #expect(await call("GET", "/connectors/nope").0 == 404)
        #expect(message(await call("GET", "/connectors/nope/status").1) == "No status found for connector nope")
        #expect(message(await call("POST", "/connectors/nope/restart").1) == "Unknown connector: nope")
        #expect(message(await call("PUT", "/connectors/nope/stop").1) == "Connector nope not found")
    }

    @Test func errorBodiesHaveCodeAndMessage() async {
        let (status, body) = await call("DELETE", "/connector-plugins")
        #expect(status == 405)
        #expect(body?["error_code"] == .int(405))
        #expect(await call("GET", "/no/such/path").0 == 404)
    }

    @Test func malformedJSONIs400() async {
        let (status, body) = await call("POST", "/connectors", #"{"name":"x","config":"#)
        #expect(status == 400)
        #expect(message(body) != nil)
    }

    @Test func invalidConfigListsEveryErrorAndWritesNothing() async {
        let (status, body) = await call(
            "POST", "/connectors", #"{"name":"f","config":{"connector.class":"FileStreamSource","tasks.max":"zero"}}"#)
        #expect(status == 400)
        let m = message(body) ?? ""
        #expect(m.hasPrefix("Connector configuration is invalid and contains the following 2 error(s):"))
        #expect(m.contains("Invalid value zero for configuration tasks.max: Not a number of type INT"))
        #expect(m.contains(#"Missing required configuration "topic" which has no default value."#))
        #expect(await call("GET", "/connectors").1 == .array([]))
    }

    @Test func unknownConnectorClassListsThePlugins() async {
        let (status, body) = await call("POST", "/connectors", #"{"name":"x","config":{"connector.class":"Nope"}}"#)
        #expect(status == 400)
        let m = message(body) ?? ""
        #expect(m.contains("Failed to find any class that implements Connector and which name matches Nope"))
        #expect(m.contains("org.apache.kafka.connect.file.FileStreamSourceConnector"))
    }

    @Test func validateAnswersConfigInfos() async {
        let (status, body) = await call(
            "PUT", "/connector-plugins/FileStreamSink/config/validate",
            #"{"connector.class":"FileStreamSink","topics":"t"}"#)
        #expect(status == 200)
        #expect(body?["name"] == "FileStreamSink")
        // As Kafka Connect: without "name" in the body, the framework's required `name` is the one error.
        #expect(body?["error_count"] == .int(1))
        let errors = body?["configs"]?.arrayValue?.flatMap { $0["value"]?["errors"]?.arrayValue ?? [] } ?? []
        #expect(errors == [#"Missing required configuration "name" which has no default value."#])
        #expect(body?["groups"]?.arrayValue?.first == "Common")
    }

    @Test func fileStreamUsesOnlyTheAllowedPaths() async {
        func fileErrors(_ file: String) async -> [JSONValue] {
            let (_, body) = await call(
                "PUT", "/connector-plugins/FileStreamSource/config/validate",
                #"{"name":"f","connector.class":"FileStreamSource","topic":"t","file":"\#(file)"}"#)
            let file = body?["configs"]?.arrayValue?.first { $0["value"]?["name"] == "file" }
            return file?["value"]?["errors"]?.arrayValue ?? []
        }
        #expect(await fileErrors("/tmp/in.txt").isEmpty)
        for outside in ["/etc/passwd", "/tmp/../etc/passwd", "in.txt"] {
            let errors = await fileErrors(outside)
            #expect(errors.first?.stringValue?.contains("filestream.allowed.paths (/tmp)") == true, "\(outside)")
        }
        // NUL cuts a path in C: refused with the request, before any validation.
        let (status, body) = await call(
            "PUT", "/connector-plugins/FileStreamSource/config/validate",
            #"{"name":"f","connector.class":"FileStreamSource","topic":"t","file":"/etc/passwd\u0000/tmp/x"}"#)
        #expect(status == 400 && message(body)?.contains("NUL") == true)
    }

    @Test func pluginsListConnectorsOnlyByDefault() async {
        let (_, body) = await call("GET", "/connector-plugins")
        let classes = body?.arrayValue?.compactMap { $0["class"]?.stringValue } ?? []
        #expect(classes.contains("org.apache.kafka.connect.file.FileStreamSinkConnector"))
        #expect(!classes.contains("org.apache.kafka.connect.json.JsonConverter"))
        let (_, all) = await call("GET", "/connector-plugins", query: [("connectorsOnly", "false")])
        #expect(all?.arrayValue?.contains { $0["class"] == "org.apache.kafka.connect.json.JsonConverter" } == true)
        // Boolean.valueOf, as Jersey reads it: anything but "true" is false.
        let (_, one) = await call("GET", "/connector-plugins", query: [("connectorsOnly", "1")])
        #expect(one?.arrayValue?.count == all?.arrayValue?.count)
        let (_, upper) = await call("GET", "/connector-plugins", query: [("connectorsOnly", "TRUE")])
        #expect(upper?.arrayValue?.count == body?.arrayValue?.count)
    }

    @Test func loggersSetAndRead() async {
        let (status, body) = await call("PUT", "/admin/loggers/org.example", #"{"level":"debug"}"#)
        #expect(status == 200)
        #expect(body == .array(["org.example"]))
        #expect(await call("GET", "/admin/loggers/org.example").1?["level"] == "DEBUG")
        #expect(message(await call("PUT", "/admin/loggers/x", #"{"level":"LOUD"}"#).1) == "invalid log level 'LOUD'.")
        #expect(
            message(await call("PUT", "/admin/loggers/x", "{}").1)
                == "Desired 'level' parameter was not specified in request.")
    }
}

/// 404 and 405 answers that follow from the route table.
extension ConnectRestAPITests {
    @Test func pathsOutsideTheTableAre404WithKafkaConnectsBody() async {
        for path in [
            "/connectors/x/nope", "/connectors/x/tasks/0", "/admin/loggers/a/b", "/metrics", "/connector-plugins/p",
        ] {
            let r = await api.handle(RestRequest(method: "GET", path: path))
            #expect(r.status == 404, "\(path)")
            #expect(
                r.body.map { String(decoding: $0, as: UTF8.self) }
                    == #"{"error_code":404,"message":"HTTP 404 Not Found"}"#, "\(path)")
        }
    }

    @Test func aTaskIdThatIsNotANumberIs404() async {
        #expect(await call("GET", "/connectors/x/tasks/one/status").0 == 404)
        #expect(message(await call("GET", "/connectors/x/tasks/0/status").1) == "No status found for task x-0")
    }

    @Test func everyResourceAnswers405WithItsMethods() async {
        let expected: [(String, String)] = [
            ("/", "GET"), ("/health", "GET"), ("/connectors", "GET, POST"), ("/connectors/x/status", "GET"),
            ("/connectors/x/offsets", "GET, PATCH, DELETE"), ("/connectors/x/pause", "PUT"),
            ("/connectors/x/topics/reset", "PUT"), ("/connectors/x/tasks/0/restart", "POST"),
            ("/connector-plugins/p/config/validate", "PUT"), ("/admin/loggers", "GET"),
            ("/admin/loggers/x", "GET, PUT"),
        ]
        for (path, allow) in expected {
            let r = await api.handle(RestRequest(method: "HEAD", path: path))
            #expect(r.status == 405, "\(path)")
            #expect(r.headers.first { $0.0 == "Allow" }?.1 == allow, "\(path)")
            #expect(
                r.body.map { String(decoding: $0, as: UTF8.self) }
                    == #"{"error_code":405,"message":"HTTP 405 Method Not Allowed"}"#, "\(path)")
        }
    }

    @Test func theWorkerAnswersItsVersion() async {
        let (status, body) = await call("GET", "/")
        #expect(status == 200)
        #expect(body?["version"]?.stringValue == ConnectVersion.kafka)
    }
}

extension ConnectRestAPITests {
    @Test func deprecatedTasksConfigAnswersLikeTasks() async {
        let (status, body) = await call("GET", "/connectors/nope/tasks-config")
        #expect(status == 404)
        #expect(message(body) == "Connector nope not found")
    }
}

import ConnectAPI
import FileStreamConnectors
import Logging
import Testing

@testable import ConnectRuntime

/// `connectors.json`: the messages `tributary validate` prints and a SIGHUP apply logs.
@Suite struct ConnectorsFileTests {
    func parse(_ text: String) -> String? {
        do {
            _ = try ConnectorsFile.parse(Array(text.utf8), source: "c.json")
            return nil
        } catch { return error.message }
    }

    @Test func refusalsNameTheFileAndTheConnector() {
        #expect(parse("[").map { $0.hasPrefix("c.json: invalid JSON: ") } == true)
        #expect(parse("{}") == #"c.json: expected a JSON array of {"name":…,"config":{…}} objects"#)
        #expect(
            parse(#"[{"config":{}},{"name":"a","config":{"k":[]}},{"name":"a"}]"#)
                == """
                c.json: entry 0: missing "name"
                c.json: connector a: key k: expected a string value
                c.json: connector a: declared more than once
                c.json: connector a: missing "config" object
                """)
    }

    @Test func anUnreadableFileIsRefusedWithTheReason() {
        #expect(throws: ConnectorsFile.Refusal.self) { try ConnectorsFile.load(path: "/nonexistent/connectors.json") }
        do {
            _ = try ConnectorsFile.load(path: "/nonexistent/connectors.json")
        } catch {
            #expect(error.message.hasPrefix("Cannot read "))
        }
    }

    @Test func validationListsEveryErrorPerConnector() async throws {
        let config = try TestWorker.config()
        var registry = PluginRegistry.withBuiltins()
        registry.register(FileStreamSourceConnector.plugin(allowedPaths: AllowedPaths(roots: ["/tmp"])))
        let herder = Herder(workerConfig: config, registry: registry, logger: Logger(label: "test"))
        let file = try ConnectorsFile.parse(
            Array(#"[{"name":"f","config":{"connector.class":"FileStreamSource","tasks.max":"zero"}}]"#.utf8),
            source: "c.json")
        let problems = await file.validate(with: herder)
        #expect(
            problems == [
                "connector f: Invalid value zero for configuration tasks.max: Not a number of type INT",
                #"connector f: Missing required configuration "topic" which has no default value."#,
            ])
        await #expect(throws: ConnectorsFile.Refusal.self) { _ = try await file.apply(to: herder) }
    }
}

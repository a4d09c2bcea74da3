import ConnectAPI
import ConnectTestKit
import Foundation
import Testing

@testable import HttpSourceConnectors

#if canImport(Glibc)
    import Glibc
#endif

/// The JSON HTTP source (castorm/kafka-connect-http's configuration) through ConnectTestKit against a
/// real HTTP server: Python's http.server on a free port, serving files the test writes.
@Suite(.serialized) struct JsonHttpSourceHarnessTests {
    /// `python3 -m http.server` on a free port of 127.0.0.1, serving `dir`.
    final class FileServer {
        let dir: String
        let process = Process()
        let port: Int

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let out = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir]
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ...": it listens once it says so.
            var line = ""
            while !line.contains("\n"), let chunk = try out.fileHandleForReading.read(upToCount: 1), !chunk.isEmpty {
                line += String(decoding: chunk, as: UTF8.self)
            }
            guard let r = line.firstRange(of: " port "), let p = Int(line[r.upperBound...].prefix { $0.isNumber })
            else {
                process.terminate()
                struct NoPort: Error {}
                throw NoPort()
            }
            port = p
        }

        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(name)"))
        }

        var url: String { "http://127.0.0.1:\(port)" }

        deinit {
            // SIGKILL, not terminate(): the child inherits the test process's signal mask, in which
            // SIGTERM may be blocked; and waitUntilExit spins a run loop the test's thread lacks.
            let pid = process.processIdentifier
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }

    func config(_ server: FileServer, _ extra: [String: String] = [:]) -> [String: String] {
        [
            "kafka.topic": "quakes", "http.request.url": "\(server.url)/feed.json",
            "http.response.list.pointer": "/features", "http.response.record.key.pointer": "/id",
            "http.response.record.timestamp.pointer": "/properties/time", "http.timer.interval.millis": "0",
        ].merging(extra) { $1 }
    }

    static let feed = """
        {"features":[{"id":"b","properties":{"time":2000,"mag":2.5}},{"id":"a","properties":{"time":1000,"mag":1.5}},
        {"id":"c","properties":{"time":3000,"mag":3.5}}]}
        """

    /// Items come in timestamp order, keyed by the key pointer, each with its offset; a restart after an
    /// offset commit skips what was committed.
    @Test func itemsComeInTimestampOrderAndARestartSkipsCommittedOnes() async throws {
        let server = try FileServer()
        try server.write("feed.json", Self.feed)
        let h = ConnectorHarness(JsonHttpSourceConnector.plugin)
        #expect(h.validate(config(server)).isEmpty)
        let taskConfig = try await h.taskConfigs(config(server))[0]
        let task = try await h.sourceTask(taskConfig)
        let records = try await task.poll(atLeast: 3)
        #expect(records.map(\.key) == [.string("a"), .string("b"), .string("c")])
        #expect(records.map(\.timestamp) == [1000, 2000, 3000])
        #expect(records.map(\.topic) == ["quakes", "quakes", "quakes"])
        #expect(records[0].sourcePartition == ["url": .string("\(server.url)/feed.json")])
        #expect(records[1].sourceOffset == ["key": .string("b"), "timestamp": .string("1970-01-01T00:00:02Z")])
        try await task.acknowledge(Array(records.prefix(2)))
        try await task.commitOffsets()
        await task.stop()

        let again = try await h.sourceTask(taskConfig)
        #expect(try await again.poll(atLeast: 1).map(\.key) == [.string("c")])
        await again.stop()
    }

    /// A URL the server does not have (404) fails the task naming the status: retrying cannot help.
    @Test func aMissingResourceFailsTheTask() async throws {
        let server = try FileServer()
        let task = try await ConnectorHarness(JsonHttpSourceConnector.plugin).sourceTask(config(server))
        let error = await #expect(throws: ConnectError.self) { _ = try await task.poll() }
        #expect(error?.message.contains("answered HTTP 404") == true)
        await task.stop()
    }

    /// Configuration mistakes name the key.
    @Test func badConfigsNameTheKey() throws {
        let h = ConnectorHarness(JsonHttpSourceConnector.plugin)
        #expect(h.validate(["http.request.url": "http://x/"])["kafka.topic"]?.isEmpty == false)
        #expect(
            h.validate(["kafka.topic": "t", "http.request.url": "http://x/", "http.timer.interval.millis": "-1"])[
                "http.timer.interval.millis"]?.isEmpty == false)
    }
}

import ConnectAPI
import ConnectJSON
import Logging
import Testing

@testable import ConnectRuntime

@Suite struct LogFormatTests {
    /// 2026-12-07T10:19:32.045Z
    let at: Int64 = 1_796_638_772_045

    func object(_ line: LogLine) throws -> JSONObject {
        let parsed = try JSONParser.parse(Array(line.json().utf8))
        return try #require(parsed.objectValue)
    }

    @Test func timestampIsRFC3339InUTCWithMilliseconds() {
        #expect(LogLine.timestamp(epochMs: at) == "2026-12-07T10:19:32.045Z")
        #expect(LogLine.timestamp(epochMs: 0) == "1970-01-01T00:00:00.000Z")
    }

    @Test func jsonLineHasTheFieldsInOrder() throws {
        let line = LogLine(epochMs: at, level: .info, logger: "tributary", message: "Worker started")
        #expect(
            line.json()
                == #"{"ts":"2026-12-07T10:19:32.045Z","level":"INFO","logger":"tributary","message":"Worker started"}"#)
    }

    @Test func taskLinesCarryConnectorAndTask() throws {
        let line = LogLine(
            epochMs: at, level: .warning, logger: "tributary", message: "Consumer of task orders-3",
            error: "Broker: transport failure", metadata: ["connector": "orders", "task": "3", "topic": "t1"])
        let o = try object(line)
        #expect(o.keys == ["ts", "level", "logger", "message", "connector", "task", "error", "topic"])
        #expect(o["level"] == "WARN")
        #expect(o["connector"] == "orders")
        #expect(o["task"] == .int(3))
        #expect(o["error"] == "Broker: transport failure")
        #expect(o["topic"] == "t1")
        // The connector's own lines name it without a task.
        let connectorLine = try object(
            LogLine(epochMs: at, level: .info, logger: "tributary", message: "m", metadata: ["connector": "orders"]))
        #expect(connectorLine["connector"] == "orders" && connectorLine["task"] == nil)
        #expect(connectorLine["error"] == nil)
    }

    @Test func textLineHasKafkaConnectsConnectorContext() {
        let task = LogLine(
            epochMs: at, level: .error, logger: "tributary", message: "Task orders-3 failed",
            error: "org.apache.kafka.connect.errors.ConnectException: boom",
            metadata: ["connector": "orders", "task": "3", "client": "c-1"])
        #expect(
            task.text()
                == "[2026-12-07T10:19:32.045Z] ERROR [orders|task-3] Task orders-3 failed: org.apache.kafka.connect.errors.ConnectException: boom (tributary) client=c-1"
        )
        let connector = LogLine(
            epochMs: at, level: .info, logger: "tributary", message: "m", metadata: ["connector": "orders"])
        #expect(connector.text() == "[2026-12-07T10:19:32.045Z] INFO [orders|worker] m (tributary)")
        let plain = LogLine(epochMs: at, level: .critical, logger: "tributary.kafka", message: "m")
        #expect(plain.text() == "[2026-12-07T10:19:32.045Z] FATAL m (tributary.kafka)")
    }

    @Test func jsonEscapesQuotesControlCharactersAndKeepsUnicode() throws {
        let message = "say \"hi\"\\ \n\t\r\u{08}\u{0C}\u{01}\u{1F} é 日本 🚀 \u{2028}"
        let line = LogLine(
            epochMs: at, level: .debug, logger: "tributary", message: message, error: "line 1\nline 2",
            metadata: ["connector": "we\"ird|name", "nested": ["a": ["x", "y"], "b": "\u{7}"]])
        let json = line.json()
        #expect(!json.contains("\n") && !json.contains("\t") && !json.contains("\u{01}"))
        #expect(json.contains(#"say \"hi\"\\ \n\t\r\b\f\u0001\u001F é 日本 🚀"#))
        let o = try object(line)
        #expect(o["message"] == .string(message))
        #expect(o["error"] == "line 1\nline 2")
        #expect(o["connector"] == "we\"ird|name")
        #expect(o["nested"] == .object(["a": ["x", "y"], "b": "\u{7}"]))
    }

    @Test func handlerTakesTheErrorArgumentOrTheErrorMetadataKey() {
        var handler = DynamicLogHandler(label: "tributary.test", levels: LogLevels())
        handler[metadataKey: "connector"] = "orders"
        let withError = handler.line(
            LogEvent(
                level: .error, message: "Failed", error: ConnectError(.data, "bad record"),
                metadata: ["task": "0"], source: nil, file: "f", function: "g", line: 1))
        #expect(withError.error == "org.apache.kafka.connect.errors.DataException: bad record")
        #expect(withError.contextPrefix == "[orders|task-0] ")
        #expect(withError.logger == "tributary.test")
        let fromMetadata = handler.line(
            LogEvent(
                level: .warning, message: "Failed", error: nil, metadata: ["error": "timed out"], source: nil,
                file: "f", function: "g", line: 1))
        #expect(fromMetadata.error == "timed out")
        #expect(fromMetadata.contextPrefix == "[orders|worker] ")
    }

    @Test func levelsAreLog4jNames() {
        #expect(
            [Logger.Level.trace, .debug, .info, .notice, .warning, .error, .critical].map(LogLine.levelName) == [
                "TRACE", "DEBUG", "INFO", "INFO", "WARN", "ERROR", "FATAL",
            ])
    }

    // MARK: log.format and TRIBUTARY_LOG_FORMAT

    let base: [(String, String)] = [
        ("group.id", "g"), ("config.storage.topic", "c"), ("offset.storage.topic", "o"),
        ("status.storage.topic", "s"), ("key.converter", "JsonConverter"), ("value.converter", "JsonConverter"),
    ]

    @Test func logFormatKeyDefaultsToTextAndTakesJSON() throws {
        #expect(try WorkerConfig(properties: base).logFormat == .text)
        #expect(try WorkerConfig(properties: base + [("log.format", "json")]).logFormat == .json)
        #expect(try WorkerConfig(properties: base + [("log.format", " JSON ")]).logFormat == .json)
        #expect(try WorkerConfig(properties: base, environment: ["CONNECT_LOG_FORMAT": "json"]).logFormat == .json)
        #expect(try WorkerConfig(properties: base).unknownKeys.isEmpty)
        #expect(WorkerConfig.configDef.key("log.format")?.documentation.contains("TRIBUTARY_LOG_FORMAT") == true)
    }

    @Test func unknownLogFormatIsRefusedNamingKeyAndValue() {
        let expected =
            "Invalid value xml for configuration log.format: String must be one of (case insensitive): text, json"
        #expect(throws: ConfigException(expected)) {
            try WorkerConfig(properties: base + [("log.format", "xml")])
        }
        #expect(throws: ConfigException(expected)) {
            try WorkerConfig.logFormat(properties: base + [("log.format", "xml")])
        }
        #expect(throws: ConfigException(expected)) {
            try WorkerConfig.logFormat(properties: base, environment: ["CONNECT_LOG_FORMAT": "xml"])
        }
    }

    @Test func earlyReadFollowsThePropertiesPrecedence() throws {
        #expect(try WorkerConfig.logFormat(properties: base) == .text)
        #expect(try WorkerConfig.logFormat(properties: base + [("log.format", "json")]) == .json)
        #expect(
            try WorkerConfig.logFormat(
                properties: base + [("log.format", "json")], environment: ["CONNECT_LOG_FORMAT": "text"]) == .text)
        #expect(
            try WorkerConfig.logFormat(
                properties: base, environment: ["CONNECT_LOG_FORMAT": "text"], overrides: [("log.format", "json")])
                == .json)
        // A placeholder is the full parse's to resolve.
        #expect(try WorkerConfig.logFormat(properties: base + [("log.format", "${env:FORMAT}")]) == .text)
    }

    @Test func environmentVariable() throws {
        #expect(try LogFormat.fromEnvironment([:]) == nil)
        #expect(try LogFormat.fromEnvironment(["TRIBUTARY_LOG_FORMAT": ""]) == nil)
        #expect(try LogFormat.fromEnvironment(["TRIBUTARY_LOG_FORMAT": "json"]) == .json)
        #expect(try LogFormat.fromEnvironment(["TRIBUTARY_LOG_FORMAT": "Text"]) == .text)
        #expect(
            throws: ConfigException(
                "Invalid value xml for configuration TRIBUTARY_LOG_FORMAT: String must be one of (case insensitive): text, json"
            )
        ) { try LogFormat.fromEnvironment(["TRIBUTARY_LOG_FORMAT": "xml"]) }
    }
}

import ConnectAPI
import ConnectTestKit
import Synchronization
import Testing

@testable import ConnectRuntime

/// Each transformation of a chain is its own error stage (Kafka Connect's `TransformationChain.apply`).
@Suite struct TransformationChainTests {
    /// Appends its tag to the topic, counting its calls; fails `failures` times first with `error`.
    final class Step: Transformation {
        let tag: String
        let error: ConnectError?
        private let state: Mutex<(calls: Int, failures: Int)>
        init(_ tag: String, failing failures: Int = 0, with error: ConnectError? = nil) {
            self.tag = tag
            self.error = error
            state = Mutex((0, failures))
        }
        var calls: Int { state.withLock { $0.calls } }
        func apply<R: ConnectRecord>(_ record: R) throws -> R? {
            let fail = state.withLock { s in
                s.calls += 1
                if s.failures > 0 {
                    s.failures -= 1
                    return true
                }
                return false
            }
            if fail, let error { throw error }
            if tag == "drop" { return nil }
            var r = record
            r.topic += tag
            return r
        }
    }

    static func chain(_ steps: [(alias: String, step: Step)]) -> TransformationChain {
        TransformationChain(
            stages: steps.map {
                .init(
                    alias: $0.alias, className: "test.\($0.alias.uppercased())", transformation: $0.step,
                    predicate: nil,
                    negate: false)
            })
    }

    static func handler(_ log: CapturedLog, tolerateAll: Bool, retryTimeoutMs: Int64 = 0) -> ErrorHandler {
        var c = ErrorHandler.Config()
        c.tolerateAll = tolerateAll
        c.logEnable = true
        c.retryTimeoutMs = retryTimeoutMs
        c.retryDelayMaxMs = 0  // no waiting between attempts
        return ErrorHandler(config: c, id: ConnectorTaskId("c", 0), logger: log.logger("test"), dlq: nil)
    }

    let sink = SinkRecord(
        topic: "t", kafkaPartition: 0, kafkaOffset: 5, keySchema: nil, key: .null, valueSchema: nil, value: .int32(1),
        timestamp: nil)
    let source = SourceRecord(
        sourcePartition: ["f": "a"], sourceOffset: ["p": 1], topic: "t", valueSchema: nil, value: .null)

    @Test func theFailingTransformationsClassIsReported() async throws {
        let log = CapturedLog()
        let chain = Self.chain([
            ("a", Step("-a")), ("b", Step("-b", failing: 1, with: ConnectError(.data, "bad value"))), ("c", Step("-c")),
        ])
        let out = try await chain.apply(sink, errors: Self.handler(log, tolerateAll: true), consumed: nil)
        #expect(out == nil)  // tolerated: skipped
        // The log reporter's line, with the class the dead-letter queue's __connect.errors.class.name gets.
        #expect(log.messages().count == 1)
        #expect(
            log.messages().first?.hasPrefix(
                "Error encountered in task c-0. Executing stage 'TRANSFORMATION' with class 'test.B'") == true)
    }

    @Test func aRetriableFailureRetriesOnlyThatTransformation() async throws {
        let log = CapturedLog()
        let (a, b, c) = (Step("-a"), Step("-b", failing: 2, with: ConnectError(.retriable, "busy")), Step("-c"))
        let chain = Self.chain([("a", a), ("b", b), ("c", c)])
        let out = try await chain.apply(
            sink, errors: Self.handler(log, tolerateAll: false, retryTimeoutMs: 60_000), consumed: nil)
        #expect(out?.topic == "t-a-b-c")
        #expect((a.calls, b.calls, c.calls) == (1, 3, 1))
        #expect(log.messages().isEmpty)
    }

    @Test func toleranceAllSkipsTheRecordAndRunsNoLaterTransformation() async throws {
        let log = CapturedLog()
        let c = Step("-c")
        let chain = Self.chain([("a", Step("-a", failing: 1, with: ConnectError(.data, "no"))), ("c", c)])
        let handler = Self.handler(log, tolerateAll: true)
        #expect(try await chain.apply(sink, errors: handler, consumed: nil) == nil)
        #expect(c.calls == 0)
        // The next record goes through.
        #expect(try await chain.apply(sink, errors: handler, consumed: nil)?.topic == "t-a-c")
        // The source path: the same, synchronously.
        let s = Self.chain([("x", Step("-x", failing: 1, with: ConnectError(.data, "no")))])
        #expect(try s.apply(source, tolerating: handler) == nil)
        #expect(log.messages().last?.contains("with class 'test.X'") == true)
        #expect(try s.apply(source, tolerating: handler)?.topic == "t-x")
    }

    @Test func toleranceNoneFailsNamingTheTransformation() async throws {
        let log = CapturedLog()
        let chain = Self.chain([
            ("a", Step("-a")), ("b", Step("-b", failing: 1, with: ConnectError(.data, "bad value"))),
        ])
        let expected = "bad value (transformation b, class test.B)"
        // The fast path, and through the error handler (the sink's path with retries) alike.
        do {
            _ = try chain.apply(sink)
            Issue.record("no failure")
        } catch let e as ConnectError {
            #expect(e.kind == .data && e.message == expected)
        }
        let third = Self.chain([
            ("a", Step("-a")), ("b", Step("-b", failing: 1, with: ConnectError(.data, "bad value"))),
        ])
        do {
            _ = try await third.apply(sink, errors: Self.handler(log, tolerateAll: false), consumed: nil)
            Issue.record("no failure")
        } catch let e as ConnectError {
            #expect(e.kind == .data && e.message == expected)
        }
        #expect(log.messages().isEmpty)  // not tolerated: the task's failure reports it, not the log reporter
    }

    @Test func aDroppedRecordEndsTheChain() async throws {
        let c = Step("-c")
        let chain = Self.chain([("drop", Step("drop")), ("c", c)])
        #expect(try chain.apply(sink) == nil)
        #expect(
            try await chain.apply(sink, errors: Self.handler(CapturedLog(), tolerateAll: true), consumed: nil) == nil)
        #expect(c.calls == 0)
    }

    // The source path cannot wait inside a stage: while the record may be retried, a retriable failure
    // is rethrown (retriable, naming the transformation) instead of tolerated; once retries are over it
    // is tolerated as any other.
    @Test func aRetriableSourceFailureIsRethrownWhileRetrying() throws {
        let log = CapturedLog()
        let handler = Self.handler(log, tolerateAll: true, retryTimeoutMs: 60_000)
        let chain = Self.chain([("x", Step("-x", failing: 2, with: ConnectError(.retriable, "busy")))])
        do {
            _ = try chain.apply(source, tolerating: handler, retrying: true)
            Issue.record("no failure")
        } catch let e as ConnectError {
            #expect(e.isRetriable && e.message == "busy (transformation x, class test.X)")
        }
        #expect(log.messages().isEmpty)
        #expect(try chain.apply(source, tolerating: handler, retrying: false) == nil)
        #expect(log.messages().count == 1)
        // A failure that is not retriable is tolerated at once.
        let data = Self.chain([("y", Step("-y", failing: 1, with: ConnectError(.data, "bad")))])
        #expect(try data.apply(source, tolerating: handler, retrying: true) == nil)
        #expect(log.messages().count == 2)
    }
}

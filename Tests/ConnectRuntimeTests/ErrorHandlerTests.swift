import ConnectAPI
import ConnectTestKit
import Testing

@testable import ConnectRuntime

/// The retry and tolerance decisions of `ErrorHandler` (Kafka Connect's `RetryWithToleranceOperator`).
@Suite struct ErrorHandlerTests {
    static func handler(_ settings: [String: String], _ log: CapturedLog = CapturedLog()) -> ErrorHandler {
        ErrorHandler(config: .init(settings), id: ConnectorTaskId("c", 0), logger: log.logger("test"), dlq: nil)
    }

    /// Fails with each of `errors` in turn, then returns the number of calls.
    final class Op: @unchecked Sendable {
        var errors: [ConnectError]
        var calls = 0
        init(_ errors: [ConnectError]) { self.errors = errors }
        func run() throws -> Int {
            calls += 1
            if !errors.isEmpty { throw errors.removeFirst() }
            return calls
        }
    }

    @Test func configDefaultsAndParsing() {
        let d = ErrorHandler.Config([:])
        #expect(!d.tolerateAll && d.retryTimeoutMs == 0 && d.retryDelayMaxMs == 60_000 && !d.logEnable)
        let c = ErrorHandler.Config([
            "errors.tolerance": " ALL ", "errors.retry.timeout": "-1", "errors.retry.delay.max.ms": "5",
            "errors.log.enable": "true",
        ])
        #expect(c.tolerateAll && c.retryTimeoutMs == -1 && c.retryDelayMaxMs == 5 && c.logEnable)
        #expect(!ErrorHandler.Config(["errors.tolerance": "none"]).tolerateAll)
    }

    @Test func toleranceNoneRethrowsANonRetriableFailureAtOnce() async {
        let op = Op([ConnectError(.data, "bad")])
        let h = Self.handler(["errors.retry.timeout": "60000", "errors.retry.delay.max.ms": "0"])
        await #expect(throws: ConnectError.self) {
            _ = try await h.execute(.valueConverter, className: "X", consumed: nil) { try op.run() }
        }
        #expect(op.calls == 1)
    }

    @Test func aRetriableFailureIsRetriedWithinTheTimeout() async throws {
        let op = Op([ConnectError(.retriable, "busy"), ConnectError(.retriable, "busy")])
        let h = Self.handler(["errors.retry.timeout": "60000", "errors.retry.delay.max.ms": "0"])
        #expect(try await h.execute(.transformation, className: "X", consumed: nil) { try op.run() } == 3)
    }

    @Test func aNegativeRetryTimeoutRetriesWithoutEnd() async throws {
        let op = Op(Array(repeating: ConnectError(.retriable, "busy"), count: 5))
        let h = Self.handler(["errors.retry.timeout": "-1", "errors.retry.delay.max.ms": "0"])
        #expect(try await h.execute(.transformation, className: "X", consumed: nil) { try op.run() } == 6)
    }

    @Test func withoutARetryTimeoutARetriableFailureIsNotRetried() async throws {
        let none = Op([ConnectError(.retriable, "busy")])
        await #expect(throws: ConnectError.self) {
            _ = try await Self.handler([:]).execute(.keyConverter, className: "X", consumed: nil) { try none.run() }
        }
        #expect(none.calls == 1)
        // Tolerated: skipped (nil), counted once, logged with the stage and class.
        let log = CapturedLog()
        let all = Op([ConnectError(.retriable, "busy")])
        let h = Self.handler(["errors.tolerance": "all", "errors.log.enable": "true"], log)
        let out = try await h.execute(.keyConverter, className: "K", consumed: nil) { try all.run() }
        #expect(out == nil && all.calls == 1)
        #expect(
            log.messages() == [
                "Error encountered in task c-0. Executing stage 'KEY_CONVERTER' with class 'K'. org.apache.kafka.connect.errors.RetriableException: busy"
            ])
    }

    @Test func retriesStopAtTheTimeout() async throws {
        // Always failing: tried until errors.retry.timeout passed, then the failure is the task's.
        let op = Op(Array(repeating: ConnectError(.retriable, "busy"), count: 1_000_000))
        let h = Self.handler(["errors.retry.timeout": "1", "errors.retry.delay.max.ms": "0"])
        do {
            _ = try await h.execute(.transformation, className: "X", consumed: nil) { try op.run() }
            Issue.record("no failure")
        } catch let e as ConnectError {
            #expect(e.isRetriable && e.message == "busy")
        }
        #expect(op.calls >= 1)
    }

    @Test func toleranceAllWithoutLoggingSkipsSilently() async throws {
        let log = CapturedLog()
        let h = Self.handler(["errors.tolerance": "all"], log)
        let op = Op([ConnectError(.data, "bad")])
        #expect(try await h.execute(.valueConverter, className: "V", consumed: nil) { try op.run() } == nil)
        #expect(log.messages().isEmpty)
        // The synchronous source variant: the same decision.
        let record = SourceRecord(sourcePartition: [:], sourceOffset: [:], topic: "t", valueSchema: nil, value: .null)
        try h.tolerate(.valueConverter, className: "V", record: record, ConnectError(.data, "bad"))
        #expect(throws: ConnectError.self) {
            try Self.handler([:]).tolerate(.valueConverter, className: "V", record: record, ConnectError(.data, "bad"))
        }
    }

    @Test func backoffDoublesFrom300MsUpToTheMaximumAndNeverPastTheDeadline() {
        let far = monotonicMs() + 3_600_000
        let h = Self.handler(["errors.retry.delay.max.ms": "1000"])
        #expect(h.backoffMs(attempt: 1, deadline: far) == 300)
        #expect(h.backoffMs(attempt: 2, deadline: far) == 600)
        // Past the maximum: a random delay up to it.
        for attempt in 3...30 { #expect((0...1000).contains(h.backoffMs(attempt: attempt, deadline: far))) }
        #expect(h.backoffMs(attempt: 1, deadline: monotonicMs() - 1) == 0)
    }

    @Test func onlyWithoutRetriesAndToleranceDoStagesRunDirectly() {
        #expect(Self.handler([:]).isDirect)
        #expect(Self.handler(["errors.tolerance": "none", "errors.retry.timeout": "0"]).isDirect)
        // A retry timeout retries under errors.tolerance=none too (Kafka's RetryWithToleranceOperator).
        #expect(!Self.handler(["errors.retry.timeout": "1000"]).isDirect)
        #expect(!Self.handler(["errors.retry.timeout": "-1"]).isDirect)
        #expect(!Self.handler(["errors.tolerance": "all"]).isDirect)
    }

    @Test func aSourceRecordIsRetriedUntilTheDeadlineOfItsFirstFailure() {
        let h = Self.handler(["errors.retry.timeout": "500"])
        var r = ErrorHandler.RecordRetries()
        #expect(r.allowRetry(now: 1000))
        #expect(r.failed(now: 1000, handler: h, stopping: false) == 300)  // Kafka's first backoff
        #expect(r.deadline == 1500 && r.attempts == 1)
        // The deadline of the first failure, and a backoff that does not pass it.
        #expect(r.failed(now: 1300, handler: h, stopping: false) == 200)
        #expect(r.deadline == 1500 && r.attempts == 2)
        #expect(r.allowRetry(now: 1499))
        #expect(!r.allowRetry(now: 1500))  // the next failure is tolerated or the task's
    }

    @Test func aNegativeTimeoutRetriesASourceRecordUntilTheTaskStops() {
        let h = Self.handler(["errors.retry.timeout": "-1", "errors.retry.delay.max.ms": "0"])
        var r = ErrorHandler.RecordRetries()
        _ = r.failed(now: 1000, handler: h, stopping: false)
        #expect(r.allowRetry(now: Int64.max - 1))
        // Stopping: one last attempt, whose failure is not retried.
        #expect(r.failed(now: 2000, handler: h, stopping: true) == 0)
        #expect(!r.allowRetry(now: 2000))
    }
}

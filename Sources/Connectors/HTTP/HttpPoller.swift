import ConnectAPI
import CurlClient
import Logging

/// What the HTTP polling sources share: one libcurl session, the time of the next poll, and the policy
/// for answers that are not data: throttling (429), server errors, no answer and garbage are logged and
/// waited out (the task keeps running); anything else the API refuses fails the task with its message.
final class HttpPoller {
    enum Outcome {
        case ok(HTTPResponse)
        /// Logged; the next poll waits.
        case later
    }

    private let session: CurlSession
    private let label: String
    private let logger: Logger
    private let retry: RetryPolicy
    private let pollIntervalMs: Int64
    private let maxFailures: Int
    private(set) var nextPollMs: Int64 = 0
    private var failures = 0
    /// The latest failure's description while failures last, and what the task status shows.
    private var problem: String?
    private var published: String?

    init(
        label: String, logger: Logger, timeoutMs: Int, maxRetries: Int, pollIntervalMs: Int64, maxFailures: Int = 0
    ) throws {
        var options = CurlSession.Options()
        options.timeoutMs = timeoutMs
        options.followRedirects = true
        do { session = try CurlSession(options: options) } catch {
            throw ConnectError(.connect, "Cannot use libcurl for \(label): \(error.message)")
        }
        self.label = label
        self.logger = logger
        self.retry = RetryPolicy(attempts: maxRetries + 1, baseDelayMs: 1000, maxDelayMs: 60_000)
        self.pollIntervalMs = pollIntervalMs
        self.maxFailures = maxFailures
    }

    /// Sleeps a little and returns false while the next poll is not due (so `poll` can return promptly).
    /// Publishes what the API answered to the task status when that changed, and fails the task once
    /// `http.max.consecutive.failures` polls in a row got no data (when set).
    func due(_ context: any SourceTaskContext) async throws -> Bool {
        if problem != published {
            published = problem
            await context.reportProblem(problem.map { "\(label): \($0)" })
        }
        if maxFailures > 0, failures >= maxFailures, let problem {
            throw ConnectError(
                .connect,
                "\(label): \(failures) polls in a row got no data (http.max.consecutive.failures=\(maxFailures)); last: \(problem)"
            )
        }
        let wait = nextPollMs - SystemClock.nowMs()
        guard wait > 0 else { return true }
        if !context.isStopping { try? await Task.sleep(for: .milliseconds(min(wait, 100))) }
        return false
    }

    /// The next poll right away (more pages wait) or after the interval (read to the end).
    func schedule(immediately: Bool) {
        failures = 0
        problem = nil
        nextPollMs = immediately ? 0 : SystemClock.nowMs() + pollIntervalMs
    }

    func get(_ url: String, headers: [(name: String, value: String)] = [], context: any SourceTaskContext)
        async throws -> Outcome
    {
        // A stop must not wait for a slow or silent server or a retry backoff: a watcher aborts both.
        let watcher = Task { [session] in
            while !Task.isCancelled {
                if context.isStopping { return session.abortTransfers() }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { watcher.cancel() }
        let response: HTTPResponse
        do {
            response = try await session.send(
                HTTPRequest(url: url, headers: headers), retry: retry,
                onRetry: { [label, logger] in logger.warning("\(label): \($0)") })
        } catch {
            backOff("no answer: \(error.message)")
            return .later
        }
        if response.status == 200 { return .ok(response) }
        let message = Self.errorMessage(response)
        if CurlError.isRetriableStatus(response.status) || response.status == 202 {
            backOff("HTTP \(response.status) \(message)")
            return .later
        }
        throw ConnectError(.connect, "\(label) answered HTTP \(response.status): \(message)")
    }

    /// A throttled, failing or garbled answer: logged, and tried again after `poll.interval.ms` (at most
    /// a minute, so throttling does not stall a long interval).
    func backOff(_ what: String) {
        failures += 1
        problem = "\(what) (failure \(failures) in a row)"
        let delay = min(pollIntervalMs, 60_000)
        logger.warning("\(label): \(what); failure \(failures) in a row, next try in \(delay) ms")
        nextPollMs = SystemClock.nowMs() + delay
    }

    /// The `message` of a JSON error body (Socrata's shape), else the start of the body.
    static func errorMessage(_ r: HTTPResponse) -> String {
        if case .object(let o)? = try? JSONParser.parse(r.body), let m = o["message"]?.stringValue {
            return m
        }
        return String(r.bodyText.prefix(300))
    }

}

extension ConfigDef {
    /// The keys every HTTP source has: one request's timeout, the retries of 429/5xx answers, failing after
    /// polls without data, and skipping what the topic already holds on resume.
    func definingHttpRequestKeys(timeoutKey: String = "http.request.timeout.ms") -> ConfigDef {
        define(
            timeoutKey, .int, defaultValue: "60000", validator: .range(atLeast: 1), importance: .low,
            documentation: "Timeout of one request.", group: "HTTP", orderInGroup: 1, width: .short,
            displayName: "Request timeout (ms)"
        )
        .define(
            "http.max.retries", .int, defaultValue: "5", validator: .range(atLeast: 0), importance: .low,
            documentation:
                "Retries of a request answered 429, 5xx or not at all, with exponential backoff and jitter (Retry-After honoured); afterwards the task waits for its next poll and tries again.",
            group: "HTTP", orderInGroup: 2, width: .short, displayName: "Retries"
        )
        .define(
            "http.max.consecutive.failures", .int, defaultValue: "0", validator: .range(atLeast: 0),
            importance: .low,
            documentation:
                "Fail the task after this many polls in a row got no data (throttled, failed or garbled answers, each after its retries); 0 = never: the task keeps trying and its status shows the API's last answer.",
            group: "HTTP", orderInGroup: 3, width: .short, displayName: "Failures before failing"
        )
        .define(
            "resume.skip.delivered", .boolean, defaultValue: "true", importance: .low,
            documentation:
                "On start, read back the records the topic got after the stored offset (Kafka acknowledged them but the worker stopped before committing their offsets, e.g. it was killed) and do not write them again, so each row version is in the topic once. false: such records come twice after a crash (at-least-once).",
            group: "HTTP", orderInGroup: 4, width: .short, displayName: "Skip delivered records on resume")
    }
}

/// A source config whose checks across keys run at validation (every error, per key, next to the
/// ConfigDef's own) and at start (the first one).
protocol CrossKeyRules {
    static func rules(value: (String) -> String?, add: (String, String) -> Void)
}

extension CrossKeyRules {
    static func validate(_ raw: [String: String]) -> [String: [String]] {
        var errors: [String: [String]] = [:]
        rules(value: { raw[$0] }, add: { errors[$0, default: []].append($1) })
        return errors
    }

    static func firstProblem(_ c: ParsedConfig) -> String? {
        var first: String?
        rules(value: { c.string($0) }, add: { _, m in first = first ?? m })
        return first
    }
}

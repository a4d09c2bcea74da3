import ConnectAPI
import ConnectJSON
import CurlClient
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Polls one Socrata dataset: a page of rows after the stored position, as records keyed by row id;
/// full pages are followed at once (backfill), a short page means the dataset is read to its end and the
/// next poll waits `poll.interval.ms`. Source partition `{"domain","dataset"}`, offset
/// `{"updated_at","id"}` of the last row: a restart resumes after it, with no gap and no repeat.
public final class SocrataSourceTask: SourceTask {
    private var config: SocrataSourceConfig?
    private var context: (any SourceTaskContext)?
    private var session: CurlSession?
    private var position: SocrataQuery.Position?
    private var nextPollMs: Int64 = 0
    private var partition = JSONObject()
    private var failures = 0

    public init() {}

    public func start(_ raw: [String: String], context: any SourceTaskContext) async throws {
        let config = try SocrataSourceConfig(raw)
        self.config = config
        self.context = context
        var options = CurlSession.Options()
        options.timeoutMs = config.requestTimeoutMs
        options.followRedirects = true
        do { session = try CurlSession(options: options) } catch {
            throw ConnectError(.connect, "Cannot use libcurl for the Socrata source: \(error.message)")
        }
        partition = ["domain": .string(config.domain), "dataset": .string(config.dataset)]
        if let stored = await context.offsetStorageReader.offset(for: partition),
            let t = stored["updated_at"]?.stringValue
        {
            position = .init(updatedAt: t, id: stored["id"]?.stringValue)
            context.logger.info("Socrata \(config.domain)/\(config.dataset): resuming after \(t) \(position?.id ?? "")")
        } else if let start = config.start {
            position = .init(updatedAt: start, id: nil)
        }
    }

    public func poll() async throws -> [SourceRecord] {
        guard let config, let context, let session else { return [] }
        let wait = nextPollMs - Self.nowMs()
        if wait > 0 {
            if !context.isStopping { try? await Task.sleep(for: .milliseconds(min(wait, 100))) }
            return []
        }
        let url = SocrataQuery(config: config).url(after: position)
        var request = HTTPRequest(url: url, headers: [("Accept", "application/json")])
        if let token = config.appToken { request.headers.append(("X-App-Token", token)) }
        let response: HTTPResponse
        do {
            response = try await session.send(
                request, retry: RetryPolicy(attempts: config.maxRetries + 1, baseDelayMs: 1000, maxDelayMs: 60_000)
            ) { note in context.logger.warning("Socrata \(config.dataset): \(note)") }
        } catch {
            return backOff("no answer from \(config.baseURL): \(error.message)")
        }
        if response.status == 200 {
            return try records(from: response, config: config, context: context)
        }
        let message = Self.errorMessage(response)
        if CurlError.isRetriableStatus(response.status) || response.status == 202 {
            return backOff("HTTP \(response.status) \(message)")
        }
        // 400 (a SoQL error in socrata.where/select), 403 (private dataset, bad token), 404: a
        // configuration problem no retry fixes.
        throw ConnectError(
            .connect,
            "Socrata answered HTTP \(response.status) for dataset \(config.dataset) on \(config.domain): \(message)")
    }

    private func records(from response: HTTPResponse, config: SocrataSourceConfig, context: any SourceTaskContext)
        throws -> [SourceRecord]
    {
        let rows: [JSONValue]
        do {
            guard case .array(let a) = try JSONParser.parse(response.body) else {
                return backOff("the answer is not a JSON array: \(response.bodyText.prefix(120))")
            }
            rows = a
        } catch {
            return backOff("malformed JSON (\(error)): \(response.bodyText.prefix(120))")
        }
        failures = 0
        var out: [SourceRecord] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            guard case .object(let o) = row, let t = o[":updated_at"]?.stringValue, let id = o[":id"]?.stringValue
            else {
                throw ConnectError(
                    .connect,
                    "Socrata rows of \(config.dataset) lack the system fields :id and :updated_at; the domain must serve SODA 2.1 (/resource/<id>.json with $select=:*,*)"
                )
            }
            position = .init(updatedAt: t, id: id)
            let key: Value = o[config.keyField].map { JsonConverter.inferValue($0) } ?? .null
            out.append(
                SourceRecord(
                    sourcePartition: partition,
                    sourceOffset: ["updated_at": .string(t), "id": .string(id)],
                    topic: config.topic, keySchema: nil, key: key, valueSchema: nil,
                    value: JsonConverter.inferValue(row)))
        }
        // A full page: more may follow at once. A short one: the dataset is read to its end.
        nextPollMs = rows.count >= config.pageSize ? 0 : Self.nowMs() + config.pollIntervalMs
        return out
    }

    /// A throttled, failing or garbled answer: logged, and tried again after `poll.interval.ms` (at most
    /// a minute, so throttling does not stall a long interval); the task keeps running.
    private func backOff(_ what: String) -> [SourceRecord] {
        failures += 1
        let delay = min(config?.pollIntervalMs ?? 60_000, 60_000)
        context?.logger.warning(
            "Socrata \(config?.domain ?? "")/\(config?.dataset ?? ""): \(what); failure \(failures) in a row, next try in \(delay) ms"
        )
        nextPollMs = Self.nowMs() + delay
        return []
    }

    static func errorMessage(_ r: HTTPResponse) -> String {
        if case .object(let o)? = try? JSONParser.parse(r.body), let m = o["message"]?.stringValue {
            return m
        }
        return String(r.bodyText.prefix(300))
    }

    public func stop() async { session = nil }

    static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

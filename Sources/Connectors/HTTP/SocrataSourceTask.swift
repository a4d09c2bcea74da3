import ConnectAPI
import ConnectJSON
import CurlClient
import Logging

/// Polls one Socrata dataset: a page of rows after the stored position, as records keyed by row id;
/// full pages are followed at once (backfill), a short page means the dataset is read to its end and the
/// next poll waits `poll.interval.ms`. Source partition `{"domain","dataset"}`, offset
/// `{"updated_at","id"}` of the last row: a restart resumes after it, with no gap and no repeat.
public final class SocrataSourceTask: SourceTask {
    private var config: SocrataSourceConfig?
    private var context: (any SourceTaskContext)?
    private var poller: HttpPoller?
    private var position: SocrataQuery.Position?
    private var partition = JSONObject()
    /// Rows the topic got after the stored offset, not written again.
    private var delivered = DeliveredTail()

    public init() {}

    public func start(_ raw: [String: String], context: any SourceTaskContext) async throws {
        let config = try SocrataSourceConfig(raw)
        self.config = config
        self.context = context
        poller = try HttpPoller(
            label: "Socrata \(config.domain)/\(config.dataset)", logger: context.logger,
            timeoutMs: config.requestTimeoutMs, maxRetries: config.maxRetries, pollIntervalMs: config.pollIntervalMs,
            maxFailures: config.maxConsecutiveFailures)
        partition = ["domain": .string(config.domain), "dataset": .string(config.dataset)]
        if let stored = await context.offsetStorageReader.offset(for: partition),
            let t = stored["updated_at"]?.stringValue
        {
            position = .init(updatedAt: t, id: stored["id"]?.stringValue)
            context.logger.info("Socrata \(config.domain)/\(config.dataset): resuming after \(t) \(position?.id ?? "")")
        } else if let start = config.start {
            position = .init(updatedAt: start, id: nil)
        }
        if config.skipDelivered {
            let from = position
            delivered = try await DeliveredTail.read(
                topic: config.topic, context: context, label: "Socrata \(config.domain)/\(config.dataset)"
            ) { r in
                guard let id = r.value.member(":id")?.stringValue, let t = r.value.member(":updated_at")?.stringValue
                else { return nil }
                return (Self.identity(t, id), from.map { Self.isAfter(t, id, $0) } ?? true)
            }
        }
    }

    static func identity(_ updatedAt: String, _ id: String) -> String { updatedAt + "\u{0}" + id }

    /// The order of the keyset paging (SocrataQuery): `:updated_at`, then `:id`.
    static func isAfter(_ updatedAt: String, _ id: String, _ p: SocrataQuery.Position) -> Bool {
        guard let pid = p.id else { return updatedAt > p.updatedAt }
        return updatedAt > p.updatedAt || (updatedAt == p.updatedAt && id > pid)
    }

    /// The page being turned into records, a slice per poll, and how many rows it held so far.
    private var page: JSONArrayScanner?
    private var pageRows = 0
    /// The schema of the current page's rows (socrata.value.schema=true).
    private var schema: SocrataSchema?
    /// Records per poll: the worker produces them while the next slice is converted, and memory holds
    /// one slice of Connect values, not a page.
    private static let sliceRows = 2000

    public func poll() async throws -> [SourceRecord] {
        guard let config, let context, let poller else { return [] }
        if page == nil {
            guard try await poller.due(context) else { return [] }
            var headers: [(name: String, value: String)] = [("Accept", "application/json")]
            if let token = config.appToken { headers.append(("X-App-Token", token)) }
            guard
                case .ok(let response) = try await poller.get(
                    SocrataQuery(config: config).url(after: position), headers: headers, context: context)
            else { return [] }
            guard let scanner = JSONArrayScanner(response.body) else {
                poller.backOff("the answer is not a JSON array: \(response.bodyText.prefix(120))")
                return []
            }
            page = scanner
            pageRows = 0
            if config.valueSchema {
                let fields = response.header("X-SODA2-Fields")
                let types = response.header("X-SODA2-Types")
                // An empty page says `[]`: the schema of the rows so far stays.
                if schema?.signature != (fields ?? "") + "\u{0}" + (types ?? ""),
                    let s = SocrataSchema(fieldsHeader: fields, typesHeader: types, dataset: config.dataset)
                {
                    schema = s
                } else if schema == nil && fields != "[]" {
                    context.logger.warning(
                        "Socrata \(config.dataset): no usable X-SODA2-Fields/X-SODA2-Types headers; rows go without a schema"
                    )
                }
            }
        }
        var out: [SourceRecord] = []
        out.reserveCapacity(Self.sliceRows)
        let savedPosition = position
        while out.count < Self.sliceRows, let range = page!.next() {
            pageRows += 1
            let row: JSONValue
            do {
                row = try page!.bytes.withUnsafeBytes {
                    try JSONParser.parse(UnsafeRawBufferPointer(rebasing: $0[range]))
                }
            } catch {
                return garbled("malformed JSON (\(error))", restoring: savedPosition, poller)
            }
            guard case .object(let o) = row, let t = o[":updated_at"]?.stringValue, let id = o[":id"]?.stringValue
            else {
                throw ConnectError(
                    .connect,
                    "Socrata rows of \(config.dataset) lack the system fields :id and :updated_at; the domain must serve SODA 2.1 (/resource/<id>.json with $select=:*,*)"
                )
            }
            position = .init(updatedAt: t, id: id)
            if delivered.alreadyDelivered(Self.identity(t, id)) { continue }
            let key: Value = o[config.keyField].map { JsonConverter.inferValue($0) } ?? .null
            out.append(
                SourceRecord(
                    sourcePartition: partition,
                    sourceOffset: ["updated_at": .string(t), "id": .string(id)],
                    topic: config.topic, keySchema: nil, key: key, valueSchema: schema?.schema,
                    value: schema?.value(of: o) ?? JsonConverter.inferValue(row)))
        }
        if page!.failed { return garbled("malformed JSON (truncated array)", restoring: savedPosition, poller) }
        if out.count < Self.sliceRows {
            // The page is done. A full one: more may follow at once; a short one: read to the end.
            page = nil
            poller.schedule(immediately: pageRows >= config.pageSize)
        }
        return out
    }

    /// A page that turns out garbled half-way: its records of this slice are dropped, the position goes
    /// back to the last row handed over, and the page is asked for again later.
    private func garbled(_ what: String, restoring saved: SocrataQuery.Position?, _ poller: HttpPoller)
        -> [SourceRecord]
    {
        position = saved
        page = nil
        poller.backOff(what)
        return []
    }

    public func stop() async { poller = nil }
}

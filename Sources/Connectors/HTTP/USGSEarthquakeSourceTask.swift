import ConnectAPI
import ConnectJSON
import CurlClient
import Logging

/// Polls the USGS event service: every poll asks for all events updated since the last one emitted
/// (FDSN `query` with `updatedafter`, `orderby=time-asc`, `limit`, over a fixed time window split in two
/// while it holds `limit` events or more), or reads a summary feed; then emits, in (`updated`, `id`)
/// order, the events after the stored position. An event updated later comes again, once per `updated`
/// value. Offset `{"updated": ms, "id": "…"}`.
public final class USGSEarthquakeSourceTask: SourceTask {
    private var config: USGSSourceConfig?
    private var context: (any SourceTaskContext)?
    private var poller: HttpPoller?
    private var partition = JSONObject()
    private var last: (updated: Int64, id: String)?
    private var floor: Int64 = 0
    /// Events the topic got after the stored offset, not written again.
    private var delivered = DeliveredTail()

    public init() {}

    public func start(_ raw: [String: String], context: any SourceTaskContext) async throws {
        let config = try USGSSourceConfig(raw)
        self.config = config
        self.context = context
        poller = try HttpPoller(
            label: "USGS \(config.feed ?? "query")", logger: context.logger, timeoutMs: config.requestTimeoutMs,
            maxRetries: config.maxRetries, pollIntervalMs: config.pollIntervalMs,
            maxFailures: config.maxConsecutiveFailures)
        floor = config.startTime ?? (SystemClock.nowMs() - 30 * 86_400_000)
        if let feed = config.feed {
            partition = ["url": .string(config.baseURL), "feed": .string(feed)]
        } else {
            let query = config.filters.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
            partition = ["url": .string(config.baseURL), "query": .string(query)]
        }
        if let stored = await context.offsetStorageReader.offset(for: partition),
            case .int(let u)? = stored["updated"], let id = stored["id"]?.stringValue
        {
            last = (u, id)
        }
        if config.skipDelivered {
            let from = last
            delivered = try await DeliveredTail.read(
                topic: config.topic, context: context, label: "USGS \(config.feed ?? "query")"
            ) { r in
                // Flattened or nested properties; the key is the event id.
                guard let id = r.key.stringValue ?? r.value.member("id")?.stringValue,
                    let updated = (r.value.member("updated") ?? r.value.member("properties")?.member("updated"))?
                        .int64Value
                else { return nil }
                return ("\(updated)@\(id)", from.map { (updated, id) > $0 } ?? true)
            }
        }
    }

    public func poll() async throws -> [SourceRecord] {
        guard let config, let context, let poller, try await poller.due(context) else { return [] }
        var features: [JSONObject]
        do {
            if let feed = config.feed {
                guard let f = try await fetch("\(config.baseURL)/earthquakes/feed/v1.0/summary/\(feed).geojson") else {
                    return []
                }
                features = f
            } else {
                guard let f = try await window(from: floor, to: SystemClock.nowMs(), config) else { return [] }
                features = f
            }
        }
        // (updated, id) order, after the stored position; the same event twice (window overlap) once.
        var keyed: [(Int64, String, JSONObject)] = []
        var seen = Set<String>()
        for f in features {
            guard let id = f["id"]?.stringValue, case .object(let p)? = f["properties"],
                case .int(let updated)? = p["updated"], seen.insert("\(id)@\(updated)").inserted
            else { continue }
            if let last, (updated, id) <= (last.updated, last.id) { continue }
            if delivered.alreadyDelivered("\(updated)@\(id)") { continue }
            keyed.append((updated, id, f))
        }
        keyed.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var out: [SourceRecord] = []
        out.reserveCapacity(keyed.count)
        for (updated, id, f) in keyed {
            var time: Int64? = nil
            if case .object(let p)? = f["properties"], case .int(let t)? = p["time"] { time = t }
            out.append(
                SourceRecord(
                    sourcePartition: partition, sourceOffset: ["updated": .int(updated), "id": .string(id)],
                    topic: config.topic, keySchema: nil, key: .string(id), valueSchema: nil,
                    value: JsonConverter.inferValue(.object(config.flatten ? Self.flattened(f) : f)), timestamp: time))
            last = (updated, id)
        }
        poller.schedule(immediately: false)
        return out
    }

    /// Every event in [start, end] updated since the last one emitted; halves the window while the
    /// service returns `limit` events (there may be more).
    private func window(from start: Int64, to end: Int64, _ config: USGSSourceConfig) async throws -> [JSONObject]? {
        var params: [(String, String)] = [
            ("format", "geojson"), ("starttime", IsoTime.format(ms: start)), ("endtime", IsoTime.format(ms: end)),
        ]
        // updatedafter is inclusive and to the second: events of that second come back and are skipped.
        if let last { params.append(("updatedafter", IsoTime.format(ms: last.updated))) }
        params += config.filters
        params += [("orderby", "time-asc"), ("limit", String(config.limit))]
        let url =
            "\(config.baseURL)/fdsnws/event/1/query?"
            + params.map { "\($0.0)=\(AWSSigner.uriEncode($0.1, encodeSlash: true))" }.joined(separator: "&")
        guard let features = try await fetch(url) else { return nil }
        guard features.count >= config.limit else { return features }
        // Seconds are the service's resolution: halves overlap by their boundary second (deduplicated).
        guard end - start >= 2000 else {
            throw ConnectError(
                .connect,
                "USGS: more than usgs.limit=\(config.limit) events in the second \(IsoTime.format(ms: start)); raise usgs.limit"
            )
        }
        let mid = start + (end - start) / 2
        guard let a = try await window(from: start, to: mid, config),
            let b = try await window(from: mid - mid % 1000, to: end, config)
        else { return nil }
        return a + b
    }

    /// The features of a GeoJSON answer; nil when it is to be tried later (logged).
    private func fetch(_ url: String) async throws -> [JSONObject]? {
        guard let poller, let context,
            case .ok(let response) = try await poller.get(
                url, headers: [("Accept", "application/json")], context: context)
        else { return nil }
        guard case .object(let root)? = try? JSONParser.parse(response.body), case .array(let fs)? = root["features"]
        else {
            poller.backOff("not a GeoJSON FeatureCollection: \(response.bodyText.prefix(120))")
            return nil
        }
        return fs.compactMap { if case .object(let o) = $0 { return o } else { return nil } }
    }

    /// `{"id", …properties, "longitude", "latitude", "depth"}`.
    static func flattened(_ f: JSONObject) -> JSONObject {
        var o = JSONObject()
        if let id = f["id"] { o["id"] = id }
        if case .object(let p)? = f["properties"] { for m in p.members { o[m.key] = m.value } }
        if case .object(let g)? = f["geometry"], case .array(let c)? = g["coordinates"] {
            for (i, name) in ["longitude", "latitude", "depth"].enumerated() where i < c.count { o[name] = c[i] }
        }
        return o
    }

    public func stop() async { poller = nil }
}

import ConnectAPI
import ConnectJSON
import CurlClient

/// Polls a JSON HTTP endpoint every `http.timer.interval.millis`: the items of the list at
/// `http.response.list.pointer` become records (key and timestamp from their pointers), in timestamp
/// order, skipping those at or before the stored offset `{"timestamp": ISO, "key": …}`; `${offset.*}` in
/// the URL and parameters asks the server for what is new.
public final class JsonHttpSourceTask: SourceTask {
    private var config: JsonHttpSourceConfig?
    private var context: (any SourceTaskContext)?
    private var poller: HttpPoller?
    private var partition = JSONObject()
    private var last: (timestamp: Int64?, key: String)?
    /// Items the topic got after the stored offset, not written again.
    private var delivered = DeliveredTail()

    public init() {}

    public func start(_ raw: [String: String], context: any SourceTaskContext) async throws {
        let config = try JsonHttpSourceConfig(raw)
        self.config = config
        self.context = context
        poller = try HttpPoller(
            label: "HTTP source \(CurlSession.redacted(config.url))", logger: context.logger,
            timeoutMs: config.requestTimeoutMs, maxRetries: config.maxRetries, pollIntervalMs: config.intervalMs,
            maxFailures: config.maxConsecutiveFailures)
        partition = ["url": .string(CurlSession.redacted(config.url))]
        if let o = await context.offsetStorageReader.offset(for: partition) {
            last = (o["timestamp"]?.stringValue.flatMap(IsoTime.parse), o["key"]?.stringValue ?? "")
        } else if !config.initialOffset.isEmpty {
            last = (config.initialOffset["timestamp"].flatMap(IsoTime.parse), config.initialOffset["key"] ?? "")
        }
        // Items are told apart and ordered by key and timestamp: without both pointers there is nothing
        // to recognise a delivered item by.
        if config.skipDelivered, let tsPointer = config.timestampPointer, !config.keyPointers.isEmpty {
            let from = last
            delivered = try await DeliveredTail.read(
                topic: config.topic, context: context, label: "HTTP source \(CurlSession.redacted(config.url))"
            ) { r in
                guard let key = r.key.stringValue, let ts = tsPointer.resolve(r.value).flatMap(Self.millis) else {
                    return nil
                }
                let after = from.map { f in f.timestamp.map { (ts, key) > ($0, f.key) } ?? true } ?? true
                return ("\(ts)\u{0}\(key)", after)
            }
        }
    }

    public func poll() async throws -> [SourceRecord] {
        guard let config, let context, let poller, try await poller.due(context) else { return [] }
        guard
            case .ok(let response) = try await poller.get(requestURL(config), headers: config.headers, context: context)
        else { return [] }
        guard let doc = try? JSONParser.parse(response.body) else {
            poller.backOff("malformed JSON: \(response.bodyText.prefix(120))")
            return []
        }
        guard case .array(let items)? = config.listPointer.resolve(doc) else {
            throw ConnectError(
                .connect,
                "http.response.list.pointer does not point at an array in the answer of \(CurlSession.redacted(config.url))"
            )
        }
        var keyed: [(Int64?, String, JSONValue)] = []
        for item in items {
            let key = config.keyPointers.compactMap { p in p.resolve(item).map(Self.text) }.joined(separator: "+")
            let ts = config.timestampPointer.flatMap { $0.resolve(item) }.flatMap(Self.millis)
            keyed.append((ts, key, item))
        }
        if config.timestampPointer != nil { keyed.sort { ($0.0 ?? 0, $0.1) < ($1.0 ?? 0, $1.1) } }
        var out: [SourceRecord] = []
        for (ts, key, item) in keyed {
            if let last, let lt = last.timestamp, let t = ts, (t, key) <= (lt, last.key) { continue }
            if let t = ts, delivered.alreadyDelivered("\(t)\u{0}\(key)") {
                last = (t, key)
                continue
            }
            var offset: JSONObject = ["key": .string(key)]
            if let ts { offset["timestamp"] = .string(IsoTime.instant(ms: ts)) }
            out.append(
                SourceRecord(
                    sourcePartition: partition, sourceOffset: offset, topic: config.topic, keySchema: nil,
                    key: config.keyPointers.isEmpty ? .null : .string(key), valueSchema: nil,
                    value: JsonConverter.inferValue(item), timestamp: ts))
            last = (ts ?? last?.timestamp, key)
        }
        poller.schedule(immediately: false)
        return out
    }

    private func requestURL(_ config: JsonHttpSourceConfig) -> String {
        func fill(_ s: String) -> String {
            s.replacing("${offset.timestamp}", with: last?.timestamp.map { IsoTime.instant(ms: $0) } ?? "")
                .replacing("${offset.key}", with: last?.key ?? "")
        }
        var url = fill(config.url)
        if !config.params.isEmpty {
            url +=
                (url.contains("?") ? "&" : "?")
                + config.params.map { "\($0.0)=\(AWSSigner.uriEncode(fill($0.1), encodeSlash: true))" }.joined(
                    separator: "&")
        }
        return url
    }

    static func text(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .number(let n): return n
        default: return JSONWriter.string(v)
        }
    }

    /// Epoch milliseconds from a number or a numeric or ISO-8601 string (a read-back record's Value).
    static func millis(_ v: Value) -> Int64? {
        switch v {
        case .string(let s): return Int64(s) ?? IsoTime.parse(s)
        case .float64(let d): return Int64(exactly: d.rounded(.towardZero))
        case .float32(let f): return Int64(exactly: Double(f).rounded(.towardZero))
        case .decimal: return nil
        default: return v.int64Value
        }
    }

    /// The same for an item of the answer.
    static func millis(_ v: JSONValue) -> Int64? {
        switch v {
        case .int, .number, .string: return millis(JsonConverter.inferValue(v))
        default: return nil
        }
    }

    public func stop() async { poller = nil }
}

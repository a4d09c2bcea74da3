import RestServing

/// The embedded format of a v2 request or consumer, from `application/vnd.kafka[.<fmt>][.v2]+json`
/// (reference rest-proxy.md §1.1).
enum EmbeddedFormat: String, Sendable {
    case binary, json, avro, jsonschema, protobuf

    /// The format a produce request's Content-Type names. Besides Confluent's five embedded v2 types we
    /// accept what Karapace accepts (`application/json`, `application/octet-stream`,
    /// `application/vnd.kafka[.v1|.v2]+json`, no Content-Type), all meaning binary.
    static func ofRequest(contentType: String?) throws(RestError) -> EmbeddedFormat {
        guard let contentType else { return .binary }
        if contentType == "application/vnd.kafka.json.v2+json" { return .json }  // the common case, without parsing
        let base = RestRequest.mediaTypes(in: contentType).first ?? ""
        if base == "application/json" || base == "application/octet-stream" { return .binary }
        guard let f = parse(base) else { throw RestError(415, "HTTP 415 Unsupported Media Type") }
        return f
    }

    /// `application/vnd.kafka[.fmt][.v1|.v2]+json` → format (binary when absent); nil for anything else.
    static func parse(_ mediaType: String) -> EmbeddedFormat? {
        guard mediaType.hasPrefix("application/vnd.kafka"), mediaType.hasSuffix("+json") else { return nil }
        var parts = mediaType.dropFirst("application/vnd.kafka".count).dropLast("+json".count)
            .split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        if let last = parts.last, last == "v1" || last == "v2" { parts.removeLast() }
        switch parts.count {
        case 0: return .binary
        case 1: return EmbeddedFormat(rawValue: parts[0])
        default: return nil
        }
    }

    /// Whether an `Accept` header allows a v2 JSON answer: `*/*`, `application/*`, `*/json`,
    /// `application/json` or any `vnd.kafka…+json` type; a missing header allows everything.
    static func acceptable(_ accept: String?) -> Bool {
        guard let accept else { return true }
        return RestRequest.mediaTypes(in: accept).contains { t in
            ["*/*", "application/*", "*/json", "application/json", ""].contains(t) || parse(t) != nil
        }
    }
}

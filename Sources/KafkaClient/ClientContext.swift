import CRdKafka
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What a librdkafka client's C callbacks reach through its opaque pointer: the log sink (librdkafka's
/// own lines, with hints naming the user's keys), the OAUTHBEARER token provider, and a consumer's
/// rebalance state.
///
/// Ownership: every client object keeps its context strongly until after `rd_kafka_destroy`, and hands
/// librdkafka an unretained pointer (`rd_kafka_conf_set_opaque`), so the callbacks never outlive it.
final class ClientContext: @unchecked Sendable {
    let logger: Logger
    let hints: [KafkaErrorHint]
    let tokenProvider: (any OAuthBearerTokenProvider)?
    /// A consumer's rebalance events; only touched on the consumer's queue (see KafkaConsumer).
    var rebalance: KafkaConsumer.RebalanceState?
    /// The latest connection failure librdkafka logged (TLS handshake, SASL authentication), explained.
    private let failure = Mutex<String?>(nil)

    init(config: KafkaConfig) {
        var l = Logger(label: "tributary.kafka")
        if let id = config["client.id"] { l[metadataKey: "client"] = .string(id) }
        for (k, v) in config.logMetadata { l[metadataKey: k] = .string(v) }
        logger = l
        hints = config.hints
        tokenProvider = config.tokenProvider
    }

    func explain(_ message: String) -> String { KafkaErrorHint.explain(message, hints) }

    /// The latest TLS or authentication failure, if one was logged since the client started.
    var lastFailure: String? { failure.withLock { $0 } }

    /// True for failures that retrying will not cure: a certificate or credential the broker refuses.
    var lastFailureIsPermanent: Bool {
        guard let f = lastFailure?.lowercased() else { return false }
        return Self.permanentMarkers.contains { f.contains($0) }
    }

    private static let permanentMarkers = [
        "certificate verify failed", "sasl authentication error", "authentication failed", "unknown-user",
        "alert certificate required", "alert unknown ca", "alert bad certificate", "alert handshake failure",
        "unsupported sasl mechanism", "sasl handshake failed",
    ]

    func log(level: Int32, facility: String, message: String) {
        let text = explain(message)
        switch level {
        case ...3:
            if facility == "FAIL" || facility == "ERROR" || message.contains("SSL") || message.contains("SASL") {
                failure.withLock { $0 = text }
            }
            logger.error("\(text)", metadata: ["facility": .string(facility)])
        case 4: logger.warning("\(text)", metadata: ["facility": .string(facility)])
        case 5: logger.notice("\(text)", metadata: ["facility": .string(facility)])
        case 6: logger.info("\(text)", metadata: ["facility": .string(facility)])
        default: logger.debug("\(text)", metadata: ["facility": .string(facility)])
        }
    }

    /// Creates a librdkafka client from `config`: the opaque, the log callback and, with a token
    /// provider, the OAUTHBEARER refresh callback served on librdkafka's background thread.
    /// `configure` sets what the caller needs on the conf before the client is made.
    static func makeHandle(
        _ type: rd_kafka_type_t, config: KafkaConfig, context: ClientContext, what: String,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) -> OpaquePointer {
        let conf = try config.makeConf()
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(conf, logCallback)
        if context.tokenProvider != nil {
            rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, tokenRefreshCallback)
            rd_kafka_conf_enable_sasl_queue(conf, 1)
        }
        configure(conf)
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            // rd_kafka_new only takes ownership of conf on success.
            rd_kafka_conf_destroy(conf)
            throw KafkaError.local("Could not create Kafka \(what): \(context.explain(cString(errstr)))")
        }
        if context.tokenProvider != nil, let e = rd_kafka_sasl_background_callbacks_enable(rk) {
            let error = KafkaError(consuming: e)
            rd_kafka_destroy(rk)
            throw error
        }
        return rk
    }
}

/// librdkafka's log lines, from its own threads: only formatting and writing happen here.
private func logCallback(rk: OpaquePointer?, level: Int32, fac: UnsafePointer<CChar>?, buf: UnsafePointer<CChar>?) {
    guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
    let context = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    context.log(
        level: level, facility: fac.map { String(cString: $0) } ?? "", message: buf.map { String(cString: $0) } ?? "")
}

/// librdkafka asks for a (new) OAUTHBEARER token, on its background thread (SASL queue forwarded there).
private func tokenRefreshCallback(rk: OpaquePointer?, config: UnsafePointer<CChar>?, opaque: UnsafeMutableRawPointer?) {
    guard let rk, let opaque else { return }
    let context = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    guard let provider = context.tokenProvider else { return }
    do {
        let token = try provider.token()
        var errstr = [CChar](repeating: 0, count: 512)
        let flat = token.extensions.flatMap { [$0.0, $0.1] }
        let err = withArrayOfCStrings(flat) { ext in
            rd_kafka_oauthbearer_set_token(
                rk, token.value, token.expiresAtMs, token.principal, ext, flat.count, &errstr, errstr.count)
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let message = "OAUTHBEARER token refused by librdkafka: \(cString(errstr))"
            context.logger.error("\(context.explain(message))")
            rd_kafka_oauthbearer_set_token_failure(rk, message)
        }
    } catch {
        let message = context.explain("Could not get an OAUTHBEARER token: \(error)")
        context.logger.error("\(message)")
        rd_kafka_oauthbearer_set_token_failure(rk, message)
    }
}

/// `body` with a C array of the strings (NULL-terminated C strings, valid for the call only).
private func withArrayOfCStrings<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> R)
    -> R
{
    let copies = strings.map { strdup($0) }
    defer { for p in copies { free(p) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
    return pointers.isEmpty ? body(nil) : pointers.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}

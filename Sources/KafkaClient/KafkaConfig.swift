import CRdKafka

/// librdkafka properties in the order they were given (later keys override earlier ones).
public struct KafkaConfig: Sendable {
    public private(set) var properties: [(key: String, value: String)] = []

    public init(_ properties: [(String, String)] = []) {
        for (k, v) in properties { self[k] = v }
    }

    public subscript(key: String) -> String? {
        get { properties.last(where: { $0.key == key })?.value }
        set {
            properties.removeAll { $0.key == key }
            if let newValue { properties.append((key, newValue)) }
        }
    }

    /// Applies defaults that are not already set.
    public func withDefaults(_ defaults: [(String, String)]) -> KafkaConfig {
        var c = self
        for (k, v) in defaults where c[k] == nil { c[k] = v }
        return c
    }

    /// Builds a `rd_kafka_conf_t`; the caller owns it until it is handed to `rd_kafka_new` successfully.
    func makeConf() throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for (k, v) in properties {
            let r = rd_kafka_conf_set(conf, k, v, &errstr, errstr.count)
            if r != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let reason = String(decoding: errstr.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw KafkaError.local("Invalid Kafka client property \(k)=\(v): \(reason)")
            }
        }
        return conf
    }
}

import ConnectAPI

/// The key, value and header converters of one connector: its own classes if it names any (with its
/// `<prefix>.*` keys), else the worker's (with the worker's keys).
struct ConnectorConverters: Sendable {
    let key: any Converter
    let value: any Converter
    let header: any HeaderConverter
    /// The classes as configured, for error reports.
    let keyClass: String
    let valueClass: String
    let headerClass: String

    init(connectorConfig: [String: String], workerConfig: [String: String], registry: PluginRegistry) throws {
        func className(_ prefix: String) -> String {
            let source = connectorConfig[prefix].map { _ in connectorConfig } ?? workerConfig
            return source[prefix]
                ?? (prefix == "header.converter" ? "org.apache.kafka.connect.storage.SimpleHeaderConverter" : "")
        }
        func make<T>(_ prefix: String, _ build: (String, [String: String]) throws -> T) throws -> T {
            let source = connectorConfig[prefix].map { _ in connectorConfig } ?? workerConfig
            let cls = className(prefix)
            do { return try build(cls, Self.converterConfig(prefix, in: source)) } catch let e as ConfigException {
                throw ConfigException("Invalid \(prefix) \(cls): \(e.message)")
            }
        }
        key = try make("key.converter") { try registry.converter(named: $0, config: $1) }
        value = try make("value.converter") { try registry.converter(named: $0, config: $1) }
        header = try make("header.converter") { try registry.headerConverter(named: $0, config: $1) }
        keyClass = className("key.converter")
        valueClass = className("value.converter")
        headerClass = className("header.converter")
    }

    /// The keys under `prefix.` (`value.converter.schemas.enable` → `schemas.enable`) and, as Kafka
    /// Connect's Plugins.newConverter does, `converter.type` telling a converter whether it serves keys
    /// or values.
    static func converterConfig(_ prefix: String, in source: [String: String]) -> [String: String] {
        var sub: [String: String] = [:]
        for (k, v) in source where k.hasPrefix(prefix + ".") { sub[String(k.dropFirst(prefix.count + 1))] = v }
        if prefix != "header.converter" { sub["converter.type"] = prefix == "key.converter" ? "key" : "value" }
        return sub
    }
}

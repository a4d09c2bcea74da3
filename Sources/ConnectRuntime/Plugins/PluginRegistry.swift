import ConnectAPI
import ConnectJSON

/// Every plugin this binary ships, found by class name or alias (no class-path scanning: the list is
/// explicit, which is why start-up is fast).
public struct PluginRegistry: Sendable {
    public private(set) var connectors: [ConnectorPlugin] = []
    public private(set) var converters: [ComponentPlugin] = []
    public private(set) var transformations: [TransformationPlugin] = []
    public private(set) var predicates: [PredicatePlugin] = []
    private var converterFactories: [String: @Sendable ([String: String]) throws -> any Converter] = [:]
    private var headerConverterFactories: [String: @Sendable ([String: String]) throws -> any HeaderConverter] = [:]

    public init() {}

    /// The built-in converters: JSON, String, ByteArray, SimpleHeaderConverter.
    public static func withBuiltins() -> PluginRegistry {
        var r = PluginRegistry()
        r.registerConverter(
            ComponentPlugin(
                className: "org.apache.kafka.connect.json.JsonConverter", kind: .converter,
                version: ConnectVersion.kafka,
                configDef: JsonConverter.configDef),
            factory: { try JsonConverter(config: $0) }, header: { try JsonConverter(config: $0) })
        r.registerConverter(
            ComponentPlugin(
                className: "org.apache.kafka.connect.storage.StringConverter", kind: .converter,
                version: ConnectVersion.kafka, configDef: ConfigDef()),
            factory: { _ in StringConverter() }, header: { _ in StringConverter() })
        r.registerConverter(
            ComponentPlugin(
                className: "org.apache.kafka.connect.converters.ByteArrayConverter", kind: .converter,
                version: ConnectVersion.kafka, configDef: ConfigDef()),
            factory: { _ in ByteArrayConverter() }, header: { _ in ByteArrayConverter() })
        r.registerConverter(
            ComponentPlugin(
                className: "org.apache.kafka.connect.storage.SimpleHeaderConverter", kind: .headerConverter,
                version: ConnectVersion.kafka, configDef: ConfigDef()),
            factory: nil, header: { _ in SimpleHeaderConverter() })
        return r
    }

    public mutating func register(_ plugin: ConnectorPlugin) { connectors.append(plugin) }

    public mutating func register(_ plugin: TransformationPlugin) { transformations.append(plugin) }

    public mutating func register(_ plugin: PredicatePlugin) { predicates.append(plugin) }

    public mutating func registerConverter(
        _ plugin: ComponentPlugin, factory: (@Sendable ([String: String]) throws -> any Converter)?,
        header: (@Sendable ([String: String]) throws -> any HeaderConverter)?
    ) {
        converters.append(plugin)
        for name in Self.names(plugin.className, plugin.aliases, suffixes: ["Converter"]) {
            if let factory { converterFactories[name] = factory }
            if let header { headerConverterFactories[name] = header }
        }
    }

    /// The connector plugin for a `connector.class` value (full class name or alias).
    public func connector(named name: String) -> ConnectorPlugin? {
        connectors.first { $0.allNames.contains(name) }
    }

    public func converter(named name: String, config: [String: String]) throws -> any Converter {
        guard let f = converterFactories[name] else {
            throw ConfigException(
                "Class \(name) could not be found. Available converters: \(converters.filter { $0.kind == .converter }.map(\.className).joined(separator: ", "))"
            )
        }
        return try f(config)
    }

    public func headerConverter(named name: String, config: [String: String]) throws -> any HeaderConverter {
        guard let f = headerConverterFactories[name] else {
            throw ConfigException("Class \(name) could not be found as a header converter.")
        }
        return try f(config)
    }

    public func hasConverter(_ name: String) -> Bool { converterFactories[name] != nil }
    public func hasHeaderConverter(_ name: String) -> Bool { headerConverterFactories[name] != nil }

    public func transformation(named name: String) -> TransformationPlugin? {
        transformations.first { Self.names($0.className, $0.aliases, suffixes: []).contains(name) }
    }

    public func predicate(named name: String) -> PredicatePlugin? {
        predicates.first { Self.names($0.className, $0.aliases, suffixes: []).contains(name) }
    }

    /// Class name, aliases, simple name, and the simple name without a type suffix (Kafka's alias rules).
    static func names(_ className: String, _ aliases: [String], suffixes: [String]) -> [String] {
        let simple = String(className.split(separator: ".").last ?? Substring(className))
        var out = [className, simple] + aliases
        for s in suffixes where simple.hasSuffix(s) && simple != s { out.append(String(simple.dropLast(s.count))) }
        return out
    }
}

/// A transformation plugin: class name (Key/Value variants are separate plugins, `…$Key`/`…$Value`) and factory.
public struct TransformationPlugin: Sendable {
    public let className: String
    public let aliases: [String]
    public let configDef: ConfigDef
    public let make: @Sendable ([String: String]) throws -> any Transformation
    public init(
        className: String, aliases: [String] = [], configDef: ConfigDef,
        make: @escaping @Sendable ([String: String]) throws -> any Transformation
    ) {
        self.className = className
        self.aliases = aliases
        self.configDef = configDef
        self.make = make
    }
}

/// A predicate plugin.
public struct PredicatePlugin: Sendable {
    public let className: String
    public let aliases: [String]
    public let configDef: ConfigDef
    public let make: @Sendable ([String: String]) throws -> any Predicate
    public init(
        className: String, aliases: [String] = [], configDef: ConfigDef,
        make: @escaping @Sendable ([String: String]) throws -> any Predicate
    ) {
        self.className = className
        self.aliases = aliases
        self.configDef = configDef
        self.make = make
    }
}

/// Versions reported by the REST API.
public enum ConnectVersion {
    /// The Kafka Connect REST API version we are compatible with (what `GET /` reports as `version`).
    public static let kafka = "3.9.0"
    /// Tributary's own version.
    public static let tributary = "0.1.0"
    /// Set at build time by `dev/` scripts through the TRIBUTARY_COMMIT environment variable, else "unknown".
    public static var commit: String { ProcessEnv.get("TRIBUTARY_COMMIT") ?? "unknown" }
}

/// A connector plugin as the runtime registers it: names, type, configuration, and factories.
public struct ConnectorPlugin: Sendable {
    /// The Java class name users put in `connector.class`, e.g. `org.apache.kafka.connect.file.FileStreamSourceConnector`.
    public let className: String
    /// Other accepted names (simple class name, and the simple name without "Connector", are added automatically).
    public let aliases: [String]
    public let type: ConnectorType
    public let version: String
    public let configDef: ConfigDef
    /// The task class name stored in task configs as `task.class`.
    public let taskClass: String
    public let makeConnector: @Sendable () -> any Connector
    public let makeTask: @Sendable () -> TaskInstance

    public init(
        className: String, aliases: [String] = [], type: ConnectorType, version: String, configDef: ConfigDef,
        taskClass: String, makeConnector: @escaping @Sendable () -> any Connector,
        makeTask: @escaping @Sendable () -> TaskInstance
    ) {
        self.className = className
        self.aliases = aliases
        self.type = type
        self.version = version
        self.configDef = configDef
        self.taskClass = taskClass
        self.makeConnector = makeConnector
        self.makeTask = makeTask
    }

    /// Every name this plugin answers to: the class name, explicit aliases, the simple class name, and the
    /// simple name without a trailing "Connector" (as Kafka Connect's plugin aliases).
    public var allNames: [String] {
        let simple = String(className.split(separator: ".").last ?? Substring(className))
        var names = [className] + aliases + [simple]
        if simple.hasSuffix("Connector") { names.append(String(simple.dropLast("Connector".count))) }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}

/// A new task instance of either kind.
public enum TaskInstance {
    case source(any SourceTask)
    case sink(any SinkTask)
}

/// A converter, transformation or predicate plugin (listed by `/connector-plugins?connectorsOnly=false`).
public struct ComponentPlugin: Sendable {
    public enum Kind: String, Sendable {
        case converter
        case headerConverter = "header_converter"
        case transformation, predicate
    }
    public let className: String
    public let aliases: [String]
    public let kind: Kind
    public let version: String
    public let configDef: ConfigDef

    public init(className: String, aliases: [String] = [], kind: Kind, version: String, configDef: ConfigDef) {
        self.className = className
        self.aliases = aliases
        self.kind = kind
        self.version = version
        self.configDef = configDef
    }
}

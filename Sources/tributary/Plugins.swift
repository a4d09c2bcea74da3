import ConnectAPI
import ConnectAvro
import ConnectRuntime
import DataGenConnector
import FileStreamConnectors
import HttpSourceConnectors
import JdbcConnectors
import S3SinkConnector
import Transforms

/// Every plugin of this binary, registered explicitly (class name + aliases → factory).
enum Plugins {
    /// `fileStreamPaths`: the worker's `filestream.allowed.paths`.
    static func registry(fileStreamPaths: AllowedPaths) -> PluginRegistry {
        var r = PluginRegistry.withBuiltins()
        r.register(FileStreamSourceConnector.plugin(allowedPaths: fileStreamPaths))
        r.register(FileStreamSinkConnector.plugin(allowedPaths: fileStreamPaths))
        r.register(DataGenConnector.plugin)
        r.register(JdbcSourceConnector.plugin)
        r.register(JdbcSinkConnector.plugin)
        r.register(S3SinkConnector.plugin)
        r.register(SocrataSourceConnector.plugin)
        r.register(USGSEarthquakeSourceConnector.plugin)
        r.register(JsonHttpSourceConnector.plugin)
        registerTransforms(&r)
        r.registerConverter(
            ComponentPlugin(
                className: "io.confluent.connect.avro.AvroConverter", kind: .converter, version: "7.9.0",
                configDef: AvroConverter.configDef),
            factory: { try AvroConverter(config: $0) }, header: nil)
        return r
    }

    /// Kafka's SMTs and predicates, by their class names (`…$Key` / `…$Value` for the two variants).
    private static func registerTransforms(_ r: inout PluginRegistry) {
        let prefix = "org.apache.kafka.connect.transforms."
        func smt(
            _ name: String, _ def: ConfigDef,
            _ make: @escaping @Sendable ([String: String]) throws -> any Transformation
        ) {
            r.register(TransformationPlugin(className: prefix + name, configDef: def, make: make))
        }
        func keyAndValue(
            _ name: String, _ def: ConfigDef,
            _ make: @escaping @Sendable (Operand, [String: String]) throws -> any Transformation
        ) {
            smt(name + "$Key", def) { try make(.key, $0) }
            smt(name + "$Value", def) { try make(.value, $0) }
        }
        func predicate(
            _ name: String, _ def: ConfigDef, _ make: @escaping @Sendable ([String: String]) throws -> any Predicate
        ) {
            r.register(PredicatePlugin(className: prefix + "predicates." + name, configDef: def, make: make))
        }
        keyAndValue("Cast", Cast.configDef) { try Cast($0, config: $1) }
        smt("DropHeaders", DropHeaders.configDef) { try DropHeaders(config: $0) }
        keyAndValue("ExtractField", ExtractField.configDef) { try ExtractField($0, config: $1) }
        smt("Filter", Filter.configDef) { try Filter(config: $0) }
        keyAndValue("Flatten", Flatten.configDef) { try Flatten($0, config: $1) }
        keyAndValue("HeaderFrom", HeaderFrom.configDef) { try HeaderFrom($0, config: $1) }
        keyAndValue("HoistField", HoistField.configDef) { try HoistField($0, config: $1) }
        keyAndValue("InsertField", InsertField.configDef) { try InsertField($0, config: $1) }
        smt("InsertHeader", InsertHeader.configDef) { try InsertHeader(config: $0) }
        keyAndValue("MaskField", MaskField.configDef) { try MaskField($0, config: $1) }
        smt("RegexRouter", RegexRouter.configDef) { try RegexRouter(config: $0) }
        keyAndValue("ReplaceField", ReplaceField.configDef) { try ReplaceField($0, config: $1) }
        keyAndValue("SetSchemaMetadata", SetSchemaMetadata.configDef) { try SetSchemaMetadata($0, config: $1) }
        keyAndValue("TimestampConverter", TimestampConverter.configDef) { try TimestampConverter($0, config: $1) }
        smt("TimestampRouter", TimestampRouter.configDef) { try TimestampRouter(config: $0) }
        smt("ValueToKey", ValueToKey.configDef) { try ValueToKey(config: $0) }
        predicate("HasHeaderKey", HasHeaderKey.configDef) { try HasHeaderKey(config: $0) }
        predicate("RecordIsTombstone", RecordIsTombstone.configDef) { try RecordIsTombstone(config: $0) }
        predicate("TopicNameMatches", TopicNameMatches.configDef) { try TopicNameMatches(config: $0) }
    }
}

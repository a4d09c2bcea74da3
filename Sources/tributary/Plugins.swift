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
    static func registry() -> PluginRegistry {
        var r = PluginRegistry.withBuiltins()
        r.register(FileStreamSourceConnector.plugin)
        r.register(FileStreamSinkConnector.plugin)
        r.register(DataGenConnector.plugin)
        r.register(JdbcSourceConnector.plugin)
        r.register(JdbcSinkConnector.plugin)
        r.register(S3SinkConnector.plugin)
        r.register(SocrataSourceConnector.plugin)
        r.register(USGSEarthquakeSourceConnector.plugin)
        r.register(JsonHttpSourceConnector.plugin)
        // Kafka's SMTs, by their class names.
        r.register(
            TransformationPlugin(
                className: "org.apache.kafka.connect.transforms.ValueToKey", configDef: ValueToKey.configDef,
                make: { try ValueToKey(config: $0) }))
        r.register(
            TransformationPlugin(
                className: "org.apache.kafka.connect.transforms.ExtractField$Key", configDef: ExtractField.configDef,
                make: { try ExtractField(.key, config: $0) }))
        r.register(
            TransformationPlugin(
                className: "org.apache.kafka.connect.transforms.ExtractField$Value", configDef: ExtractField.configDef,
                make: { try ExtractField(.value, config: $0) }))
        r.registerConverter(
            ComponentPlugin(
                className: "io.confluent.connect.avro.AvroConverter", kind: .converter, version: "7.9.0",
                configDef: AvroConverter.configDef),
            factory: { try AvroConverter(config: $0) }, header: nil)
        return r
    }
}

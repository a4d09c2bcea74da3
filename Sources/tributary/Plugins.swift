import ConnectAPI
import ConnectRuntime
import DataGenConnector
import FileStreamConnectors
import JdbcConnectors

/// Every plugin of this binary, registered explicitly (class name + aliases → factory).
enum Plugins {
    static func registry() -> PluginRegistry {
        var r = PluginRegistry.withBuiltins()
        r.register(FileStreamSourceConnector.plugin)
        r.register(FileStreamSinkConnector.plugin)
        r.register(DataGenConnector.plugin)
        r.register(JdbcSourceConnector.plugin)
        r.register(JdbcSinkConnector.plugin)
        return r
    }
}

import ConnectRuntime
import KafkaClient
import Logging
import RestProxy
import RestServing
import SchemaRegistry
import ServiceLifecycle

/// The Schema Registry (`:8081`) and the REST Proxy (`:8082`) of this worker process: the registry
/// replays `_schemas` before its listeners open; the proxy uses the registry in process.
struct ProxyRegistryService: Service {
    let config: WorkerConfig
    let registryConfig: SchemaRegistryConfig
    let proxyListeners: [(host: String, port: Int)]
    let logger: Logger

    func run() async throws {
        let admin = try KafkaAdmin(config: config.clientConfig("admin"))
        defer { admin.close() }
        var registry: SchemaRegistry?
        if !registryConfig.listeners.isEmpty {
            let r = SchemaRegistry(config: registryConfig, logger: Logger(label: "tributary.schema-registry"))
            try await r.start(
                admin: admin, producerConfig: config.clientConfig("producer"),
                consumerConfig: config.clientConfig("consumer"))
            registry = r
        }
        var proxy: RestProxyAPI?
        if !proxyListeners.isEmpty {
            let clusterId = (try? await admin.clusterId()) ?? ""
            proxy = try RestProxyAPI(
                producerConfig: config.clientConfig("producer"), consumerConfig: config.clientConfig("consumer"),
                admin: admin, registry: registry, clusterId: clusterId,
                consumerInstanceTimeoutMs: Int64(config.raw["rest.proxy.consumer.instance.timeout.ms"] ?? "")
                    ?? 300_000,
                logger: Logger(label: "tributary.rest-proxy"))
        }
        try await withThrowingDiscardingTaskGroup { group in
            if let registry {
                let api = SchemaRegistryAPI(registry: registry)
                for l in registryConfig.listeners {
                    let app = RestServer.application(
                        handler: api, host: l.host, port: l.port, logger: Logger(label: "tributary.schema-registry"))
                    group.addTask { try await app.run() }
                }
                print(
                    "Schema Registry: \(registryConfig.listeners.map { "http://\($0.host.isEmpty ? "0.0.0.0" : $0.host):\($0.port)/" }.joined(separator: ", "))"
                )
            }
            if let proxy {
                for l in proxyListeners {
                    // Produce bodies of many records are the point of the proxy: allow 64 MB.
                    let app = RestServer.application(
                        handler: proxy, host: l.host, port: l.port, maxBody: 64 * 1024 * 1024,
                        logger: Logger(label: "tributary.rest-proxy"))
                    group.addTask { try await app.run() }
                }
                group.addTask {
                    // Idle consumer instances expire even when no request arrives to notice.
                    while !Task.isShuttingDownGracefully && !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        await proxy.expireIdleConsumers()
                    }
                }
                print(
                    "REST Proxy: \(proxyListeners.map { "http://\($0.host.isEmpty ? "0.0.0.0" : $0.host):\($0.port)/" }.joined(separator: ", "))"
                )
            }
        }
        await proxy?.close()
        await registry?.stop()
    }
}

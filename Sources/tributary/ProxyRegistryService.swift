import ConnectRuntime
import KafkaClient
import Logging
import RestProxy
import RestServing
import SchemaRegistry
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

struct ListenerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The Schema Registry (`:8081`) and the REST Proxy (`:8082`) of this worker process: the registry
/// replays `_schemas` before its listeners open; the proxy uses the registry in process.
struct ProxyRegistryService: Service {
    let config: WorkerConfig
    let registryConfig: SchemaRegistryConfig
    let registrySecurity: RestSecurity
    let proxySecurity: RestSecurity
    let logger: Logger

    func run() async throws {
        let admin = try KafkaAdmin(config: config.clientConfig("admin"))
        // Closed on every way out: closing waits for the client's requests, so it is awaited.
        do { try await run(admin: admin) } catch {
            await admin.close()
            throw error
        }
        await admin.close()
    }

    private func run(admin: KafkaAdmin) async throws {
        var registry: SchemaRegistry?
        if !registryConfig.listeners.isEmpty {
            let r = SchemaRegistry(config: registryConfig, logger: Logger(label: "tributary.schema-registry"))
            try await r.start(
                admin: admin, producerConfig: config.clientConfig("producer"),
                consumerConfig: config.clientConfig("consumer"))
            registry = r
        }
        var proxy: RestProxyAPI?
        if !proxySecurity.listeners.isEmpty {
            let clusterId = (try? await admin.clusterId()) ?? ""
            proxy = try RestProxyAPI(
                producerConfig: config.restProxyClientConfig(.producer),
                consumerConfig: config.restProxyClientConfig(.consumer), admin: admin, registry: registry,
                clusterId: clusterId,
                consumerInstanceTimeoutMs: Int64(config.raw["rest.proxy.consumer.instance.timeout.ms"] ?? "")
                    ?? 300_000, maxBlockMs: config.restProxyMaxBlockMs,
                logger: Logger(label: "tributary.rest-proxy"))
        }
        try await withThrowingDiscardingTaskGroup { group in
            /// Serves `handler` on every listener of `key`; a listener that cannot bind names its key.
            func serve(
                _ api: any RestHandler, _ security: RestSecurity, key: String, name: String, label: String,
                maxBody: Int
            ) throws {
                // Authentication and CORS in front of every route (SecuredHandler).
                let handler = SecuredHandler(api, authentication: security.authentication, cors: security.cors)
                for l in security.listeners {
                    let url = "\(l.scheme.rawValue)://\(l.host.isEmpty ? "0.0.0.0" : l.host):\(l.port)/"
                    let app = try RestServer.application(
                        handler: handler, host: l.host, port: l.port,
                        tls: l.scheme == .https ? security.tls?.server : nil,
                        maxBody: maxBody, logger: Logger(label: label)
                    ) { _ in
                        LogOutput.announce("\(name): \(url)", logger: label)
                        StartupCode.release()
                    }
                    group.addTask {
                        do { try await app.run() } catch {
                            throw ListenerError(message: "\(key) \(url): \(error)")
                        }
                    }
                }
            }
            if let registry {
                try serve(
                    SchemaRegistryAPI(registry: registry), registrySecurity, key: "schema.registry.listeners",
                    name: "Schema Registry", label: "tributary.schema-registry", maxBody: 8 * 1024 * 1024)
            }
            if let proxy {
                // Produce bodies of many records are the point of the proxy: allow 64 MB.
                try serve(
                    proxy, proxySecurity, key: "rest.proxy.listeners", name: "REST Proxy",
                    label: "tributary.rest-proxy", maxBody: 64 * 1024 * 1024)
                group.addTask {
                    // Idle consumer instances expire even when no request arrives to notice.
                    while !Task.isShuttingDownGracefully && !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        await proxy.expireIdleConsumers()
                    }
                }
            }
        }
        await proxy?.close()
        await registry?.stop()
    }
}

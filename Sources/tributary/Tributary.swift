import ArgumentParser
import ConnectAPI
import ConnectRuntime
import CoreMetrics
import Glibc
import Logging
import Prometheus
import RestServing
import SchemaRegistry
import ServiceLifecycle

@main
struct Tributary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tributary",
        abstract: "A Kafka Connect-compatible connector runtime in one native binary.",
        subcommands: [Worker.self, Connectors.self, ApplyCommand.self, Validate.self, Version.self],
        defaultSubcommand: Worker.self)
}

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a worker (Kafka Connect distributed mode) with its REST API.")

    @Argument(help: "Worker properties file (Kafka Connect property names; CONNECT_* environment variables override).")
    var properties: String

    @Option(name: .long, help: "connectors.json to apply at start-up and on SIGHUP.")
    var connectors: String?

    @Option(name: .long, help: "Override a worker property: --override key=value (repeatable).")
    var override: [String] = []

    func run() async throws {
        do { try await runWorker() } catch { throw Tributary.fatal(error) }
    }

    private func runWorker() async throws {
        // glibc gives each thread that contends for malloc its own arena (up to 8 per core); records
        // allocated on one thread and freed on another then spread the heap over many of them. Two
        // arenas halve the peak RSS of a busy source task at no measured cost in speed (bench/README.md).
        // MALLOC_ARENA_MAX in the environment still decides.
        if ProcessEnv.get("MALLOC_ARENA_MAX") == nil { _ = glibcMallopt(mArenaMax, 2) }
        let levels = LogLevels.shared
        if let l = ProcessEnv.get("TRIBUTARY_LOG_LEVEL") {
            _ = levels.set("root", l.uppercased(), at: 0)
        }
        // TRIBUTARY_LOG_FORMAT first (it wins, and covers errors reading the properties), log.format below.
        let environmentFormat: LogFormat?
        do { environmentFormat = try LogFormat.fromEnvironment(ProcessEnv.all) } catch {
            throw WorkerConfigError(error.message)
        }
        LogFormat.current = environmentFormat ?? .text
        LoggingSystem.bootstrap { DynamicLogHandler(label: $0, levels: levels) }
        let logger = Logger(label: "tributary")
        let text: String
        do { text = try ProcessEnv.readText(properties, streams: true) } catch {
            throw WorkerConfigError("Cannot read worker properties \(error)")
        }
        let overrides = try override.map { o -> (String, String) in
            guard let eq = o.firstIndex(of: "=") else {
                throw ValidationError("--override expects key=value, got \(o)")
            }
            return (String(o[..<eq]), String(o[o.index(after: eq)...]))
        }
        let config: WorkerConfig
        do {
            let pairs = PropertiesFile.parse(text)
            if environmentFormat == nil {
                LogFormat.current = try WorkerConfig.logFormat(
                    properties: pairs, environment: ProcessEnv.all, overrides: overrides)
            }
            config = try WorkerConfig(properties: pairs, environment: ProcessEnv.all, overrides: overrides)
        } catch {
            throw WorkerConfigError("\(properties): \(error.message)")
        }
        if environmentFormat == nil { LogFormat.current = config.logFormat }
        do { try config.refuseUnimplementedSecurityKeys() } catch {
            throw WorkerConfigError("\(properties): \(error.message)")
        }
        for key in config.unknownKeys {
            logger.warning("The configuration '\(key)' was supplied but isn't a known config.")
        }
        for key in config.codeLoadingClientKeys {
            logger.warning(
                "\(properties): \(key) makes librdkafka load code or run a command; it is allowed in worker properties only (connector configs are refused it)"
            )
        }
        let refusals = config.clientRefusals()
        if !refusals.isEmpty {
            throw WorkerConfigError("\(properties): " + refusals.map(\.message).joined(separator: "; "))
        }
        if !config.ignoredClientKeys.isEmpty {
            logger.warning(
                "These Kafka client properties of \(properties) have no meaning for librdkafka and are ignored: \(config.ignoredClientKeys.joined(separator: ", "))"
            )
        }
        // Task and worker metrics go to one Prometheus registry, served at GET /metrics on the REST port.
        let prometheus = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: prometheus))
        let environment = ProcessEnv.all
        let connectSecurity: RestSecurity
        let adminSecurity: RestSecurity?
        let registrySecurity: RestSecurity
        let proxySecurity: RestSecurity
        let registryConfig: SchemaRegistryConfig
        do {
            connectSecurity = try RestSecurity.connect(config, environment: environment)
            adminSecurity =
                config.adminListeners?.isEmpty == false
                ? try RestSecurity.connect(config, environment: environment, admin: true) : nil
            registryConfig = SchemaRegistryConfig(
                listeners: try config.serviceListeners("schema.registry.listeners", default: "http://:8081"),
                topic: config.raw["kafkastore.topic"] ?? "_schemas",
                replicationFactor: Int(config.raw["kafkastore.topic.replication.factor"] ?? "3") ?? 3,
                compatibility: (config.raw["schema.compatibility.level"] ?? "backward").uppercased())
            registrySecurity = try RestSecurity.service(
                config, prefix: "schema.registry.", listeners: registryConfig.listeners, environment: environment)
            proxySecurity = try RestSecurity.service(
                config, prefix: "rest.proxy.",
                listeners: try config.serviceListeners("rest.proxy.listeners", default: "http://:8082"),
                environment: environment)
        } catch {
            throw WorkerConfigError("\(properties): \(error.message)")
        }
        for (name, security) in [
            ("Kafka Connect REST API", connectSecurity), ("Schema Registry", registrySecurity),
            ("REST Proxy", proxySecurity),
        ] {
            for l in security.openListeners {
                logger.warning(
                    "The \(name) listens on \(l) without authentication: anyone who can reach it can use it (for Kafka Connect, run connectors with the worker's credentials). Configure authentication (docs/security.md) or listen on 127.0.0.1 only"
                )
            }
        }
        let herder = Herder(
            workerConfig: config, registry: Plugins.registry(fileStreamPaths: config.fileStreamAllowedPaths),
            logger: logger)
        // Restarts forwarded to the worker that runs the work: over HTTPS when workers advertise https.
        let forwardTLS = config.advertisedScheme == .https ? connectSecurity.tls?.client : nil
        let api = ConnectRestAPI(
            herder: herder, metrics: { prometheus.emitToBuffer() }, forwarder: RestForwarder(tls: forwardTLS))
        var services: [any Service] = [
            WorkerService(
                herder: herder, connectorsFile: connectors, logger: logger,
                urls: config.listeners.map {
                    "\($0.scheme.rawValue)://\($0.host.isEmpty ? "0.0.0.0" : $0.host):\($0.port)/"
                })
        ]
        if !registryConfig.listeners.isEmpty || !proxySecurity.listeners.isEmpty {
            services.append(
                ProxyRegistryService(
                    config: config, registryConfig: registryConfig, registrySecurity: registrySecurity,
                    proxySecurity: proxySecurity, logger: logger))
        }
        // admin.listeners (KIP-495): unset, /admin/* on the listeners; empty, nowhere; else only there.
        let isAdmin: @Sendable (String) -> Bool = { $0 == "/admin" || $0.hasPrefix("/admin/") }
        let mainServes: @Sendable (String) -> Bool
        if config.adminListeners == nil {
            mainServes = { _ in true }
        } else {
            mainServes = { path in !isAdmin(path) }
        }
        let main = SecuredHandler(
            api, authentication: connectSecurity.authentication, cors: connectSecurity.cors, serves: mainServes)
        // One server per listener, each behind the SecuredHandler of its API.
        func serve(_ handler: SecuredHandler, on security: RestSecurity) throws {
            for l in security.listeners {
                services.append(
                    try RestServer.application(
                        handler: handler, host: l.host, port: l.port,
                        tls: l.scheme == .https ? security.tls?.server : nil, logger: Logger(label: "tributary.rest")))
            }
        }
        do {
            try serve(main, on: connectSecurity)
            if let adminSecurity {
                // Kafka Connect leaves its admin listeners without the REST extensions; Tributary applies the
                // same authentication there.
                try serve(
                    SecuredHandler(api, authentication: connectSecurity.authentication, serves: isAdmin),
                    on: adminSecurity)
            }
        } catch {
            throw WorkerConfigError("\(properties): \(error)")
        }
        let group = ServiceGroup(
            configuration: .init(
                // ServiceGroup stops services in reverse order: the REST listeners (last) stop accepting
                // first, then the worker stops its tasks, commits offsets and closes its stores.
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct Version: ParsableCommand {
    func run() {
        print(
            "tributary \(ConnectVersion.tributary) (Kafka Connect REST API \(ConnectVersion.kafka), commit \(ConnectVersion.commit))"
        )
    }
}

extension Tributary {
    /// What `run` throws at the end: in JSON log format, the error becomes one more JSON line (FATAL) and
    /// the exit code ArgumentParser would give it, instead of its `Error: ` text.
    ///
    /// In text format the `Error: ` line is written here, with one write: the listeners' shutdown may
    /// still be logging from their own threads, and ArgumentParser's printing let those lines land inside
    /// it. Argument errors (with their usage text) are still printed by ArgumentParser.
    static func fatal(_ error: any Error) -> any Error {
        guard !(error is ExitCode), !(error is CleanExit) else { return error }
        if LogFormat.current == .json {
            Logger(label: "tributary").critical("\(message(for: error))")
            return exitCode(for: error)
        }
        guard !(error is ValidationError) else { return error }
        let line = Array("Error: \(message(for: error))\n".utf8)
        line.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(2, raw.baseAddress! + done, raw.count - done)
                if n <= 0 { break }
                done += n
            }
        }
        return exitCode(for: error)
    }
}

/// Worker properties the worker cannot run with: printed as `Error: <message>` (not with the usage text
/// that argument errors get), exit code 1.
struct WorkerConfigError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// `M_ARENA_MAX` in glibc's malloc.h.
private let mArenaMax: Int32 = -8

/// glibc's `mallopt` (malloc.h, which the Glibc module does not export); plain C ints, no callbacks.
@_silgen_name("mallopt")
private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32

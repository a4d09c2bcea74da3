import ArgumentParser
import ConnectAPI
import ConnectRuntime
import Logging
import OperatorCLI

/// Where the worker's REST API is and how to get in: the same credentials and TLS its listeners take.
struct ConnectOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The Kafka Connect REST API (default: TRIBUTARY_URL, else http://localhost:8083).")
    var url: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Basic-auth credentials, user:password; a user alone takes the password from TRIBUTARY_PASSWORD (default: TRIBUTARY_USER).",
            valueName: "user[:password]"))
    var user: String?

    @Option(name: .long, help: "PEM file of the CA certificates to trust for an https URL (default: TRIBUTARY_CACERT).")
    var cacert: String?

    @Option(name: .long, help: "PEM file of a client certificate (with its key, or see --key), for ssl.client.auth.")
    var cert: String?

    @Option(name: .long, help: "PEM file of the client certificate's unencrypted key.")
    var key: String?

    @Option(name: .shortAndLong, help: "table, or json (the REST API's answers).")
    var output: OutputFormat = .table

    enum OutputFormat: String, ExpressibleByArgument { case table, json }

    var json: Bool { output == .json }

    func client() throws -> ConnectClient {
        var target = ConnectClient.Target(url: url ?? ProcessEnv.get("TRIBUTARY_URL") ?? "http://localhost:8083")
        if let u = user ?? ProcessEnv.get("TRIBUTARY_USER") {
            if let colon = u.firstIndex(of: ":") {
                target.credentials = (String(u[..<colon]), String(u[u.index(after: colon)...]))
            } else if let p = ProcessEnv.get("TRIBUTARY_PASSWORD") {
                target.credentials = (u, p)
            } else {
                throw CLIError("--user \(u) has no password: give user:password, or set TRIBUTARY_PASSWORD")
            }
        }
        target.caFile = cacert ?? ProcessEnv.get("TRIBUTARY_CACERT")
        target.certificateFile = cert
        target.keyFile = key
        return try ConnectClient(target, readFile: { try ProcessEnv.readText($0) })
    }
}

/// The operator commands' failures are `CLIError`s: ArgumentParser prints them as `Error: <message>`
/// on stderr, without the usage text argument errors get, and exits with status 1.
protocol OperatorCommand: AsyncParsableCommand {
    func execute() async throws(CLIError)
}

extension OperatorCommand {
    func run() async throws { try await execute() }
}

func printJSON(_ value: JSONValue) { print(JSONWriter.string(value)) }

struct Connectors: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Operate the connectors of a running worker through its REST API.",
        subcommands: [List.self, Status.self, Pause.self, Resume.self, Restart.self, Delete.self],
        defaultSubcommand: List.self)

    struct List: OperatorCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per connector: NAME, TYPE, STATE, TASKS, WORKER.")
        @OptionGroup var connect: ConnectOptions

        func execute() async throws(CLIError) {
            let expanded = try await connect.cliClient().call("GET", "/connectors?expand=status&expand=info") ?? .null
            if connect.json { return printJSON(expanded) }
            print(ConnectorStatus.listTable(ConnectorStatus.all(expanded: expanded)), terminator: "")
        }
    }

    struct Status: OperatorCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each connector's state and its tasks' (all connectors, or those named), with failures.")
        @OptionGroup var connect: ConnectOptions
        @Argument(help: "Connector names (default: every connector).")
        var names: [String] = []

        func execute() async throws(CLIError) {
            let client = try connect.cliClient()
            var statuses: [(String, JSONValue)] = []
            if names.isEmpty {
                let expanded = try await client.call("GET", "/connectors?expand=status") ?? .null
                if connect.json { return printJSON(expanded) }
                statuses = (expanded.objectValue ?? JSONObject()).compactMap { m in
                    m.value["status"].map { (m.key, $0) }
                }
            } else {
                for n in names {
                    statuses.append(
                        (
                            n,
                            try await client.call("GET", "/connectors/\(ConnectorProblems.pathSegment(n))/status")
                                ?? .null
                        ))
                }
                if connect.json {
                    return printJSON(names.count == 1 ? statuses[0].1 : .object(JSONObject(statuses)))
                }
            }
            let rows = statuses.compactMap { ConnectorStatus(status: $0.1) }
            print(ConnectorStatus.statusTable(names.isEmpty ? rows.sorted { $0.name < $1.name } : rows), terminator: "")
        }
    }

    struct Pause: OperatorCommand {
        static let configuration = CommandConfiguration(abstract: "Pause connectors and their tasks.")
        @OptionGroup var connect: ConnectOptions
        @Argument(help: "Connector names.") var names: [String]
        func execute() async throws(CLIError) {
            try await simple(connect, names, "PUT", "pause", done: "paused")
        }
    }

    struct Resume: OperatorCommand {
        static let configuration = CommandConfiguration(abstract: "Resume paused or stopped connectors.")
        @OptionGroup var connect: ConnectOptions
        @Argument(help: "Connector names.") var names: [String]
        func execute() async throws(CLIError) {
            try await simple(connect, names, "PUT", "resume", done: "resumed")
        }
    }

    struct Delete: OperatorCommand {
        static let configuration = CommandConfiguration(abstract: "Delete connectors (their offsets stay).")
        @OptionGroup var connect: ConnectOptions
        @Argument(help: "Connector names.") var names: [String]
        func execute() async throws(CLIError) {
            try await simple(connect, names, "DELETE", nil, done: "deleted")
        }
    }

    struct Restart: OperatorCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Restart connectors; with --include-tasks their tasks too, --only-failed only failed ones (KIP-745).")
        @OptionGroup var connect: ConnectOptions
        @Argument(help: "Connector names.") var names: [String]
        @Flag(name: .long, help: "Restart the connectors' tasks as well.") var includeTasks = false
        @Flag(name: .long, help: "Restart only the instances that are FAILED.") var onlyFailed = false
        @Option(name: .long, help: "Restart only this task of the connector.") var task: Int?

        func validate() throws {
            if task != nil && (includeTasks || onlyFailed) {
                throw ValidationError("--task restarts one task: it takes neither --include-tasks nor --only-failed")
            }
        }

        func execute() async throws(CLIError) {
            let client = try connect.cliClient()
            var answers: [JSONValue] = []
            for n in names {
                let segment = ConnectorProblems.pathSegment(n)
                let path =
                    task.map { "/connectors/\(segment)/tasks/\($0)/restart" }
                    ?? "/connectors/\(segment)/restart?includeTasks=\(includeTasks)&onlyFailed=\(onlyFailed)"
                let answer = try await client.call("POST", path)
                answers.append(answer ?? .object([("name", .string(n)), ("restarted", .bool(true))]))
                if connect.json { continue }
                let what = task.map { "task \($0) of \(n)" } ?? n
                if let status = answer.flatMap(ConnectorStatus.init(status:)) {
                    print("restart of \(what) accepted")
                    print(ConnectorStatus.statusTable([status]), terminator: "")
                } else {
                    print("restarted \(what)")
                }
            }
            if connect.json { printJSON(answers.count == 1 ? answers[0] : .array(answers)) }
        }
    }

    /// pause, resume and delete: one request per connector; the first refusal stops with its message.
    static func simple(_ connect: ConnectOptions, _ names: [String], _ method: String, _ verb: String?, done: String)
        async throws(CLIError)
    {
        let client = try connect.cliClient()
        var answers: [JSONValue] = []
        for n in names {
            let path = "/connectors/\(ConnectorProblems.pathSegment(n))" + (verb.map { "/\($0)" } ?? "")
            let answer = try await client.call(method, path)
            answers.append(answer ?? .object([("name", .string(n)), (done, .bool(true))]))
            if !connect.json { print("\(done) \(n)") }
        }
        if connect.json { printJSON(answers.count == 1 ? answers[0] : .array(answers)) }
    }
}

extension ConnectOptions {
    func cliClient() throws(CLIError) -> ConnectClient {
        do { return try client() } catch let e as CLIError { throw e } catch { throw CLIError("\(error)") }
    }
}

struct ApplyCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract:
            "Validate a connectors.json on the worker, print the plan (create, update, unchanged), then apply it.",
        discussion: """
            Connectors on the worker that the file does not name are left alone (listed in the plan) \
            unless --delete-missing is given.
            """)
    @OptionGroup var connect: ConnectOptions
    @Argument(help: "The connectors file (the worker's --connectors format).") var file: String
    @Flag(name: .long, help: "Stop after printing the plan.") var dryRun = false
    @Flag(name: .long, help: "Delete the worker's connectors that the file does not name.") var deleteMissing = false

    func execute() async throws(CLIError) {
        let parsed: ConnectorsFile
        do { parsed = try ConnectorsFile.load(path: file) } catch { throw CLIError(error.message) }
        let apply = Apply(client: try connect.cliClient(), deleteMissing: deleteMissing)
        let (problems, secrets) = try await apply.validate(parsed)
        if !problems.isEmpty {
            if connect.json {
                printJSON(.object([("problems", .array(problems.map { .string($0) }))]))
            } else {
                for p in problems { print(p) }
            }
            throw CLIError(
                "\(file): \(problems.count) problem(s) found by the worker's config/validate; nothing applied")
        }
        let plan = try await apply.plan(parsed, secrets: secrets)
        if !connect.json { print(plan.render(), terminator: "") }
        if dryRun {
            if connect.json { printJSON(.object([("plan", plan.json)])) }
            return
        }
        let answers = try await apply.execute(plan, file: parsed) { if !connect.json { print($0) } }
        if connect.json {
            printJSON(.object([("plan", plan.json), ("applied", .array(answers))]))
        } else if plan.isEmpty {
            print("nothing to apply")
        }
    }
}

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check a connectors.json file offline, as the worker would; prints every error with its connector and key.",
        discussion: """
            Placeholders are resolved with the config providers of --worker-properties (and CONNECT_* \
            variables), in this process's environment; without it, as if the worker declared \
            config.providers=file,dir,env without allow-lists. A placeholder left unresolved is an error.
            """)

    @Argument(help: "The connectors file.")
    var file: String

    @Option(
        name: .long,
        help: "The worker's properties: its config providers, client override policy and filestream.allowed.paths.")
    var workerProperties: String?

    func run() async throws {
        LoggingSystem.bootstrap { DynamicLogHandler(label: $0) }
        // The keys a worker needs to start; they play no part in connector validation.
        var props: [(String, String)] = [
            ("bootstrap.servers", "unused:9092"), ("group.id", "validate"), ("config.storage.topic", "c"),
            ("offset.storage.topic", "o"), ("status.storage.topic", "s"),
            ("key.converter", "org.apache.kafka.connect.json.JsonConverter"),
            ("value.converter", "org.apache.kafka.connect.json.JsonConverter"),
        ]
        var paths = AllowedPaths(roots: ["/"])
        if let workerProperties {
            do { props += PropertiesFile.parse(try ProcessEnv.readText(workerProperties, streams: true)) } catch {
                throw CLIError("Cannot read worker properties \(error)")
            }
        } else {
            props += [
                ("config.providers", "file,dir,env"),
                ("config.providers.file.class", ConfigProviders.Kind.file.rawValue),
                ("config.providers.dir.class", ConfigProviders.Kind.directory.rawValue),
                ("config.providers.env.class", ConfigProviders.Kind.env.rawValue),
            ]
        }
        let config: WorkerConfig
        do { config = try WorkerConfig(properties: props, environment: ProcessEnv.all) } catch {
            throw CLIError("\(workerProperties ?? "worker properties"): \(error.message)")
        }
        // Without worker properties, the worker's filestream.allowed.paths is not known: any absolute path passes.
        if workerProperties != nil { paths = config.fileStreamAllowedPaths }
        let herder = Herder(
            workerConfig: config, registry: Plugins.registry(fileStreamPaths: paths), logger: Logger(label: "validate"))
        let parsed: ConnectorsFile
        do { parsed = try ConnectorsFile.load(path: file) } catch { throw CLIError(error.message) }
        let problems = ConnectorProblems.offline(parsed, herder: herder, providers: config.configProviders)
        if problems.isEmpty {
            print("\(file): \(parsed.entries.count) connector(s), all valid")
            return
        }
        for p in problems { print(p) }
        throw CLIError("\(file): \(problems.count) problem(s)")
    }
}

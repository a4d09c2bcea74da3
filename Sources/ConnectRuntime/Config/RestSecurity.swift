import ConnectAPI
import KeyStores
import RestServing

/// How one REST API of the process is secured, read from the worker properties: TLS for its https
/// listeners, who may call it, and cross-origin access.
///
/// - The Kafka Connect API (`:8083`): Kafka Connect's keys: `listeners`, `listeners.https.ssl.*` (else
///   the top-level `ssl.*`), `ssl.client.auth`, `admin.listeners` (with `admin.listeners.https.ssl.*`),
///   `rest.extension.classes=...BasicAuthSecurityRestExtension` with the JAAS file's `KafkaConnect`
///   section, `access.control.allow.origin`/`.methods`; and Tributary's `rest.authentication.skip.paths`.
/// - The Schema Registry (`:8081`) and the REST Proxy (`:8082`): Confluent's rest-utils keys
///   (`authentication.method`, `authentication.realm`, `authentication.roles`,
///   `authentication.skip.paths`, `access.control.allow.*`) under `schema.registry.` or `rest.proxy.`,
///   and their TLS under `schema.registry.listeners.https.` or `rest.proxy.listeners.https.` (else the
///   top-level `ssl.*`).
///
/// The JAAS file is the one Java would read: `-Djava.security.auth.login.config=<file>` in `KAFKA_OPTS`
/// (what the Kafka and Confluent images take), or the worker property `java.security.auth.login.config`.
public struct RestSecurity: Sendable {
    public let listeners: [RestListener]
    public let tls: ListenerTLS?
    public let authentication: RestAuthentication?
    public let cors: CORSPolicy?

    public static let basicAuthExtension =
        "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"
    static let connectLoginModule = "org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule"
    static let jettyLoginModules = [
        "org.eclipse.jetty.jaas.spi.PropertyFileLoginModule",
        "org.eclipse.jetty.security.jaas.spi.PropertyFileLoginModule",
    ]

    /// The Kafka Connect API; `admin` reads `admin.listeners` instead.
    public static func connect(
        _ config: WorkerConfig, environment: [String: String], admin: Bool = false
    ) throws(ConfigException) -> RestSecurity {
        let raw = config.raw
        let listeners = admin ? (config.adminListeners ?? []) : config.listeners
        let tls =
            try listeners.contains { $0.scheme == .https }
            ? ListenerTLS.read(
                raw, prefix: admin ? "admin.listeners.https." : "listeners.https.",
                what: admin ? "admin.listeners" : "listeners")
            : nil
        var authentication: RestAuthentication? = nil
        let extensions = ConfigDef.listEntries(raw["rest.extension.classes"] ?? "")
        for ext in extensions {
            guard ext == basicAuthExtension || ext == "BasicAuthSecurityRestExtension" else {
                throw ConfigException(
                    "Failed to find any class that implements interface org.apache.kafka.connect.rest.ConnectRestExtension and which name matches \(ext)"
                )
            }
            let (jaas, path) = try jaasFile(raw, environment: environment, needed: "rest.extension.classes=\(ext)")
            guard let entry = jaas.sections["KafkaConnect"]?.first else {
                throw ConfigException(
                    "rest.extension.classes=\(ext) reads the KafkaConnect section of the JAAS file \(path), which has none"
                )
            }
            guard entry.loginModule == connectLoginModule else {
                throw ConfigException(
                    "The KafkaConnect section of \(path) names \(entry.loginModule); Tributary supports \(connectLoginModule)"
                )
            }
            guard let file = entry.options["file"], !file.isEmpty else {
                throw ConfigException(
                    "Property Credentials file must be specified (option file of \(connectLoginModule) in \(path))")
            }
            let pairs = try credentials(file, what: "the credentials file of \(path)")
            // Kafka Connect lets every request through when the file is empty; Tributary will not start open.
            guard !pairs.isEmpty else {
                throw ConfigException(
                    "Credential properties file '\(file)' is empty; Kafka Connect would permit all requests, Tributary refuses to start open. Add user=password lines"
                )
            }
            authentication = RestAuthentication(
                style: .kafkaConnect, users: .kafkaConnect(pairs),
                skipPaths: ConfigDef.listEntries(raw["rest.authentication.skip.paths"] ?? ""))
        }
        let cors = CORSPolicy(
            allowOrigin: raw["access.control.allow.origin"] ?? "",
            allowMethods: raw["access.control.allow.methods"] ?? "")
        return RestSecurity(listeners: listeners, tls: tls, authentication: authentication, cors: admin ? nil : cors)
    }

    /// The Schema Registry (`prefix` `schema.registry.`) or the REST Proxy (`rest.proxy.`).
    public static func service(
        _ config: WorkerConfig, prefix: String, listeners: [RestListener], environment: [String: String]
    ) throws(ConfigException) -> RestSecurity {
        let raw = config.raw
        let tls =
            try listeners.contains { $0.scheme == .https }
            ? ListenerTLS.read(raw, prefix: prefix + "listeners.https.", what: prefix + "listeners") : nil
        var authentication: RestAuthentication? = nil
        let methodKey = prefix + "authentication.method"
        switch (raw[methodKey] ?? "NONE").trimmingWhitespace().uppercased() {
        case "NONE", "":
            break
        case "BASIC":
            guard let realm = raw[prefix + "authentication.realm"]?.trimmingWhitespace(), !realm.isEmpty else {
                throw ConfigException(
                    "\(methodKey)=BASIC needs \(prefix)authentication.realm: the section of the JAAS file with the login module"
                )
            }
            let (jaas, path) = try jaasFile(raw, environment: environment, needed: "\(methodKey)=BASIC")
            guard let entry = jaas.sections[realm]?.first else {
                throw ConfigException("The JAAS file \(path) has no section \(realm) (\(prefix)authentication.realm)")
            }
            guard jettyLoginModules.contains(entry.loginModule), let file = entry.options["file"], !file.isEmpty else {
                throw ConfigException(
                    "The \(realm) section of \(path) must name \(jettyLoginModules[0]) with a file option (a password file)"
                )
            }
            let pairs = try credentials(file, what: "the password file of \(path)")
            guard !pairs.isEmpty else {
                throw ConfigException("The password file \(file) (\(path), \(realm)) has no users")
            }
            let roleList = ConfigDef.listEntries(raw[prefix + "authentication.roles"] ?? "*")
            // `*` and `**`: any authenticated user. (Confluent's `*` admits only roles the server declares,
            // which rest-utils never does: every user gets 403.)
            let roles: Set<String>? = roleList.contains("*") || roleList.contains("**") ? nil : Set(roleList)
            authentication = RestAuthentication(
                style: .confluent(realm: realm), users: .jetty(pairs), roles: roles,
                skipPaths: ConfigDef.listEntries(raw[prefix + "authentication.skip.paths"] ?? ""))
        case let other:
            throw ConfigException(
                name: methodKey, value: other,
                reason: "Tributary supports NONE and BASIC (BEARER needs Confluent's commercial security plugins)")
        }
        let cors = CORSPolicy(
            allowOrigin: raw[prefix + "access.control.allow.origin"] ?? "",
            allowMethods: raw[prefix + "access.control.allow.methods"] ?? "")
        return RestSecurity(listeners: listeners, tls: tls, authentication: authentication, cors: cors)
    }

    /// The JAAS file Java would read, parsed.
    static func jaasFile(_ raw: [String: String], environment: [String: String], needed: String)
        throws(ConfigException) -> (JaasFile, String)
    {
        guard
            let path = raw["java.security.auth.login.config"]
                ?? environment["KAFKA_OPTS"].flatMap(JaasFile.path(fromJVMOptions:))
        else {
            throw ConfigException(
                "\(needed) needs a JAAS file: set -Djava.security.auth.login.config=<file> in KAFKA_OPTS, or java.security.auth.login.config in the worker properties"
            )
        }
        let text: String
        do { text = try ProcessEnv.readText(path) } catch {
            throw ConfigException("Failed to retrieve JAAS configuration: \(error)")
        }
        do { return (try JaasFile.parse(text), path) } catch {
            throw ConfigException("Failed to retrieve JAAS configuration from \(path): \(error.message)")
        }
    }

    static func credentials(_ file: String, what: String) throws(ConfigException) -> [(String, String)] {
        do { return PropertiesFile.parse(try ProcessEnv.readText(file)) } catch {
            throw ConfigException("Error loading \(what): \(error)")
        }
    }

    /// Listeners reachable from other hosts without authentication: worth a warning at start.
    public var openListeners: [RestListener] {
        guard authentication == nil else { return [] }
        return listeners.filter { !["127.0.0.1", "localhost", "::1"].contains($0.host) }
    }
}

import ConnectAPI
import Logging

/// Kafka's config providers, as Kafka Connect offers them: none unless the worker properties declare
/// them (`config.providers=file,dir,env` with `config.providers.<name>.class`), so a REST caller cannot
/// read files or environment variables the operator did not open up.
///
/// - `FileConfigProvider`: `${<name>:/path/file.properties:key}`, a key of a properties file;
/// - `DirectoryConfigProvider`: `${<name>:/path/dir:file}`, the whole content of a file in a directory;
/// - `EnvVarConfigProvider`: `${<name>:VAR}` (or `${<name>::VAR}`), an environment variable.
///
/// The file and directory providers take KIP-993's `param.allowed.paths` (absolute paths a request must
/// lie under, compared component by component after `.` and `..` are resolved); the environment one
/// takes KIP-887's `param.allowlist.pattern` (a regular expression the whole variable name must match).
/// A placeholder of an undeclared provider, a missing key, a path outside the allowed ones or a
/// variable outside the pattern stays literal, as Kafka leaves it. Stored and REST-visible configs keep
/// their placeholders; only the values handed to connectors and tasks are resolved.
public struct ConfigProviders: Sendable {
    public enum Kind: String, Sendable {
        case file = "org.apache.kafka.common.config.provider.FileConfigProvider"
        case directory = "org.apache.kafka.common.config.provider.DirectoryConfigProvider"
        case env = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"

        /// Kafka Connect's names: fully qualified, simple, or without the `ConfigProvider` suffix.
        init?(className: String) {
            guard let k = Self.match(className) else { return nil }
            self = k
        }

        private static func match(_ className: String) -> Kind? {
            for k in [Kind.file, .directory, .env] {
                let simple = String(k.rawValue.split(separator: ".").last!)
                let pruned = String(simple.dropLast("ConfigProvider".count))
                if className == k.rawValue || className == simple || className == pruned { return k }
            }
            return nil
        }
    }

    public struct Provider: Sendable {
        public let name: String
        public let kind: Kind
        /// Normalised absolute paths; nil: every path.
        public let allowedPaths: AllowedPaths?
        /// The environment provider's `allowlist.pattern` (default `.*`).
        public let allowlist: String
    }

    public let providers: [String: Provider]
    private let environment: [String: String]
    private let readFile: @Sendable (String) throws -> [UInt8]
    private let log: @Sendable (String) -> Void

    /// No providers: every placeholder stays literal.
    public static let none = ConfigProviders(providers: [:], environment: [:])

    init(
        providers: [String: Provider], environment: [String: String],
        readFile: @escaping @Sendable (String) throws -> [UInt8] = { try ProcessEnv.readFile($0) },
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.providers = providers
        self.environment = environment
        self.readFile = readFile
        self.log = log
    }

    /// The providers `config` declares (`config.providers`, `config.providers.<name>.class`,
    /// `config.providers.<name>.param.*`), with Kafka's messages for what cannot be set up.
    public init(
        declaredIn config: [String: String], environment: [String: String],
        readFile: @escaping @Sendable (String) throws -> [UInt8] = { try ProcessEnv.readFile($0) },
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(ConfigException) {
        var providers: [String: Provider] = [:]
        for name in ConfigDef.listEntries(config["config.providers"] ?? "") {
            let prefix = "config.providers.\(name)."
            guard let cls = config[prefix + "class"]?.trimmingWhitespace(), !cls.isEmpty else {
                throw ConfigException(
                    "Config provider '\(name)' is listed in config.providers but \(prefix)class is not set")
            }
            guard let kind = Kind(className: cls) else {
                throw ConfigException(
                    "Failed to find any class that implements ConfigProvider and which name matches \(cls), available ConfigProviders are: \(Kind.file.rawValue), \(Kind.directory.rawValue), \(Kind.env.rawValue)"
                )
            }
            var allowed: AllowedPaths? = nil
            if let list = config[prefix + "param.allowed.paths"], !list.trimmingWhitespace().isEmpty {
                allowed = try AllowedPaths(list, key: prefix + "param.allowed.paths", exists: ProcessEnv.exists)
            }
            let pattern = config[prefix + "param.allowlist.pattern"] ?? ".*"
            if kind == .env {
                do { _ = try Regex(pattern) } catch {
                    throw ConfigException(
                        name: prefix + "param.allowlist.pattern", value: pattern, reason: "not a regular expression")
                }
            }
            providers[name] = Provider(name: name, kind: kind, allowedPaths: allowed, allowlist: pattern)
        }
        self.init(providers: providers, environment: environment, readFile: readFile, log: log)
    }

    public func resolve(_ config: [String: String]) -> [String: String] {
        config.mapValues(resolve)
    }

    /// Every `${provider:[path:]key}` of `value` that a declared provider can answer, replaced.
    public func resolve(_ value: String) -> String {
        guard value.contains("${"), !providers.isEmpty else { return value }
        var out = ""
        var rest = Substring(value)
        while let start = rest.firstRange(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let body = rest[start.upperBound..<end]
            out += lookup(body) ?? String(rest[start.lowerBound...end])
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    /// The path and key of a placeholder's reference (after `provider:`): the last colon ends the path.
    private static func pathAndKey(_ ref: Substring) -> (path: String, key: String) {
        guard let last = ref.lastIndex(of: ":") else { return ("", String(ref)) }
        return (String(ref[..<last]), String(ref[ref.index(after: last)...]))
    }

    /// `provider:key` or `provider:path:key` (Kafka's pattern: the last colon ends the path).
    func lookup(_ body: Substring) -> String? {
        guard let colon = body.firstIndex(of: ":"), let provider = providers[String(body[..<colon])] else {
            return nil
        }
        let (path, key) = Self.pathAndKey(body[body.index(after: colon)...])
        switch provider.kind {
        case .env:
            guard path.isEmpty, let v = environment[key], (try? Regex(provider.allowlist).wholeMatch(in: key)) != nil
            else { return nil }
            return v
        case .file, .directory:
            // A NUL would end the path the C library opens early, after the check passed on all of it.
            guard !path.isEmpty, !path.contains("\0"), !key.contains("\0"), allowed(path, provider) else { return nil }
            // The path checked is the path read (Kafka reads the normalised path too).
            let path = AllowedPaths.normalized(path)
            if provider.kind == .directory {
                // Only a file directly in the directory: a key with a slash (or "..") names nothing.
                guard !key.contains("/"), key != "..", key != "." else { return nil }
                return (try? readFile(path + "/" + key)).map { String(decoding: $0, as: UTF8.self) }
            }
            guard let bytes = try? readFile(path) else {
                log("Could not read properties from file \(path)")
                return nil
            }
            return PropertiesFile.parse(String(decoding: bytes, as: UTF8.self)).last { $0.0 == key }?.1
        }
    }

    private func allowed(_ path: String, _ provider: Provider) -> Bool {
        guard let paths = provider.allowedPaths else { return true }
        let ok = paths.allows(path)
        if !ok { log("The path \(path) is not allowed to be accessed") }
        return ok
    }
}

extension ConfigProviders {
    /// A placeholder that `resolve` leaves literal, and why.
    public struct Unresolved: Sendable, Equatable, CustomStringConvertible {
        /// As written: `${env:PG_JDBC_URL}`.
        public let placeholder: String
        public let reason: String
        public var description: String { "\(placeholder) is unresolved: \(reason)" }
    }

    /// Every `${provider:[path:]key}` of `value` that `resolve` would leave literal, with the reason a
    /// person can act on (an undeclared provider, an unset variable, a path outside the allowed ones, a
    /// missing key). Offline checks use it: Kafka itself hands the literal text to the connector.
    public func unresolved(in value: String) -> [Unresolved] {
        guard value.contains("${") else { return [] }
        var out: [Unresolved] = []
        var rest = Substring(value)
        while let start = rest.firstRange(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let body = rest[start.upperBound..<end]
            let placeholder = String(rest[start.lowerBound...end])
            if lookup(body) == nil, let reason = whyUnresolved(body) {
                out.append(Unresolved(placeholder: placeholder, reason: reason))
            }
            rest = rest[rest.index(after: end)...]
        }
        return out
    }

    /// Why `lookup(body)` answers nothing; nil when the text is not a placeholder at all (no colon).
    private func whyUnresolved(_ body: Substring) -> String? {
        guard let colon = body.firstIndex(of: ":") else { return nil }
        let name = String(body[..<colon])
        guard let provider = providers[name] else {
            let declared = providers.keys.sorted()
            return "no config provider '\(name)' is declared (config.providers"
                + (declared.isEmpty ? " is empty" : " lists \(declared.joined(separator: ","))")
                + " in the worker properties)"
        }
        let (path, key) = Self.pathAndKey(body[body.index(after: colon)...])
        let prefix = "config.providers.\(name).param."
        switch provider.kind {
        case .env:
            guard path.isEmpty else { return "the environment provider takes ${\(name):VARIABLE}" }
            guard (try? Regex(provider.allowlist).wholeMatch(in: key)) != nil else {
                return "environment variable \(key) does not match \(prefix)allowlist.pattern (\(provider.allowlist))"
            }
            return "environment variable \(key) is not set"
        case .file, .directory:
            let example = provider.kind == .file ? "/path/file.properties:key" : "/path/directory:file"
            guard !path.isEmpty, !path.contains("\0"), !key.contains("\0") else {
                return "expected ${\(name):\(example)}"
            }
            if let paths = provider.allowedPaths, !paths.allows(path) {
                return "\(path) is not under \(prefix)allowed.paths"
            }
            let normalized = AllowedPaths.normalized(path)
            if provider.kind == .directory {
                guard !key.contains("/"), key != "..", key != "." else {
                    return "\(key) does not name a file directly in \(normalized)"
                }
                do { _ = try readFile(normalized + "/" + key) } catch { return "cannot read \(error)" }
                return "cannot read \(normalized)/\(key)"
            }
            do { _ = try readFile(normalized) } catch { return "cannot read \(error)" }
            return "\(normalized) has no key \(key)"
        }
    }
}

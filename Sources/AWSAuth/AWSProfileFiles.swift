/// The shared AWS files, `~/.aws/credentials` and `~/.aws/config` (`AWS_SHARED_CREDENTIALS_FILE`,
/// `AWS_CONFIG_FILE`): INI sections of `key = value`, `[name]` in the credentials file and
/// `[profile name]` (or `[default]`) in the config file; the credentials file wins where both set a key.
public struct AWSProfileFiles: Sendable {
    public let profiles: [String: [String: String]]

    public init(credentials: String?, config: String?) {
        var p: [String: [String: String]] = [:]
        for (name, keys) in Self.sections(config ?? "") {
            let n = name == "default" ? "default" : (name.hasPrefix("profile ") ? String(name.dropFirst(8)) : nil)
            guard let n = n?.trimmed, !n.isEmpty else { continue }
            p[n, default: [:]].merge(keys) { _, new in new }
        }
        for (name, keys) in Self.sections(credentials ?? "") {
            p[name.trimmed, default: [:]].merge(keys) { _, new in new }
        }
        profiles = p
    }

    /// Reads the files where the environment says, else under `$HOME/.aws`; absent files are empty.
    public static func load(environment: [String: String], read: (String) -> String?) -> AWSProfileFiles {
        let home = environment["HOME"] ?? ""
        let creds =
            environment["AWS_SHARED_CREDENTIALS_FILE"] ?? environment["AWS_CREDENTIAL_PROFILES_FILE"]
            ?? "\(home)/.aws/credentials"
        let config = environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        return AWSProfileFiles(credentials: read(creds), config: read(config))
    }

    private static func sections(_ text: String) -> [(String, [String: String])] {
        var out: [(String, [String: String])] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = String(raw).trimmed
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                out.append((String(line.dropFirst().dropLast()), [:]))
            } else if let eq = line.firstIndex(of: "="), !out.isEmpty {
                let k = String(line[..<eq]).trimmed.lowercased()
                let v = String(line[line.index(after: eq)...]).trimmed
                out[out.count - 1].1[k] = v
            }
        }
        return out
    }
}

extension String {
    var trimmed: String { String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()) }
}

import ConnectAPI

/// Resolves `${env:VAR}`, `${file:path:key}` (a properties file) and `${directory:path:file}` /
/// `${dir:path:file}` placeholders. Stored and REST-visible configs keep the placeholders; only the
/// values handed to connectors and tasks are resolved. Unresolvable references are left as they are.
public enum ConfigProviders {
    public static func resolve(_ config: [String: String]) -> [String: String] {
        config.mapValues(resolve)
    }

    public static func resolve(_ value: String) -> String {
        guard value.contains("${") else { return value }
        var out = ""
        var rest = Substring(value)
        while let start = rest.firstRange(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let body = rest[start.upperBound..<end]
            let whole = rest[start.lowerBound...end]
            out += lookup(body) ?? String(whole)
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    static func lookup(_ body: Substring) -> String? {
        let parts = body.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let provider = parts[0]
        let ref = String(parts[1])
        switch provider {
        case "env":
            return ProcessEnv.get(ref)
        case "file":
            guard let c = ref.lastIndex(of: ":") else { return nil }
            let path = String(ref[..<c])
            let key = String(ref[ref.index(after: c)...])
            guard let text = try? ProcessEnv.readText(path) else { return nil }
            return PropertiesFile.parse(text).last { $0.0 == key }?.1
        case "directory", "dir":
            guard let c = ref.lastIndex(of: ":") else { return nil }
            let path = String(ref[..<c]) + "/" + String(ref[ref.index(after: c)...])
            return try? ProcessEnv.readText(path)
        default:
            return nil
        }
    }
}

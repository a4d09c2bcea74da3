/// Absolute paths that a configured path must lie under, as KIP-993's `allowed.paths` decides: compared
/// component by component once `.` and `..` are resolved lexically, as Java's `Path.normalize` does
/// (symbolic links are not followed). Used by the file and directory config providers and by the
/// FileStream connectors (`filestream.allowed.paths`).
public struct AllowedPaths: Sendable, Equatable {
    /// Normalised roots; empty: nothing is allowed.
    public let roots: [String]

    public init(roots: [String]) { self.roots = roots.map(Self.normalized) }

    /// A comma-separated list of absolute paths that exist (`exists`), named `key` in errors.
    public init(_ list: String, key: String, exists: (String) -> Bool) throws(ConfigException) {
        var roots: [String] = []
        for entry in ConfigDef.listEntries(list) {
            guard entry.hasPrefix("/") else {
                throw ConfigException(name: key, value: list, reason: "Path \(entry) is not absolute")
            }
            guard exists(entry) else {
                throw ConfigException(name: key, value: list, reason: "Path \(entry) does not exist")
            }
            roots.append(entry)
        }
        self.init(roots: roots)
    }

    /// Whether `path` (absolute, without NUL) lies under one of the roots.
    public func allows(_ path: String) -> Bool {
        // A NUL would end the path the C library opens early, after the check passed on all of it.
        guard path.hasPrefix("/"), !path.utf8.contains(0) else { return false }
        let p = Self.normalized(path)
        return roots.contains { root in p == root || p.hasPrefix(root == "/" ? "/" : root + "/") }
    }

    /// `/a/./b/../c/` → `/a/c`.
    public static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(c)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}

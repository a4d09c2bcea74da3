import ConnectAPI
import KeyStores

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process environment and local files, read with libc.
///
/// The worker reads a handful of small files (worker properties, connectors.json, `${file:…}` config
/// providers); doing it here keeps Foundation out of the process, and the errors name the file and the
/// operating system's reason ("No such file or directory") rather than a Cocoa error domain.
public enum ProcessEnv {
    public static func get(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }

    /// Every `NAME=value` of the environment (ConnectAPI's reader, which connectors use too).
    public static var all: [String: String] { ProcessEnvironment.all }

    public struct FileError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The whole content of the file at `path`.
    /// `streams`: the operator's own files may be pipes (see `LocalFile.read`).
    public static func readFile(_ path: String, streams: Bool = false) throws(FileError) -> [UInt8] {
        do { return try LocalFile.read(path, streams: streams) } catch {
            throw FileError(path: error.path, reason: error.reason)
        }
    }

    /// The file at `path` as UTF-8 text (invalid sequences replaced).
    public static func readText(_ path: String, streams: Bool = false) throws(FileError) -> String {
        String(decoding: try readFile(path, streams: streams), as: UTF8.self)
    }
}

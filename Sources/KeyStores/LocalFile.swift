#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads with libc, for store files and the other small files the worker reads (no
/// Foundation: its file APIs would load ICU), with errors that name the file and the system's reason.
public enum LocalFile {
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The most a file read this way may hold: these are configuration files, stores and secrets.
    public static let maxBytes = 16 * 1024 * 1024

    /// Reads a regular file of at most `maxBytes`: a device (`/dev/zero`), a FIFO or a directory is
    /// refused before it is read, so a configured path cannot make the worker read forever or block.
    /// `streams`: the operator's own files (worker properties, `--connectors`) may also be pipes, as
    /// with `--connectors <(envsubst < connectors.json)`.
    public static func read(_ path: String, streams: Bool = false) throws(ReadError) -> [UInt8] {
        guard !path.utf8.contains(0) else { throw ReadError(path: path, reason: "the path contains a NUL character") }
        // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
        let fd = open(path, O_RDONLY | O_CLOEXEC | (streams ? 0 : O_NONBLOCK))
        guard fd >= 0 else { throw ReadError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ReadError(path: path, reason: String(cString: strerror(errno))) }
        guard streams || (st.st_mode & S_IFMT) == S_IFREG else {
            throw ReadError(path: path, reason: "not a regular file")
        }
        guard st.st_size <= maxBytes else {
            throw ReadError(path: path, reason: "larger than \(maxBytes / (1024 * 1024)) MB")
        }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[..<n])
            // A file that grows while it is read still stops at the limit.
            if out.count > maxBytes {
                throw ReadError(path: path, reason: "larger than \(maxBytes / (1024 * 1024)) MB")
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file descriptor with the few calls the FileStream connectors make, failing with `errno`'s text.
///
/// Plain POSIX rather than Foundation's `FileHandle`, which would load Foundation and ICU into every
/// worker for a demo connector.
final class PosixFile {
    private(set) var fd: Int32
    private let owned: Bool

    private init(fd: Int32, owned: Bool) {
        self.fd = fd
        self.owned = owned
    }

    /// Standard input/output, not closed by `close()`; a new wrapper each time, as each task owns its file.
    static var standardInput: PosixFile { PosixFile(fd: 0, owned: false) }
    static var standardOutput: PosixFile { PosixFile(fd: 1, owned: false) }

    /// Opens for reading, or nil when the file does not exist (yet) or cannot be read.
    static func openForReading(_ path: String) -> PosixFile? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        return fd < 0 ? nil : PosixFile(fd: fd, owned: true)
    }

    /// Opens for appending, creating the file (mode 0644) when absent.
    static func openForAppending(_ path: String) throws(PosixError) -> PosixFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PosixError(operation: "open '\(path)'") }
        return PosixFile(fd: fd, owned: true)
    }

    func seek(to offset: Int64) throws(PosixError) {
        guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else { throw PosixError(operation: "seek") }
    }

    /// Appends what is available now, up to `count` bytes, to `buffer`; returns the number read (0 at end).
    func read(upTo count: Int, into buffer: inout [UInt8]) throws(PosixError) -> Int {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        var n = 0
        repeat {
            n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + start, count) }
        } while n < 0 && errno == EINTR
        buffer.removeLast(count - max(n, 0))
        guard n >= 0 else { throw PosixError(operation: "read") }
        return n
    }

    func write(_ bytes: [UInt8]) throws(PosixError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixError(operation: "write")
            }
            done += n
        }
    }

    func sync() throws(PosixError) {
        // fsync on a pipe or terminal (standard output) fails with EINVAL, which is not an error here.
        if fsync(fd) != 0 && errno != EINVAL { throw PosixError(operation: "fsync") }
    }

    /// Closes an owned descriptor once; later calls (and deinit) do nothing.
    func close() {
        if owned && fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}

struct PosixError: Error, CustomStringConvertible {
    let operation: String
    let code: Int32

    init(operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
}

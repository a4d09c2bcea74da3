import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy on 127.0.0.1 in front of a local server: its first connection is relayed both ways, the
/// ones after it are accepted and left unanswered until `release()`. libpq sends a cancel request on a
/// connection of its own to the address of the session's, so behind this proxy the session works and a
/// cancel request stalls in its network round trip for as long as the test wants.
final class StallingProxy: Sendable {
    let port: UInt16
    private let listener: Int32
    private let held = Mutex<[Int32]>([])
    private let stalled: AsyncStream<Void>
    private let stall: AsyncStream<Void>.Continuation

    struct SocketError: Error { let call: String }

    init(to upstreamPort: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket") }
        var addr = Self.loopback(port: 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, len) == 0 && listen(fd, 4) == 0 && getsockname(fd, p, &len) == 0
            }
        }
        guard bound else {
            close(fd)
            throw SocketError(call: "bind")
        }
        port = UInt16(bigEndian: addr.sin_port)
        listener = fd
        (stalled, stall) = AsyncStream.makeStream()
        let proxy = self
        DispatchQueue.global().async { proxy.serve(upstreamPort) }
    }

    deinit { close(listener) }

    /// Stops accepting; the relayed connection ends with its client.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        release()
    }

    /// Returns once a connection after the first is being held.
    func connectionStalled() async {
        var it = stalled.makeAsyncIterator()
        _ = await it.next()
    }

    /// Closes the held connections: their clients see the end of the stream.
    func release() {
        for fd in held.withLock({ h in
            defer { h = [] }
            return h
        }) { close(fd) }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    /// Accepts the session's connection and relays it, then holds every later one.
    private func serve(_ upstreamPort: UInt16) {
        var first = true
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            if first {
                first = false
                let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var addr = Self.loopback(port: upstreamPort)
                let connected = withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                    }
                }
                guard connected else {
                    close(client)
                    close(upstream)
                    continue
                }
                // Whichever direction ends second closes both sockets.
                let ended = Mutex(0)
                let relay = { @Sendable (from: Int32, to: Int32) in
                    Self.pump(from: from, to: to)
                    if ended.withLock({ n -> Int in
                        n += 1
                        return n
                    }) == 2 {
                        close(client)
                        close(upstream)
                    }
                }
                DispatchQueue.global().async { relay(client, upstream) }
                DispatchQueue.global().async { relay(upstream, client) }
            } else {
                held.withLock { $0.append(client) }
                stall.yield()
            }
        }
    }

    /// Copies bytes until the source ends, then ends the sink's direction.
    private static func pump(from source: Int32, to sink: Int32) {
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            var sent = 0
            while sent < n {
                let m = buf.withUnsafeBytes { write(sink, $0.baseAddress! + sent, n - sent) }
                if m <= 0 { break }
                sent += m
            }
            if sent < n { break }
        }
        shutdown(sink, Int32(SHUT_WR))
    }
}

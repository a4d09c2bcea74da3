/// A PGcancel shared by the cancel requests in progress (`PQcancel` may run on several threads at once,
/// and after `PQfinish`: it holds its own copy of the server's address). Freed by whichever of `retire`
/// and the last `release` comes last; each of them hands over the pointer to free. Unchecked: it lives in
/// a Mutex, and the pointer is used only by the holder it was handed to.
struct Canceller: ~Copyable, @unchecked Sendable {
    private var handle: OpaquePointer?
    private var holds = 0
    private var retired = false

    init(handle: OpaquePointer?) { self.handle = handle }

    /// The handle for one request, or nil once retired.
    mutating func hold() -> OpaquePointer? {
        guard !retired, let handle else { return nil }
        holds += 1
        return handle
    }

    /// Ends a request's hold; the handle to free if the connection was closed meanwhile.
    mutating func release() -> OpaquePointer? {
        holds -= 1
        return retired && holds == 0 ? take() : nil
    }

    /// No request may start from now on; the handle to free if none holds it.
    mutating func retire() -> OpaquePointer? {
        retired = true
        return holds == 0 ? take() : nil
    }

    private mutating func take() -> OpaquePointer? {
        defer { handle = nil }
        return handle
    }
}

import CLibPQ
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libpq connection.
///
/// Threads: every libpq call that can wait runs on this connection's own serial dispatch queue, never on
/// Swift's cooperative pool; `async` methods suspend until it is done. `cancel()` may be called from any
/// thread (libpq's `PQcancel` is made for that) and interrupts the statement running on the queue.
///
/// Cancellation: the Swift task awaiting a statement can be cancelled. Then the server is asked to cancel
/// the statement (it fails with SQLSTATE 57014), and a statement started by an already cancelled task
/// fails the same way without being sent; `rollback()` alone still runs, so a cancelled writer can undo
/// its transaction. A cancel request crosses the network and may also reach the statement after the one
/// it was meant for: a connection used by a cancelled task is best closed after its `rollback()`.
/// Ownership: `conn` (PGconn) is owned and finished in `close()`; the PGcancel in `canceller` is freed by
/// `close()` or, when a cancel request is under way, by that request once it is answered; every
/// PGresult is cleared before the call that produced it returns, or, for cursor batches, right after
/// the caller's closure has read it.
public final class PostgresConnection: @unchecked Sendable {
    private let conn: OpaquePointer  // PGconn, owned
    /// The PGcancel and the cancel requests holding it. No lock is held while a request crosses the
    /// network: a request takes a hold, and whichever of `close()` and the last request ends last frees it.
    private let canceller: Mutex<Canceller>
    private let queue = DispatchQueue(label: "libpq")
    private let closed = Mutex(false)
    /// A cursor FETCH sent ahead whose result has not been read yet (touched on `queue` only).
    private var fetchAhead = false
    /// The server's version, e.g. 150004 for 15.4.
    public let serverVersion: Int

    private init(conn: OpaquePointer) {
        self.conn = conn
        self.canceller = Mutex(Canceller(handle: tpq_getCancel(conn)))
        self.serverVersion = Int(tpq_serverVersion(conn))
    }

    /// The last reference may be dropped by a block on `queue` (each holds one): waiting for the queue
    /// here would deadlock, and no block is left on it.
    deinit { closeNow() }

    /// Connects (blocking a private thread, not the caller's): the error carries the server's message,
    /// e.g. `password authentication failed for user "x"`.
    public static func connect(_ info: PostgresConnectInfo) async throws(PostgresError) -> PostgresConnection {
        let result: Result<PostgresConnection, PostgresError> = await withCheckedContinuation { cont in
            DispatchQueue.global().async {
                var loadError = [CChar](repeating: 0, count: 512)
                if tpq_load(&loadError, loadError.count) != 0 {
                    let reason = String(
                        decoding: loadError.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    cont.resume(returning: .failure(PostgresError(message: reason)))
                    return
                }
                let keys = info.keywords.map { strdup($0.name) } + [nil]
                let values = info.keywords.map { strdup($0.value) } + [nil]
                defer {
                    for p in keys { free(p) }
                    for p in values { free(p) }
                }
                let c: OpaquePointer? = keys.withUnsafeBufferPointer { k in
                    values.withUnsafeBufferPointer { v in
                        k.withMemoryRebound(to: UnsafePointer<CChar>?.self) { kp in
                            v.withMemoryRebound(to: UnsafePointer<CChar>?.self) { vp in
                                tpq_connectdbParams(kp.baseAddress, vp.baseAddress, 0)
                            }
                        }
                    }
                }
                guard let c else {
                    cont.resume(returning: .failure(PostgresError(message: "libpq could not allocate a connection")))
                    return
                }
                if tpq_status(c) != TPQ_CONNECTION_OK {
                    let libpq = Self.trimmed(tpq_errorMessage(c))
                    let hint = Self.tlsHint(libpq, info)
                    tpq_finish(c)
                    cont.resume(
                        returning: .failure(
                            PostgresError(
                                sqlState: Self.connectSQLState(libpq), message: libpq + hint, permanent: !hint.isEmpty))
                    )
                    return
                }
                cont.resume(returning: .success(PostgresConnection(conn: c)))
            }
        }
        return try result.get()
    }

    /// What to check when TLS refused the server: libpq's message names neither the URL parameter nor the fix.
    static func tlsHint(_ message: String, _ info: PostgresConnectInfo) -> String {
        let mode = info["sslmode"] ?? "prefer"
        if message.contains("does not match host name") {
            return
                " (sslmode=\(mode) checks that the server's certificate names the host of connection.url: connect by a name the certificate holds, or use sslmode=verify-ca)"
        }
        if message.contains("certificate verify failed") || message.contains("root certificate file") {
            let root = info["sslrootcert"].map { "sslrootcert=\($0)" } ?? "sslrootcert (default ~/.postgresql/root.crt)"
            return " (sslmode=\(mode) verifies the server's certificate against \(root) in connection.url)"
        }
        if message.contains("server does not support SSL") {
            return " (sslmode=\(mode) in connection.url requires TLS, which this server does not offer)"
        }
        return ""
    }

    /// libpq does not hand out the SQLSTATE of a failed connection; recognise the common ones so callers
    /// can tell a wrong password (not worth retrying) from an unreachable server.
    private static func connectSQLState(_ message: String) -> String? {
        if message.contains("password authentication failed") || message.contains("no password supplied") {
            return "28P01"
        }
        if message.contains("does not exist") && message.contains("database") { return "3D000" }
        return nil
    }

    /// Runs `body` on the connection's queue. `cancellable`: a cancelled task does not start it, and
    /// cancelling the task while it runs sends the server a cancel request.
    private func run<T: Sendable>(
        cancellable: Bool = true, _ body: @escaping @Sendable () throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        if cancellable && Task.isCancelled { throw Self.cancelledError }
        let r: Result<T, PostgresError> =
            if cancellable {
                await withTaskCancellationHandler {
                    await perform(body)
                } onCancel: {
                    // PQcancel opens a connection to the server and waits for it: not on the thread that
                    // cancelled, which may be one of the cooperative pool's.
                    DispatchQueue.global().async { self.cancel() }
                }
            } else {
                await perform(body)
            }
        return try r.get()
    }

    private func perform<T: Sendable>(_ body: @escaping @Sendable () throws(PostgresError) -> T) async -> Result<
        T, PostgresError
    > {
        await withCheckedContinuation { cont in
            queue.async { [self] in
                if closed.withLock({ $0 }) {
                    cont.resume(returning: .failure(PostgresError(message: "The connection is closed")))
                    return
                }
                do throws(PostgresError) { cont.resume(returning: .success(try body())) } catch {
                    cont.resume(returning: .failure(error))
                }
            }
        }
    }

    /// What a statement not started because its task was cancelled fails with: the SQLSTATE of a
    /// statement the server cancelled (`query_canceled`).
    static let cancelledError = PostgresError(
        sqlState: PostgresError.queryCanceled, message: "ERROR: canceling statement because the task was cancelled")

    /// Runs one statement with `$1…` parameters sent separately from the SQL (text format; nil = NULL)
    /// and returns all its rows. For small results (catalog lookups); stream large ones with a cursor.
    public func query(_ sql: String, _ params: [String?] = []) async throws(PostgresError) -> PostgresResult {
        try await run { [self] () throws(PostgresError) -> PostgresResult in
            let res = try execParams(sql, params)
            defer { tpq_clear(res) }
            return PostgresResult(res)
        }
    }

    /// Runs a statement for its effect (BEGIN, COMMIT, SET, DDL in tests).
    public func execute(_ sql: String, _ params: [String?] = []) async throws(PostgresError) {
        try await run { [self] () throws(PostgresError) in tpq_clear(try execParams(sql, params)) }
    }

    /// Ends the open transaction without keeping anything of it: runs even when the task is cancelled
    /// (what a cancelled writer still has to do).
    public func rollback() async throws(PostgresError) {
        try await run(cancellable: false) { [self] () throws(PostgresError) in
            tpq_clear(try execParams("ROLLBACK", []))
        }
    }

    /// Opens a server-side cursor over `sql` in a new transaction (what pgjdbc does for a statement with
    /// a fetch size and autocommit off): rows are then fetched in batches, never all held in memory.
    public func openCursor(_ sql: String, _ params: [String?] = [], readOnly: Bool = true) async throws(PostgresError)
        -> PostgresCursor
    {
        try await run { [self] () throws(PostgresError) in
            tpq_clear(try execParams(readOnly ? "BEGIN READ ONLY" : "BEGIN", []))
            do throws(PostgresError) {
                tpq_clear(try execParams("DECLARE tributary_cursor NO SCROLL CURSOR FOR " + sql, params))
            } catch {
                if let r = tpq_exec(conn, "ROLLBACK") { tpq_clear(r) }
                throw error
            }
        }
        return PostgresCursor(connection: self)
    }

    /// Runs `COPY … FROM STDIN` (text format) with `data` as its input: rows separated by newlines, columns
    /// by tabs, `\N` for NULL, backslash escapes (PostgreSQL's COPY text format). One round trip for any
    /// number of rows; errors (bad values, constraint violations) carry the line and column.
    public func copyIn(_ sql: String, _ data: [UInt8]) async throws(PostgresError) {
        let copy = try await beginCopyIn(sql)
        copy.send(data)
        try await copy.finish()
    }

    /// Starts `COPY … FROM STDIN`; the rows follow with `send` (as they are built, so the server parses
    /// one part while the caller builds the next) and `finish`.
    public func beginCopyIn(_ sql: String) async throws(PostgresError) -> PostgresCopyIn {
        try await run { [self] () throws(PostgresError) -> PostgresCopyIn in
            guard let start = tpq_exec(conn, sql) else {
                throw PostgresError(message: Self.trimmed(tpq_errorMessage(conn)))
            }
            defer { tpq_clear(start) }
            guard tpq_resultStatus(start) == Int32(TPQ_PGRES_COPY_IN) else { throw Self.error(from: start, conn: conn) }
            return PostgresCopyIn(connection: self)
        }
    }

    /// Sends COPY data on the connection's queue, after anything queued before; false once sending failed.
    func putCopyData(_ data: [UInt8], for copy: PostgresCopyIn) {
        queue.async { [self] in
            guard !copy.failed.withLock({ $0 }), !closed.withLock({ $0 }) else { return }
            let sent: Bool = data.withUnsafeBytes { buf in
                var offset = 0
                while offset < buf.count {
                    let n = min(1 << 20, buf.count - offset)
                    let p = buf.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                    if tpq_putCopyData(conn, p, Int32(n)) != 1 { return false }
                    offset += n
                }
                return true
            }
            if !sent { copy.failed.withLock { $0 = true } }
        }
    }

    /// Ends the COPY (after every queued `putCopyData`) and returns its outcome; `abort` makes it fail
    /// with that message (nothing of it is kept).
    /// A cancelled task ends it as failed too (the connection must leave the COPY state for `rollback`).
    func endCopy(_ copy: PostgresCopyIn, abort: String? = nil) async throws(PostgresError) {
        let reason = abort ?? (Task.isCancelled ? "the task was cancelled" : nil)
        try await run(cancellable: reason == nil) { [self] () throws(PostgresError) in
            let sendFailed = copy.failed.withLock { $0 }
            _ = tpq_putCopyEnd(conn, reason ?? (sendFailed ? "client failed to send the data" : nil))
            // The COPY's own result, then NULL.
            var failure: PostgresError?
            while let r = tpq_getResult(conn) {
                if tpq_resultStatus(r) != Int32(TPQ_PGRES_COMMAND_OK), failure == nil {
                    failure = Self.error(from: r, conn: conn)
                }
                tpq_clear(r)
            }
            if let failure { throw failure }
            if sendFailed { throw PostgresError(message: Self.trimmed(tpq_errorMessage(conn))) }
        }
    }

    /// Fetches up to `count` rows of the open cursor and hands them to `read` on the connection's thread;
    /// the batch is valid only inside `read`. After a full batch the next FETCH is sent before `read`
    /// runs, so the server produces the next rows while the caller turns these into records.
    func fetch<T: Sendable>(_ count: Int, _ read: @escaping @Sendable (PostgresRowBatch) throws -> T) async throws -> T
    {
        let sql = "FETCH FORWARD \(max(count, 1)) FROM tributary_cursor"
        let r: Result<T, any Error> = await withCheckedContinuation { cont in
            queue.async { [self] in
                do {
                    let res = try fetchAhead ? takeSentResult() : execParams(sql, [])
                    defer { tpq_clear(res) }
                    // A batch of `count` rows may have more behind it (a short one is the end): ask now.
                    if tpq_ntuples(res) == Int32(clamping: count) { fetchAhead = tpq_sendQuery(conn, sql) == 1 }
                    cont.resume(returning: .success(try read(PostgresRowBatch(res))))
                } catch {
                    cont.resume(returning: .failure(error))
                }
            }
        }
        return try r.get()
    }

    /// Closes the cursor and ends its transaction.
    func closeCursor() async throws(PostgresError) {
        try await run { [self] () throws(PostgresError) in
            tpq_clear(try execParams("CLOSE tributary_cursor", []))
            tpq_clear(try execParams("COMMIT", []))
        }
    }

    /// Asks the server to cancel the statement in progress; safe from any thread, and does nothing once
    /// the connection is closing. Blocks the calling thread for a network round trip. The interrupted call
    /// fails with SQLSTATE 57014.
    public func cancel() {
        guard let handle = canceller.withLock({ $0.hold() }) else { return }
        var buf = [CChar](repeating: 0, count: 256)
        _ = tpq_cancel(handle, &buf, Int32(buf.count))
        if let last = canceller.withLock({ $0.release() }) { tpq_freeCancel(last) }
    }

    /// Closes the connection once the statement in progress has ended; the task waits without holding a
    /// thread of the cooperative pool. Idempotent.
    public func close() async {
        guard beginClose() else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                tpq_finish(conn)
                done.resume()
            }
        }
    }

    /// `close()` for deinit, where no block on `queue` can still be running.
    private func closeNow() {
        if beginClose() { tpq_finish(conn) }
    }

    /// Marks the connection closed (statements queued from now on fail) and frees the PGcancel unless a
    /// cancel request holds it. False if the connection was already closing.
    private func beginClose() -> Bool {
        let first = closed.withLock { c -> Bool in
            defer { c = true }
            return !c
        }
        guard first else { return false }
        if let unheld = canceller.withLock({ $0.retire() }) { tpq_freeCancel(unheld) }
        return true
    }

    /// The result of the FETCH sent ahead (then libpq's end-of-results NULL). Must run on `queue`; the
    /// caller clears the result.
    private func takeSentResult() throws(PostgresError) -> OpaquePointer {
        fetchAhead = false
        guard let res = tpq_getResult(conn) else {
            throw PostgresError(message: Self.trimmed(tpq_errorMessage(conn)))
        }
        while let extra = tpq_getResult(conn) { tpq_clear(extra) }
        return try Self.checked(res, conn: conn)
    }

    /// Must run on `queue`. Returns a result the caller clears.
    private func execParams(_ sql: String, _ params: [String?]) throws(PostgresError) -> OpaquePointer {
        // A FETCH sent ahead (a cursor closed or given up after a full batch) must be read first.
        if fetchAhead, let r = try? takeSentResult() { tpq_clear(r) }
        let res: OpaquePointer? =
            if params.isEmpty {
                tpq_execParams(conn, sql, 0, nil, nil, nil, nil, 0)
            } else {
                Self.withCStrings(params) { values in
                    tpq_execParams(conn, sql, Int32(params.count), nil, values, nil, nil, 0)
                }
            }
        guard let res else { throw PostgresError(message: Self.trimmed(tpq_errorMessage(conn))) }
        return try Self.checked(res, conn: conn)
    }

    /// `res` if it succeeded; otherwise clears it and throws its error.
    private static func checked(_ res: OpaquePointer, conn: OpaquePointer) throws(PostgresError) -> OpaquePointer {
        switch tpq_resultStatus(res) {
        case Int32(TPQ_PGRES_COMMAND_OK), Int32(TPQ_PGRES_TUPLES_OK), Int32(TPQ_PGRES_EMPTY_QUERY):
            return res
        default:
            let error = error(from: res, conn: conn)
            tpq_clear(res)
            throw error
        }
    }

    private static func withCStrings<R>(_ values: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = values.map { $0.map { strdup($0) } ?? nil }
        defer { for p in copies { free(p) } }
        return copies.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: UnsafePointer<CChar>?.self) { body($0.baseAddress!) }
        }
    }

    static func error(from res: OpaquePointer, conn: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let p = tpq_resultErrorField(res, code) else { return nil }
            return String(cString: p)
        }
        let primary = field(Int32(UInt8(ascii: "M")))
        return PostgresError(
            sqlState: field(Int32(UInt8(ascii: "C"))),
            message: primary.map { "\(field(Int32(UInt8(ascii: "S"))) ?? "ERROR"): \($0)" }
                ?? trimmed(tpq_errorMessage(conn)),
            detail: field(Int32(UInt8(ascii: "D"))), hint: field(Int32(UInt8(ascii: "H"))),
            context: field(Int32(UInt8(ascii: "W"))), column: field(Int32(UInt8(ascii: "c"))))
    }

    static func trimmed(_ p: UnsafePointer<CChar>?) -> String {
        guard let p else { return "unknown libpq error" }
        var s = String(cString: p)
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}

import Synchronization

/// A `COPY … FROM STDIN` in progress (`PostgresConnection.beginCopyIn`). `send` does not wait: the data
/// goes to the server from the connection's own thread, in order, while the caller builds the next part.
/// Nothing else may use the connection until `finish` returned.
public final class PostgresCopyIn: Sendable {
    private let connection: PostgresConnection
    /// Set on the connection's thread when data could not be sent; later data is dropped.
    let failed = Mutex(false)

    init(connection: PostgresConnection) { self.connection = connection }

    /// Queues rows (COPY text format, whole lines or not) for the server.
    public func send(_ data: [UInt8]) {
        guard !data.isEmpty else { return }
        connection.putCopyData(data, for: self)
    }

    /// Ends the COPY once everything sent has gone out; throws the server's error (a bad value, a
    /// constraint violation, with its line) or the connection's.
    public func finish() async throws(PostgresError) {
        try await connection.endCopy(self)
    }

    /// Ends the COPY as failed (the caller could not build the rest): the server discards it, and the
    /// transaction is then aborted, as after any failed statement.
    public func abort(_ reason: String) async {
        try? await connection.endCopy(self, abort: reason)
    }
}

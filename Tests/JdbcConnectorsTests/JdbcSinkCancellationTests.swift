import ConnectAPI
import ConnectTestKit
import Foundation
import PostgresClient
import Testing

@testable import JdbcConnectors

/// Cancelling the Swift task that runs a sink's write (a worker giving up on a task that does not stop)
/// reaches the database: the blocked statement is cancelled on the server and its transaction rolled
/// back. Against the real local PostgreSQL, with the table locked by another session so the write waits.
@Suite(.serialized, .timeLimit(.minutes(1))) struct JdbcSinkCancellationTests {
    let schema = "cancel_\(UUID().uuidString.prefix(8).lowercased())"

    /// Hands the harness to the task that runs the write; the test touches it again only after that task
    /// ended.
    struct Handle: @unchecked Sendable { let harness: SinkTaskHarness }

    static let row = Schema(
        type: .struct, name: "Row",
        fields: [
            Field(name: "id", index: 0, schema: Schema(type: .int32)),
            Field(name: "name", index: 1, schema: Schema(type: .string)),
        ])

    static func records(_ ids: Range<Int>) -> [SinkRecord] {
        ids.map { i in
            SinkRecord(
                topic: "rows", kafkaPartition: 0, kafkaOffset: Int64(i), keySchema: nil, key: .null,
                valueSchema: row, value: .struct(Struct(schema: row, values: [.int32(Int32(i)), .string("r\(i)")])),
                timestamp: nil)
        }
    }

    func database() async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            try PostgresConnectInfo.jdbc(
                try ServiceEnvironment.value("PG_JDBC_URL"), user: try ServiceEnvironment.value("PG_USER"),
                password: try ServiceEnvironment.value("PG_PASSWORD")))
    }

    func sinkTask(_ extra: [String: String] = [:], tolerateErrors: Bool = false) async throws -> SinkTaskHarness {
        let config = [
            "connection.url": try ServiceEnvironment.value("PG_JDBC_URL"),
            "connection.user": try ServiceEnvironment.value("PG_USER"),
            "connection.password": try ServiceEnvironment.value("PG_PASSWORD"),
            "topics": "rows", "table.name.format": "\(schema).${topic}", "pk.mode": "record_value",
            "pk.fields": "id",
        ].merging(extra) { $1 }
        return try await ConnectorHarness(JdbcSinkConnector.plugin).sinkTask(
            config, partitions: [TopicPartition("rows", 0)], tolerateErrors: tolerateErrors)
    }

    /// Creates the table, locks it from another session, runs `write` in a task of its own, and once the
    /// sink's statement waits for the lock cancels that task, then releases the lock. Returns what the
    /// task ended with and the ids in the table after.
    func cancelWhileBlocked(
        _ harness: SinkTaskHarness, _ write: @escaping @Sendable (SinkTaskHarness) async throws -> Void
    )
        async throws -> (Result<Void, any Error>, [String])
    {
        let db = try await database()
        let locker = try await database()
        try await locker.execute("BEGIN")
        try await locker.execute("LOCK TABLE \(schema).rows IN ACCESS EXCLUSIVE MODE")
        let handle = Handle(harness: harness)
        let running = Task { try await write(handle.harness) }
        // The sink's backend waits for the locker's lock.
        while try await db.query(
            """
            SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE NOT l.granted AND c.relname = 'rows' AND c.relnamespace = '\(schema)'::regnamespace
            """
        ).rows.first?[0] != "1" {
            try await Task.sleep(for: .milliseconds(20))
        }
        running.cancel()
        let outcome = await running.result
        try await locker.execute("COMMIT")
        let ids = try await db.query("SELECT id FROM \(schema).rows ORDER BY id").rows.map { $0[0] ?? "NULL" }
        await locker.close()
        await db.close()
        return (outcome, ids)
    }

    func withTable(_ body: () async throws -> Void) async throws {
        let db = try await database()
        try await db.execute("CREATE SCHEMA \(schema)")
        try await db.execute("CREATE TABLE \(schema).rows (id INTEGER PRIMARY KEY, name TEXT)")
        do { try await body() } catch {
            try? await db.execute("DROP SCHEMA \(schema) CASCADE")
            await db.close()
            throw error
        }
        try await db.execute("DROP SCHEMA \(schema) CASCADE")
        await db.close()
    }

    /// The usual pipelined write: the put's transaction runs while the worker goes on, and the next put
    /// waits for it. Cancelling the task waiting there cancels the statement and rolls back the batch.
    @Test func cancellingTheWaitingPutRollsBackTheWriteInFlight() async throws {
        try await withTable {
            let task = try await sinkTask()
            let (outcome, ids) = try await cancelWhileBlocked(task) { h in
                try await h.put(Self.records(0..<3))
                try await h.put(Self.records(3..<5))
            }
            #expect(throws: CancellationError.self) { try outcome.get() }
            #expect(ids == [])
            try await task.stop()
        }
    }

    /// Under errors.tolerance=all the put writes synchronously: the put itself ends with the cancellation,
    /// and no record of it goes to the dead-letter queue.
    @Test func cancellingASynchronousPutRollsItBackAndReportsNothing() async throws {
        try await withTable {
            let task = try await sinkTask(["errors.tolerance": "all"], tolerateErrors: true)
            let (outcome, ids) = try await cancelWhileBlocked(task) { h in
                try await h.put(Self.records(0..<3))
            }
            #expect(throws: CancellationError.self) { try outcome.get() }
            #expect(ids == [])
            #expect(task.reported.isEmpty)
            try await task.stop()
        }
    }

    /// After the cancelled write the task's next put writes through a new connection.
    @Test func aPutAfterTheCancelledOneWrites() async throws {
        try await withTable {
            let task = try await sinkTask()
            _ = try await cancelWhileBlocked(task) { h in
                try await h.put(Self.records(0..<3))
                try await h.commit()
            }
            try await task.put(Self.records(0..<2))
            try await task.commit()
            let db = try await database()
            #expect(try await db.query("SELECT id FROM \(schema).rows ORDER BY id").rows == [["0"], ["1"]])
            await db.close()
            try await task.stop()
        }
    }
}

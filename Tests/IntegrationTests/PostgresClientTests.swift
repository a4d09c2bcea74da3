import Dispatch
import Testing

@testable import PostgresClient

#if canImport(Glibc)
    import Glibc
#endif

/// Against the real local PostgreSQL (dev/services.sh). In CI a missing server fails the suite.
@Suite struct PostgresClientTests {
    static func env(_ name: String) throws -> String {
        if let p = getenv(name) { return String(cString: p) }
        struct Missing: Error, CustomStringConvertible { let description: String }
        throw Missing(description: "\(name) is not set: run dev/test.sh")
    }

    static func connect(password: String? = nil) async throws -> PostgresConnection {
        let info = try PostgresConnectInfo.jdbc(
            try env("PG_JDBC_URL"), user: try env("PG_USER"), password: try password ?? env("PG_PASSWORD"))
        return try await PostgresConnection.connect(info)
    }

    @Test func jdbcURLsMapToLibpqKeywords() throws {
        let a = try PostgresConnectInfo.jdbc(
            "jdbc:postgresql://db1:5433,[::1]/shop%20db?sslmode=require&currentSchema=app&ApplicationName=x&reWriteBatchedInserts=true",
            user: "u", password: "p", properties: [("sslmode", "disable"), ("tcpKeepAlive", "true")])
        #expect(a["host"] == "db1,::1")
        #expect(a["port"] == "5433,5432")
        #expect(a["dbname"] == "shop db")
        #expect(a["sslmode"] == "require")  // the URL wins over the property
        #expect(a["options"] == "-c search_path=app")
        #expect(a["application_name"] == "x")
        #expect(a["keepalives"] == "1")
        #expect(a["user"] == "u" && a["password"] == "p")
        #expect(a["connect_timeout"] == "10")
        #expect(a.ignored == ["reWriteBatchedInserts"])
        #expect(!a.redacted.contains("=p ") && a.redacted.contains("password=[hidden]"))

        let b = try PostgresConnectInfo.jdbc("jdbc:postgresql:cta?ssl=true&password=secret")
        #expect(b["host"] == "localhost" && b["dbname"] == "cta" && b["sslmode"] == "verify-full")
        #expect(
            PostgresConnectInfo.redactURL("jdbc:postgresql:cta?ssl=true&password=secret").hasSuffix("password=[hidden]")
        )

        // TLS keys reach libpq; the key's password is a secret like the login's.
        let tls = try PostgresConnectInfo.jdbc(
            "jdbc:postgresql://db/x?sslmode=verify-full&sslrootcert=/ca.pem&sslcert=/c.pem&sslkey=/k.pem&sslpassword=kp"
        )
        #expect(tls["sslmode"] == "verify-full" && tls["sslrootcert"] == "/ca.pem" && tls["sslkey"] == "/k.pem")
        #expect(tls.redacted.contains("sslpassword=[hidden]") && !tls.redacted.contains("kp"))
        #expect(
            PostgresConnectInfo.redactURL("jdbc:postgresql://db/x?sslpassword=kp&a=1").hasSuffix(
                "sslpassword=[hidden]&a=1"))
        let hint = PostgresConnection.tlsHint(
            "server certificate for \"localhost\" does not match host name \"127.0.0.1\"", tls)
        #expect(hint.contains("sslmode=verify-full checks that the server's certificate names the host"))
        #expect(PostgresConnection.tlsHint("password authentication failed", tls).isEmpty)

        #expect(throws: PostgresError.self) { try PostgresConnectInfo.jdbc("jdbc:mysql://h/db") }
        #expect(throws: PostgresError.self) { try PostgresConnectInfo.jdbc("jdbc:postgresql://h:99999/db") }
    }

    @Test func parameterisedQueriesNeverInterpolate() async throws {
        let c = try await Self.connect()
        let hostile = "x'); DROP TABLE t; --"
        let r = try await c.query(
            "SELECT $1::text AS v, $2::int8 + 1 AS n, $3::text IS NULL AS isnull", [hostile, "41", nil])
        #expect(r.rows == [[hostile, "42", "t"]])
        #expect(r.columns.map(\.name) == ["v", "n", "isnull"])
        #expect(r.columns.map(\.typeOID) == [25, 20, 16])
        await c.close()
    }

    @Test func errorsCarrySQLStateAndServerMessage() async throws {
        let c = try await Self.connect()
        do {
            _ = try await c.query("SELECT * FROM no_such_table_xyz")
            Issue.record("expected an error")
        } catch {
            #expect(error.sqlState == "42P01")
            #expect(error.description == #"ERROR: relation "no_such_table_xyz" does not exist (SQLSTATE 42P01)"#)
            #expect(!error.isTransient)
        }
        await c.close()
        do {
            _ = try await Self.connect(password: "wrong")
            Issue.record("expected an error")
        } catch let e as PostgresError {
            #expect(e.sqlState == "28P01")
            #expect(e.message.contains("password authentication failed"))
        }
    }

    @Test func cursorStreamsRowsInBatches() async throws {
        let c = try await Self.connect()
        let cursor = try await c.openCursor(
            "SELECT g AS id, 'row ' || g AS name, (g * 1.5)::numeric(10,2) AS amount FROM generate_series(1, $1::int) g",
            ["2500"])
        var batches: [Int] = []
        var last = ""
        while true {
            let (n, lastName, columns) = try await cursor.fetch(1000) { b in
                (b.count, b.count > 0 ? b.string(b.count - 1, 1) ?? "" : "", b.columns)
            }
            if n == 0 { break }
            batches.append(n)
            last = lastName
            #expect(columns[2].numericPrecisionScale! == (10, 2))
        }
        try await cursor.close()
        #expect(batches == [1000, 1000, 500])
        #expect(last == "row 2500")
        // The transaction is over: the connection takes new statements.
        #expect(try await c.query("SELECT 1").rows == [["1"]])
        await c.close()
    }

    @Test func cancelInterruptsARunningStatement() async throws {
        let c = try await Self.connect()
        async let slow: PostgresResult = c.query("SELECT pg_sleep(30)")
        // Cancel once the server shows the statement running.
        let watcher = try await Self.connect()
        while try await watcher.query(
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'"
        ).rows[0][0] != "1" {}
        c.cancel()
        do {
            _ = try await slow
            Issue.record("expected the statement to be cancelled")
        } catch let e as PostgresError {
            #expect(e.sqlState == "57014")
        }
        await watcher.close()
        await c.close()
    }

    /// `close()` lets the statement in progress finish, then closes: what comes after fails, and a
    /// cancel request finds nothing to send.
    @Test func closeWaitsForTheStatementInProgress() async throws {
        // The statement waits on an advisory lock the watcher holds, so it is still running, whatever
        // the machine's load, until the watcher lets it go.
        let watcher = try await Self.connect()
        _ = try await watcher.query("SELECT pg_advisory_lock(7022)")
        let c = try await Self.connect()
        async let slow: PostgresResult = c.query("SELECT pg_advisory_xact_lock(7022)::text AS locked, 7 AS done")
        while try await watcher.query(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_advisory_xact_lock(7022)%' AND wait_event_type = 'Lock'"
        ).rows[0][0] != "1" {}
        async let closed: Void = c.close()
        _ = try await watcher.query("SELECT pg_advisory_unlock(7022)")
        #expect(try await slow.rows == [["", "7"]])
        await closed
        await #expect(throws: PostgresError.self) { try await c.query("SELECT 1") }
        c.cancel()
        await c.close()
        await watcher.close()
    }

    /// A cancel request waiting for the server's answer holds up neither `close()` nor the connection's
    /// statements, and the PGcancel it uses outlives the connection until the request ends. (A
    /// regression hangs: the time limit turns it into a failure.)
    @Test(.timeLimit(.minutes(1))) func closeDoesNotWaitForACancelRequestInFlight() async throws {
        let proxy = try StallingProxy(to: try #require(UInt16(try Self.env("PG_PORT"))))
        let database = try #require(try Self.env("PG_JDBC_URL").split(separator: "/").last)
        let info = try PostgresConnectInfo.jdbc(
            "jdbc:postgresql://127.0.0.1:\(proxy.port)/\(database)?sslmode=disable", user: try Self.env("PG_USER"),
            password: try Self.env("PG_PASSWORD"))
        let c = try await PostgresConnection.connect(info)
        let (cancelEnded, endCancel) = AsyncStream<Void>.makeStream()
        DispatchQueue.global().async {
            c.cancel()
            endCancel.finish()
        }
        await proxy.connectionStalled()
        // The cancel request now waits for an answer that comes only after `release()`.
        #expect(try await c.query("SELECT 1").rows == [["1"]])
        await c.close()
        proxy.release()
        for await _ in cancelEnded {}
        proxy.stop()
    }

    /// The PGcancel is freed once: by `retire` when no request holds it, else by the last `release`.
    @Test func cancellerFreesItsHandleAfterTheLastHold() throws {
        let pointer = try #require(OpaquePointer(bitPattern: 0x10))
        var unheld = Canceller(handle: pointer)
        #expect(unheld.retire() == pointer)
        #expect(unheld.hold() == nil)

        var held = Canceller(handle: pointer)
        #expect(held.hold() == pointer)
        #expect(held.hold() == pointer)
        #expect(held.retire() == nil)
        #expect(held.hold() == nil)
        #expect(held.release() == nil)
        #expect(held.release() == pointer)
    }
}

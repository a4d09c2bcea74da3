import ConnectAPI
import Testing

@testable import JdbcConnectors

/// The source's queries against confluentinc/kafka-connect-jdbc
/// src/test/java/io/confluent/connect/jdbc/source/TimestampIncrementingCriteriaTest.java (the WHERE clauses
/// of each mode). Upstream's table has no schema (`"myTable"."id"`); ours has one, and our parameters
/// are libpq's `$n` where JDBC's are `?`.
struct SourceQueryTests {
    func querier(_ extra: [String: String], table: TableId? = TableId(schema: "public", table: "myTable"))
        throws -> TableQuerier
    {
        var raw = ["connection.url": "jdbc:postgresql://localhost/db", "topic.prefix": "t-"]
        if table == nil { raw["query"] = "SELECT * FROM myTable" }
        let config = try JdbcSourceConfig(raw.merging(extra) { $1 })
        return TableQuerier(table: table, config: config, stored: nil)
    }

    func sql(_ extra: [String: String], table: TableId? = TableId(schema: "public", table: "myTable")) throws
        -> String
    {
        try querier(extra, table: table).statement(incrementingColumn: "id", dbNow: (0, 0)).0
    }

    // TimestampIncrementingCriteriaTest createIncrementingWhereClause
    @Test func incrementingWhereClause() throws {
        let inc = ["mode": "incrementing", "incrementing.column.name": "id"]
        #expect(
            try sql(inc)
                == "SELECT * FROM \"public\".\"myTable\" WHERE \"public\".\"myTable\".\"id\" > $1 ORDER BY \"public\".\"myTable\".\"id\" ASC"
        )
        #expect(
            try sql(inc.merging(["quote.sql.identifiers": "never"]) { $1 })
                == "SELECT * FROM public.myTable WHERE public.myTable.id > $1 ORDER BY public.myTable.id ASC")
        // A custom query has no table to qualify the column with (TimestampIncrementingTableQuerier).
        #expect(
            try sql(inc, table: nil) == "SELECT * FROM myTable WHERE \"id\" > $1 ORDER BY \"id\" ASC")
    }

    // TimestampIncrementingCriteriaTest createTimestampWhereClause
    @Test func timestampWhereClause() throws {
        let ts = ["mode": "timestamp", "timestamp.column.name": "ts1,ts2"]
        let c = "COALESCE(\"public\".\"myTable\".\"ts1\",\"public\".\"myTable\".\"ts2\")"
        #expect(
            try sql(ts) == "SELECT * FROM \"public\".\"myTable\" WHERE \(c) > $1 AND \(c) < $2 ORDER BY \(c) ASC")
        let bare = "COALESCE(public.myTable.ts1,public.myTable.ts2)"
        #expect(
            try sql(ts.merging(["quote.sql.identifiers": "never"]) { $1 })
                == "SELECT * FROM public.myTable WHERE \(bare) > $1 AND \(bare) < $2 ORDER BY \(bare) ASC")
        // One column needs no COALESCE.
        #expect(
            try sql(["mode": "timestamp", "timestamp.column.name": "ts1"])
                == "SELECT * FROM \"public\".\"myTable\" WHERE \"public\".\"myTable\".\"ts1\" > $1 AND \"public\".\"myTable\".\"ts1\" < $2 ORDER BY \"public\".\"myTable\".\"ts1\" ASC"
        )
    }

    // TimestampIncrementingCriteriaTest createTimestampIncrementingWhereClause
    @Test func timestampIncrementingWhereClause() throws {
        let both = [
            "mode": "timestamp+incrementing", "timestamp.column.name": "ts1,ts2", "incrementing.column.name": "id",
        ]
        let c = "COALESCE(\"public\".\"myTable\".\"ts1\",\"public\".\"myTable\".\"ts2\")"
        let id = "\"public\".\"myTable\".\"id\""
        #expect(
            try sql(both)
                == "SELECT * FROM \"public\".\"myTable\" WHERE \(c) < $1 AND ((\(c) = $2 AND \(id) > $3) OR \(c) > $4) ORDER BY \(c),\(id) ASC"
        )
        let bare = "COALESCE(public.myTable.ts1,public.myTable.ts2)"
        #expect(
            try sql(both.merging(["quote.sql.identifiers": "never"]) { $1 })
                == "SELECT * FROM public.myTable WHERE \(bare) < $1 AND ((\(bare) = $2 AND public.myTable.id > $3) OR \(bare) > $4) ORDER BY \(bare),public.myTable.id ASC"
        )
    }

    // TimestampIncrementingCriteriaTest (the parameters bound to the clauses above): the last offset, the
    // upper bound (database time − timestamp.delay.interval.ms) as wall time in db.timezone.
    @Test func parametersOfTheTimestampIncrementingClause() throws {
        let q = try querier([
            "mode": "timestamp+incrementing", "timestamp.column.name": "ts1", "incrementing.column.name": "id",
            "timestamp.delay.interval.ms": "1000",
        ])
        let (_, params) = q.statement(incrementingColumn: "id", dbNow: (millis: 176_400, nanos: 400_000_000))
        #expect(
            params == [
                "1970-01-01 00:02:55.400000+00:00", "1970-01-01 00:00:00.000000+00:00", "-1",
                "1970-01-01 00:00:00.000000+00:00",
            ])
    }
}

import ConnectAPI
import Testing

@testable import OperatorCLI

/// The tables of `tributary connectors list` and `status`.
@Suite struct TableTests {
    @Test func columnsAreAlignedWithoutTrailingBlanks() {
        var t = Table(["NAME", "STATE", "WORKER"])
        t.append(["a", "RUNNING", "w1:8083"])
        t.append(["longer-name", "", "w2"])
        #expect(
            t.render() == """
                NAME          STATE     WORKER
                a             RUNNING   w1:8083
                longer-name             w2

                """)
    }

    static let expanded = try! JSONParser.parse(
        #"""
        {"sink":{"status":{"name":"sink","connector":{"state":"RUNNING","worker_id":"10.0.0.2:8083"},
          "tasks":[{"id":0,"state":"RUNNING","worker_id":"10.0.0.2:8083"},
                   {"id":1,"state":"FAILED","worker_id":"10.0.0.3:8083","trace":"org.apache.kafka.connect.errors.ConnectException: table gone\n\tat x"}],
          "type":"sink"}},
         "db-source":{"status":{"name":"db-source","connector":{"state":"PAUSED","worker_id":"10.0.0.3:8083"},
          "tasks":[{"id":0,"state":"PAUSED","worker_id":"10.0.0.3:8083"},{"id":1,"state":"PAUSED","worker_id":"10.0.0.2:8083"}],
          "type":"source"}},
         "idle":{"status":{"name":"idle","connector":{"state":"STOPPED","worker_id":"10.0.0.2:8083"},"tasks":[],"type":"source"}}}
        """#)

    @Test func listHasOneLinePerConnectorSortedByName() {
        let rows = ConnectorStatus.all(expanded: Self.expanded)
        #expect(rows.map(\.name) == ["db-source", "idle", "sink"])
        #expect(
            ConnectorStatus.listTable(rows) == """
                NAME        TYPE     STATE     TASKS                 WORKER
                db-source   source   PAUSED    2 PAUSED              10.0.0.3:8083
                idle        source   STOPPED   0                     10.0.0.2:8083
                sink        sink     RUNNING   1 RUNNING, 1 FAILED   10.0.0.2:8083

                """)
    }

    @Test func statusShowsTasksAndTheFirstLineOfEachFailure() {
        let rows = ConnectorStatus.all(expanded: Self.expanded).filter { $0.name == "sink" }
        #expect(
            ConnectorStatus.statusTable(rows) == """
                NAME       TYPE   STATE     TASKS                 WORKER
                sink       sink   RUNNING   1 RUNNING, 1 FAILED   10.0.0.2:8083
                  task 0          RUNNING                         10.0.0.2:8083
                  task 1          FAILED                          10.0.0.3:8083

                sink task 1: FAILED: org.apache.kafka.connect.errors.ConnectException: table gone

                """)
    }
}

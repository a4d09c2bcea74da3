import ConnectAPI
import Testing

@testable import OperatorCLI

/// The plan `tributary apply` prints before it changes anything.
@Suite struct ApplyPlanTests {
    let source = ["name": "src", "connector.class": "FileStreamSource", "topic": "t", "file": "/tmp/a"]

    @Test func createsUpdatesAndUnchanged() {
        var changed = source
        changed["name"] = "changed"
        let plan = ApplyPlan.compute(
            desired: [
                ("new", ["name": "new", "connector.class": "DataGen"], nil), ("src", source, nil),
                ("changed", changed.merging(["topic": "t2", "tasks.max": "2"]) { _, n in n }, nil),
            ],
            current: ["src": source, "changed": changed.merging(["batch.size": "10"]) { _, n in n }],
            deleteMissing: false)
        #expect(plan.items.map(\.name) == ["new", "src", "changed"])
        #expect(plan.items.map(\.action) == [.create, .unchanged, .update])
        #expect(
            plan.items[2].changes == [
                .init(key: "batch.size", kind: .removed, old: "10", new: nil, secret: false),
                .init(key: "tasks.max", kind: .added, old: nil, new: "2", secret: false),
                .init(key: "topic", kind: .changed, old: "t", new: "t2", secret: false),
            ])
        #expect(!plan.isEmpty)
        #expect(
            plan.render() == """
                Plan: 1 to create, 1 to update, 1 unchanged, 0 to delete
                  + new (create)
                  = src (unchanged)
                  ~ changed (update)
                      - batch.size: 10
                      + tasks.max: 2
                      ~ topic: t -> t2

                """)
    }

    @Test func connectorsNotInTheFileAreLeftAloneUnlessDeleteMissing() {
        let current = ["src": source, "other": ["name": "other"]]
        let kept = ApplyPlan.compute(desired: [("src", source, nil)], current: current, deleteMissing: false)
        #expect(kept.items.map(\.action) == [.unchanged, .leave])
        #expect(kept.isEmpty)
        #expect(kept.render().contains("  ? other (not in the file: left alone; --delete-missing deletes it)\n"))
        let deleted = ApplyPlan.compute(desired: [("src", source, nil)], current: current, deleteMissing: true)
        #expect(deleted.items.map(\.action) == [.unchanged, .delete])
        #expect(deleted.count(.delete) == 1)
        #expect(deleted.render().hasPrefix("Plan: 0 to create, 0 to update, 1 unchanged, 1 to delete\n"))
    }

    /// The REST API hides secrets: a secret in clear cannot be compared, so it is sent again; its value
    /// is never printed. A placeholder is stored as written and compares exactly.
    @Test func secretsAreNeverPrintedAndHiddenOnesAreSentAgain() {
        let desired = ["name": "db", "connection.password": "s3cret", "connection.user": "${env:PG_USER}"]
        let shown = ["name": "db", "connection.password": "[hidden]", "connection.user": "${env:PG_USER}"]
        let plan = ApplyPlan.compute(desired: [("db", desired, nil)], current: ["db": shown], deleteMissing: false)
        #expect(plan.items[0].action == .update)
        #expect(plan.items[0].changes.map(\.key) == ["connection.password"])
        let text = plan.render()
        #expect(text.contains("~ connection.password: [hidden] (the worker hides secrets: it is sent again)"))
        #expect(!text.contains("s3cret"))
        #expect(!JSONWriter.string(plan.json).contains("s3cret"))

        // A secret key (PASSWORD-typed on the worker) added or changed in the file: the value is hidden.
        let added = ApplyPlan.compute(
            desired: [("db", ["name": "db", "sasl.password": "p2", "token": "t"], nil)],
            current: ["db": ["name": "db", "token": "old"]], deleteMissing: false,
            isSecret: { c, k in c == "db" && (k == "sasl.password" || k == "token") })
        #expect(added.render().contains("+ sasl.password: [hidden]"))
        #expect(added.render().contains("~ token: [hidden] -> [hidden]"))
        #expect(!added.render().contains("p2"))
    }

    @Test func initialStateIsShownForCreates() {
        let plan = ApplyPlan.compute(desired: [("p", ["name": "p"], "PAUSED")], current: [:], deleteMissing: false)
        #expect(plan.items[0].initialState == "PAUSED")
        #expect(plan.render().contains("  + p (create, initial state PAUSED)\n"))
    }

    @Test func planJSONNamesEveryAction() throws {
        let plan = ApplyPlan.compute(
            desired: [("a", ["name": "a", "x": "1"], nil)], current: ["a": ["name": "a", "x": "2"], "b": [:]],
            deleteMissing: true)
        #expect(
            JSONWriter.string(plan.json)
                == #"[{"name":"a","action":"update","changes":[{"key":"x","change":"changed","old":"2","new":"1"}]},{"name":"b","action":"delete"}]"#
        )
    }
}

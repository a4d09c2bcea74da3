import Testing

@testable import ConnectRuntime

/// KIP-158 groups, with the cases of Kafka's `TopicCreationTest` and `SourceConnectorConfigTest`.
@Suite struct TopicCreationTests {
    let sizes = ["topic.creation.default.replication.factor": "-1", "topic.creation.default.partitions": "-1"]

    func parse(_ extra: [String: String]) throws(TopicCreation.Problem) -> TopicCreation {
        try TopicCreation.parse(sizes.merging(extra) { _, new in new })
    }

    @Test func isUsedByAnyTopicCreationKey() {
        #expect(!TopicCreation.isUsed(by: ["name": "foo-source", "connector.class": "X"]))
        #expect(TopicCreation.isUsed(by: ["topic.creation.groups": ""]))
        #expect(TopicCreation.isUsed(by: sizes))
    }

    @Test func defaultGroupMatchesEverythingAndIgnoresItsIncludeAndExclude() throws {
        // withDefaultTopicCreation
        let t = try parse(["topic.creation.default.include": ".*foo.*", "topic.creation.default.exclude": ".*bar.*"])
        #expect(t.groups.isEmpty)
        #expect(
            t.defaultGroup.matches(" ") && t.defaultGroup.matches("foo-topic") && t.defaultGroup.matches("bar-topic"))
        let n = t.defaultGroup.newTopic("foo-topic")
        #expect(n.partitions == -1 && n.replicationFactor == -1 && n.config.isEmpty)
    }

    @Test func defaultGroupWithTopicConfigs() throws {
        // topicCreationWithDefaultGroupAndCustomProps, shouldAllowSettingTopicProperties
        let t = try parse([
            "topic.creation.default.replication.factor": "3", "topic.creation.default.partitions": "5",
            "topic.creation.default.compression.type": "lz4", "topic.creation.default.retention.ms": "2592000000",
        ])
        let n = t.group(for: "any").newTopic("any")
        #expect(n.partitions == 5 && n.replicationFactor == 3)
        #expect(n.config.map(\.0) == ["compression.type", "retention.ms"])
        #expect(n.config.map(\.1) == ["lz4", "2592000000"])
    }

    @Test func groupsWithoutIncludeMatchNothing() throws {
        // testTopicCreationWhenTopicCreationIsEnabled
        let t = try parse(["topic.creation.groups": "foo,bar"])
        #expect(t.groups.map(\.name) == ["foo", "bar"])
        #expect(t.group(for: "foo-topic").name == "default")
    }

    @Test func oneGroupInheritsTheDefaultSizesOnly() throws {
        // topicCreationWithOneGroup
        let t = try parse([
            "topic.creation.groups": "foo", "topic.creation.default.partitions": "5",
            "topic.creation.foo.include": ".*foo.*", "topic.creation.foo.exclude": ".*bar.*",
            "topic.creation.foo.replication.factor": "3", "topic.creation.foo.cleanup.policy": "compact",
        ])
        let foo = t.groups[0]
        #expect(foo.matches("foo-topic") && !foo.matches(" ") && !foo.matches("bar-topic"))
        let bar = t.group(for: "bar-topic").newTopic("bar-topic")
        #expect(bar.replicationFactor == -1 && bar.partitions == 5 && bar.config.isEmpty)
        let f = t.group(for: "foo-topic").newTopic("foo-topic")
        #expect(f.replicationFactor == 3 && f.partitions == 5)
        #expect(f.config.map(\.0) == ["cleanup.policy"])
        // Exclusion wins inside a group: foo-bar is excluded from foo and falls to the default group.
        #expect(t.group(for: "foo-bar").name == "default")
    }

    @Test func combinedRegexAndTwoGroupsInOrder() throws {
        // topicCreationWithOneGroupAndCombinedRegex
        let one = try parse(["topic.creation.groups": "foo", "topic.creation.foo.include": ".*foo.*|.*bar.*"])
        #expect(one.groups[0].matches("foo-topic") && one.groups[0].matches("bar-topic"))
        // topicCreationWithTwoGroups
        let t = try parse([
            "topic.creation.groups": "foo, bar", "topic.creation.default.partitions": "5",
            "topic.creation.foo.include": "foo-topic", "topic.creation.foo.replication.factor": "3",
            "topic.creation.foo.retention.ms": "2592000000",
            "topic.creation.bar.include": ".*bar.*", "topic.creation.bar.partitions": "1",
            "topic.creation.bar.cleanup.policy": "compact",
        ])
        let other = t.group(for: "any-other-topic").newTopic("any-other-topic")
        #expect(other.replicationFactor == -1 && other.partitions == 5 && other.config.isEmpty)
        let foo = t.group(for: "foo-topic").newTopic("foo-topic")
        #expect(foo.replicationFactor == 3 && foo.partitions == 5 && foo.config.map(\.0) == ["retention.ms"])
        let bar = t.group(for: "bar-topic").newTopic("bar-topic")
        #expect(bar.replicationFactor == -1 && bar.partitions == 1 && bar.config.map(\.0) == ["cleanup.policy"])
        // Whole-name matches: the literal foo-topic does not match foo-topic-2.
        #expect(t.group(for: "foo-topic-2").name == "default")
        // A listed "default" is allowed and not a named group.
        #expect(try parse(["topic.creation.groups": "default,foo"]).groups.map(\.name) == ["foo"])
    }

    @Test func kafkasMessagesForBadConfigs() {
        func problem(_ config: [String: String]) -> TopicCreation.Problem? {
            do {
                _ = try TopicCreation.parse(config)
                return nil
            } catch { return error }
        }
        #expect(
            problem(["topic.creation.default.partitions": "1"])
                == .init(
                    key: "topic.creation.default.replication.factor",
                    message:
                        "Missing required configuration \"topic.creation.default.replication.factor\" which has no default value."
                ))
        #expect(
            problem(["topic.creation.default.replication.factor": "1"])?.message
                == "Missing required configuration \"topic.creation.default.partitions\" which has no default value.")
        for bad in ["0", "-2", "-99"] {
            #expect(
                problem(sizes.merging(["topic.creation.default.partitions": bad]) { _, n in n })?.message
                    == "Invalid value \(bad) for configuration partitions: Number of partitions must be positive, or -1 to use the broker's default"
            )
            #expect(
                problem(sizes.merging(["topic.creation.default.replication.factor": bad]) { _, n in n })?.message
                    == "Invalid value \(bad) for configuration replication.factor: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"
            )
        }
        #expect(
            problem(sizes.merging(["topic.creation.default.partitions": "many"]) { _, n in n })?.message
                == "Invalid value many for configuration topic.creation.default.partitions: Not a number of type INT")
        #expect(
            problem(sizes.merging(["topic.creation.groups": "g1, g2, g1"]) { _, n in n })?.message
                == "Invalid value [g1, g2, g1] for configuration topic.creation.groups: Duplicate alias provided.")
        let regex = problem(
            sizes.merging(["topic.creation.groups": "g", "topic.creation.g.include": "["]) { _, n in n })
        #expect(regex?.key == "topic.creation.g.include")
        #expect(
            regex?.message.hasPrefix("Invalid value [[] for configuration include: Syntax error in regular expression:")
                == true)
        // Every size from 1 and -1 is allowed.
        for i in [1, 2, 100] {
            #expect(
                problem([
                    "topic.creation.default.replication.factor": "-1", "topic.creation.default.partitions": "\(i)",
                ]) == nil)
            #expect(
                problem([
                    "topic.creation.default.replication.factor": "\(i)", "topic.creation.default.partitions": "-1",
                ]) == nil)
        }
    }
}

import ConnectAPI
import KafkaClient

/// Topic creation for source connectors (KIP-158), as Kafka Connect's `TopicCreation` and
/// `TopicCreationGroup`: the `topic.creation.default.*` group and the groups named in
/// `topic.creation.groups`, matched in that order by `include`/`exclude` regular expressions on the
/// whole topic name (after transformations), each with its partitions, replication factor and other
/// topic configs. A named group inherits only the default group's sizes.
///
/// Used when the worker has `topic.creation.enable=true` and the connector sets any `topic.creation.`
/// key; otherwise topics are left to exist already or to the broker's auto-creation.
public struct TopicCreation: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public let name: String
        /// Kafka joins a group's patterns with `|`; an empty list matches no topic name (but the empty one).
        public let include: String
        public let exclude: String
        /// -1: the broker's default.
        public let partitions: Int32
        public let replicationFactor: Int16
        /// Other topic configs (`cleanup.policy`, `retention.ms`...), sorted by key.
        public let configs: [String: String]

        /// Whole-name matches, as Java's `Matcher.matches()`.
        public func matches(_ topic: String) -> Bool {
            !Self.wholeMatch(exclude, topic) && Self.wholeMatch(include, topic)
        }

        static func wholeMatch(_ pattern: String, _ topic: String) -> Bool {
            guard !pattern.isEmpty else { return topic.isEmpty }
            guard let r = try? Regex(pattern) else { return false }  // checked when the config was read
            return (try? r.wholeMatch(in: topic)) != nil
        }

        public func newTopic(_ name: String) -> KafkaAdmin.NewTopic {
            KafkaAdmin.NewTopic(
                name: name, partitions: partitions, replicationFactor: Int32(replicationFactor),
                config: configs.sorted { $0.key < $1.key })
        }
    }

    public static let prefix = "topic.creation."
    public static let groupsKey = "topic.creation.groups"

    /// Named groups in `topic.creation.groups` order, then the default group.
    public let groups: [Group]
    public let defaultGroup: Group

    /// Whether a connector config asks for topic creation: any `topic.creation.` key.
    public static func isUsed(by config: [String: String]) -> Bool {
        config.keys.contains { $0.hasPrefix(prefix) }
    }

    /// The group a topic's settings come from: the first named group that matches, else the default.
    public func group(for topic: String) -> Group {
        groups.first { $0.matches(topic) } ?? defaultGroup
    }

    /// A problem in a topic creation config: the key at fault and Kafka Connect's message.
    public struct Problem: Error, Equatable, Sendable {
        public let key: String
        public let message: String
    }

    /// `topic.creation.groups` alone (every source connector's config has it, used or not).
    public static func groupNames(_ config: [String: String]) throws(Problem) -> [String] {
        let raw = config[groupsKey] ?? ""
        let names = ConfigDef.listEntries(raw)
        if Set(names).count != names.count {
            throw Problem(
                key: groupsKey,
                message:
                    "Invalid value [\(names.joined(separator: ", "))] for configuration \(groupsKey): Duplicate alias provided."
            )
        }
        return names
    }

    /// Reads the groups of a connector config, with Kafka Connect's messages. (Kafka Connect checks the
    /// sizes and patterns when the connector starts; Tributary checks them at validation too, so a config
    /// that cannot create its topics is refused before it is stored.)
    public static func parse(_ config: [String: String]) throws(Problem) -> TopicCreation {
        let names = try groupNames(config).filter { $0 != "default" }
        let d = prefix + "default."
        guard let rfText = config[d + "replication.factor"] else {
            throw missing(d + "replication.factor")
        }
        let rf = try replicationFactor(rfText, key: d + "replication.factor")
        guard let partitionsText = config[d + "partitions"] else { throw missing(d + "partitions") }
        let partitions = try partitions(partitionsText, key: d + "partitions")
        let defaultGroup = Group(
            name: "default", include: ".*", exclude: "", partitions: partitions, replicationFactor: rf,
            configs: others(config, "default"))
        var groups: [Group] = []
        for name in names {
            let p = prefix + name + "."
            let include = try patterns(config[p + "include"], key: p + "include", shortName: "include")
            let exclude = try patterns(config[p + "exclude"], key: p + "exclude", shortName: "exclude")
            groups.append(
                Group(
                    name: name, include: include, exclude: exclude,
                    partitions: try config[p + "partitions"].map { v throws(Problem) in
                        try Self.partitions(v, key: p + "partitions")
                    } ?? partitions,
                    replicationFactor: try config[p + "replication.factor"].map { v throws(Problem) in
                        try replicationFactor(v, key: p + "replication.factor")
                    } ?? rf,
                    configs: others(config, name)))
        }
        return TopicCreation(groups: groups, defaultGroup: defaultGroup)
    }

    private static func missing(_ key: String) -> Problem {
        Problem(key: key, message: "Missing required configuration \"\(key)\" which has no default value.")
    }

    // Kafka validates these embedded keys under their short names ("replication.factor", "partitions").
    private static func replicationFactor(_ text: String, key: String) throws(Problem) -> Int16 {
        guard let v = Int16(text.trimmingWhitespace()) else {
            throw Problem(
                key: key, message: "Invalid value \(text) for configuration \(key): Not a number of type SHORT")
        }
        guard v == -1 || v > 0 else {
            throw Problem(
                key: key,
                message:
                    "Invalid value \(v) for configuration replication.factor: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"
            )
        }
        return v
    }

    private static func partitions(_ text: String, key: String) throws(Problem) -> Int32 {
        guard let v = Int32(text.trimmingWhitespace()) else {
            throw Problem(key: key, message: "Invalid value \(text) for configuration \(key): Not a number of type INT")
        }
        guard v == -1 || v > 0 else {
            throw Problem(
                key: key,
                message:
                    "Invalid value \(v) for configuration partitions: Number of partitions must be positive, or -1 to use the broker's default"
            )
        }
        return v
    }

    private static func patterns(_ text: String?, key: String, shortName: String) throws(Problem) -> String {
        let list = ConfigDef.listEntries(text ?? "")
        for p in list {
            do { _ = try Regex(p) } catch {
                throw Problem(
                    key: key,
                    message:
                        "Invalid value [\(list.joined(separator: ", "))] for configuration \(shortName): Syntax error in regular expression: \(error)"
                )
            }
        }
        return list.joined(separator: "|")
    }

    /// `topic.creation.<group>.<topic config>` for every key but the group's own four.
    private static func others(_ config: [String: String], _ group: String) -> [String: String] {
        let p = prefix + group + "."
        var out: [String: String] = [:]
        for (k, v) in config where k.hasPrefix(p) {
            let c = String(k.dropFirst(p.count))
            if !["include", "exclude", "replication.factor", "partitions"].contains(c) { out[c] = v }
        }
        return out
    }
}

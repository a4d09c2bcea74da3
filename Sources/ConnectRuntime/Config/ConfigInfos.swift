import ConnectAPI
import KafkaClientConfigs

/// The `/config/validate` result (Kafka Connect's `ConfigInfos`) and the 400 message built from it.
public struct ConfigInfos: Sendable {
    public struct Entry: Sendable {
        public let key: ConfigDef.Key?
        public let name: String
        public let value: String?
        public let errors: [String]
    }
    public let name: String
    public let groups: [String]
    public let entries: [Entry]

    public var errorCount: Int { entries.reduce(0) { $0 + $1.errors.count } }
    public var allErrors: [String] { entries.flatMap(\.errors) }

    /// Validates `config` against the framework keys, then the plugin's keys, then the connector's own
    /// cross-key checks; password values are reported as "[hidden]".
    ///
    /// `written`: the config as the caller wrote it, when `config` has its placeholders resolved: values
    /// are shown as written, and a resolved value quoted in an error message is shown as its
    /// placeholder, so validation never hands a caller what a config provider read.
    public static func validate(
        className: String, framework: ConfigDef, plugin: ConfigDef, extraErrors: [String: [String]],
        config: [String: String], written: [String: String]? = nil, nullKeys: Set<String> = []
    ) -> ConfigInfos {
        let infos = check(
            className: className, framework: framework, plugin: plugin, extraErrors: extraErrors, config: config,
            nullKeys: nullKeys)
        guard let written else { return infos }
        let resolved = written.compactMap { k, raw in
            config[k].flatMap { $0 != raw && !$0.isEmpty ? ($0, raw) : nil }
        }
        func hide(_ message: String) -> String {
            resolved.reduce(message) { m, pair in m.replacing(pair.0, with: pair.1) }
        }
        return ConfigInfos(
            name: infos.name, groups: infos.groups,
            entries: infos.entries.map { e in
                let shown = written[e.name] != nil && e.value != "[hidden]" ? written[e.name] : e.value
                return Entry(key: e.key, name: e.name, value: shown, errors: e.errors.map(hide))
            })
    }

    private static func check(
        className: String, framework: ConfigDef, plugin: ConfigDef, extraErrors: [String: [String]],
        config: [String: String], nullKeys: Set<String>
    ) -> ConfigInfos {
        var entries: [Entry] = []
        var groups: [String] = []
        var seen = Set<String>()
        let frameworkErrors = framework.validate(config)
        let pluginErrors = plugin.validate(config)
        for (def, errs) in [(framework, frameworkErrors), (plugin, pluginErrors)] {
            for key in def.keys where seen.insert(key.name).inserted {
                if let g = key.group, !groups.contains(g) { groups.append(g) }
                var e = errs[key.name] ?? []
                if nullKeys.contains(key.name) { e = ["Null value can not be supplied as the configuration value."] }
                e += extraErrors[key.name] ?? []
                let raw = config[key.name] ?? (key.defaultValue ?? nil)
                let shown = key.type == .password && raw != nil ? "[hidden]" : raw
                entries.append(Entry(key: key, name: key.name, value: shown, errors: e))
            }
        }
        for (k, errs) in extraErrors.sorted(by: { $0.key < $1.key }) where !seen.contains(k) {
            let shown = JavaClientConfig.isSecret(k) && config[k] != nil ? "[hidden]" : config[k]
            entries.append(Entry(key: nil, name: k, value: shown, errors: errs))
        }
        return ConfigInfos(name: className, groups: groups, entries: entries)
    }

    /// Kafka Connect's message for a create/update rejected by validation.
    public var invalidMessage: String {
        "Connector configuration is invalid and contains the following \(errorCount) error(s):\n"
            + allErrors.map { $0 + "\n" }.joined()
            + "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"
    }

    public var json: JSONValue {
        .object([
            ("name", .string(name)), ("error_count", .int(Int64(errorCount))),
            ("groups", .array(groups.map { .string($0) })),
            (
                "configs",
                .array(
                    entries.map { e in
                        .object([
                            ("definition", e.key.map { Self.keyInfo($0) } ?? .null),
                            (
                                "value",
                                .object([
                                    ("name", .string(e.name)), ("value", e.value.map { .string($0) } ?? .null),
                                    ("recommended_values", .array([])),
                                    ("errors", .array(e.errors.map { .string($0) })),
                                    ("visible", .bool(true)),
                                ])
                            ),
                        ])
                    })
            ),
        ])
    }

    /// ConfigKeyInfo JSON (note `order` is the serialized name of order-in-group).
    public static func keyInfo(_ k: ConfigDef.Key) -> JSONValue {
        .object([
            ("name", .string(k.name)), ("type", .string(k.type.rawValue)), ("required", .bool(k.isRequired)),
            ("default_value", (k.defaultValue ?? nil).map { .string($0) } ?? .null),
            ("importance", .string(k.importance.rawValue)), ("documentation", .string(k.documentation)),
            ("group", k.group.map { .string($0) } ?? .null), ("width", .string(k.width.rawValue)),
            ("display_name", .string(k.displayName)), ("dependents", .array(k.dependents.map { .string($0) })),
            ("order", .int(Int64(k.orderInGroup))),
        ])
    }
}

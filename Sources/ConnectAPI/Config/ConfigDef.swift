/// The definition of a plugin's configuration: one entry per key, with type, default, importance,
/// documentation and validator. The same definition drives parsing, `/config/validate`,
/// `/connector-plugins/{p}/config` and the docs (Kafka's `ConfigDef`).
public struct ConfigDef: Sendable {
    public enum ConfigType: String, Sendable {
        case boolean = "BOOLEAN"
        case string = "STRING"
        case int = "INT"
        case short = "SHORT"
        case long = "LONG"
        case double = "DOUBLE"
        case list = "LIST"
        case `class` = "CLASS"
        case password = "PASSWORD"
    }
    public enum Importance: String, Sendable {
        case high = "HIGH"
        case medium = "MEDIUM"
        case low = "LOW"
    }
    public enum Width: String, Sendable {
        case none = "NONE"
        case short = "SHORT"
        case medium = "MEDIUM"
        case long = "LONG"
    }

    public struct Key: Sendable {
        public let name: String
        public let type: ConfigType
        /// nil = required (no default). `.some(nil)` = the default is null.
        public let defaultValue: String??
        public let importance: Importance
        public let documentation: String
        public let group: String?
        public let orderInGroup: Int
        public let width: Width
        public let displayName: String
        public let dependents: [String]
        public let validator: ConfigValidator?

        public var isRequired: Bool { defaultValue == nil }
    }

    public private(set) var keys: [Key] = []

    public init() {}

    /// Adds a key. `defaultValue: .none` (the default) means the key is required; pass `.some(nil)` for a
    /// null default.
    public func define(
        _ name: String, _ type: ConfigType, defaultValue: String?? = .none, validator: ConfigValidator? = nil,
        importance: Importance, documentation: String, group: String? = nil, orderInGroup: Int = -1,
        width: Width = .none, displayName: String? = nil, dependents: [String] = []
    ) -> ConfigDef {
        var copy = self
        copy.keys.removeAll { $0.name == name }
        copy.keys.append(
            Key(
                name: name, type: type, defaultValue: defaultValue, importance: importance,
                documentation: documentation, group: group, orderInGroup: orderInGroup, width: width,
                displayName: displayName ?? name, dependents: dependents, validator: validator))
        return copy
    }

    public func key(_ name: String) -> Key? { keys.first { $0.name == name } }

    /// This definition followed by `other`'s keys that this one does not define.
    public func merging(_ other: ConfigDef) -> ConfigDef {
        var copy = self
        for k in other.keys where copy.key(k.name) == nil { copy.keys.append(k) }
        return copy
    }

    /// Checks every defined key of `props`, returning the errors per key (keys without errors map to []).
    /// Keys that are not defined are ignored, as Kafka does.
    public func validate(_ props: [String: String]) -> [String: [String]] {
        var errors: [String: [String]] = [:]
        for key in keys {
            var errs: [String] = []
            do {
                if let raw = try key.parse(props[key.name]), let validator = key.validator,
                    let e = validator.check(key.name, raw)
                {
                    errs.append(e)
                }
            } catch {
                errs.append(error.message)
            }
            errors[key.name] = errs
        }
        return errors
    }

    /// Parses `props`, throwing the first error.
    /// A LIST value's entries: comma-separated, trimmed, empty entries dropped.
    public static func listEntries(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    public func parse(_ props: [String: String]) throws(ConfigException) -> ParsedConfig {
        var values: [String: String] = [:]
        for key in keys {
            if let raw = try key.parse(props[key.name]) {
                if let validator = key.validator, let e = validator.check(key.name, raw) {
                    throw ConfigException(e)
                }
                values[key.name] = raw
            }
        }
        for (k, v) in props where values[k] == nil { values[k] = v }
        return ParsedConfig(def: self, values: values)
    }
}

extension ConfigDef.Key {
    /// Checks `raw` (nil = absent) against the type; returns the effective string value, nil for null.
    func parse(_ raw: String?) throws(ConfigException) -> String? {
        guard let raw else {
            guard let d = defaultValue else {
                throw ConfigException("Missing required configuration \"\(name)\" which has no default value.")
            }
            return d
        }
        let trimmed = raw.trimmingWhitespace()
        switch type {
        case .boolean:
            if trimmed.lowercased() != "true" && trimmed.lowercased() != "false" {
                throw ConfigException(name: name, value: raw, reason: "Expected value to be either true or false")
            }
        case .int, .short, .long:
            let ok: Bool
            switch type {
            case .int: ok = Int32(trimmed) != nil
            case .short: ok = Int16(trimmed) != nil
            default: ok = Int64(trimmed) != nil
            }
            if !ok { throw ConfigException(name: name, value: raw, reason: "Not a number of type \(type.rawValue)") }
        case .double:
            if Double(trimmed) == nil {
                throw ConfigException(name: name, value: raw, reason: "Not a number of type DOUBLE")
            }
        case .string, .class:
            // Kafka's ConfigDef.parseType trims STRING and CLASS values: "  " is an empty string to a
            // validator, and a value is used without the spaces around it.
            return trimmed
        case .list, .password:
            break
        }
        return raw
    }
}

/// A validator for one key's value; `check` returns an error message or nil.
public struct ConfigValidator: Sendable {
    public let check: @Sendable (_ name: String, _ value: String) -> String?
    public let text: String

    public init(_ text: String, check: @escaping @Sendable (_ name: String, _ value: String) -> String?) {
        self.text = text
        self.check = check
    }

    /// Integer in [min, max] (either bound optional), as Kafka's `Range`.
    public static func range(atLeast min: Int64? = nil, atMost max: Int64? = nil) -> ConfigValidator {
        let text: String
        switch (min, max) {
        case (let lo?, let hi?): text = "[\(lo),...,\(hi)]"
        case (let lo?, nil): text = "[\(lo),...]"
        case (nil, let hi?): text = "[...,\(hi)]"
        default: text = "[...]"
        }
        return ConfigValidator(text) { name, value in
            guard let v = Int64(value.trimmingWhitespace()) else { return nil }
            if let min, v < min {
                return "Invalid value \(value) for configuration \(name): Value must be at least \(min)"
            }
            if let max, v > max {
                return "Invalid value \(value) for configuration \(name): Value must be no more than \(max)"
            }
            return nil
        }
    }

    /// One of the given strings in any case, as Kafka's `CaseInsensitiveValidString` words it.
    public static func oneOfIgnoringCase(_ allowed: [String]) -> ConfigValidator {
        ConfigValidator("(case insensitive) [\(allowed.joined(separator: ", "))]") { name, value in
            allowed.contains { $0.lowercased() == value.lowercased() }
                ? nil
                : "Invalid value \(value) for configuration \(name): String must be one of (case insensitive): \(allowed.joined(separator: ", "))"
        }
    }

    /// One of the given strings (case-sensitive unless `ignoringCase`), as Kafka's `ValidString`.
    public static func oneOf(_ allowed: [String], ignoringCase: Bool = false) -> ConfigValidator {
        ConfigValidator("[\(allowed.joined(separator: ", "))]") { name, value in
            let ok = ignoringCase ? allowed.contains { $0.lowercased() == value.lowercased() } : allowed.contains(value)
            return ok
                ? nil
                : "Invalid value \(value) for configuration \(name): String must be one of: \(allowed.joined(separator: ", "))"
        }
    }

    /// A list with at least one entry (Kafka's NonEmptyListValidator).
    public static let nonEmptyList = ConfigValidator("non-empty list") { name, value in
        ConfigDef.listEntries(value).isEmpty ? "Invalid value \(value) for configuration \(name): Empty list" : nil
    }

    /// A non-empty string.
    public static let nonEmptyString = ConfigValidator("non-empty string") { name, value in
        value.isEmpty ? "Invalid value \(value) for configuration \(name): String must be non-empty" : nil
    }
}

/// Parsed configuration values, read by type.
public struct ParsedConfig: Sendable {
    public let def: ConfigDef
    public let values: [String: String]

    public func string(_ key: String) -> String? { values[key] }
    public func int(_ key: String) -> Int? { values[key].flatMap { Int($0.trimmingWhitespace()) } }
    public func int64(_ key: String) -> Int64? { values[key].flatMap { Int64($0.trimmingWhitespace()) } }
    public func double(_ key: String) -> Double? { values[key].flatMap { Double($0.trimmingWhitespace()) } }
    public func bool(_ key: String) -> Bool? { values[key].map { $0.trimmingWhitespace().lowercased() == "true" } }
    /// Comma-separated list, trimmed, empty entries dropped.
    public func list(_ key: String) -> [String] {
        values[key].map(ConfigDef.listEntries) ?? []
    }
}

/// A configuration error; the message names the key and the value at fault.
public struct ConfigException: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public init(name: String, value: String, reason: String) {
        self.message = "Invalid value \(value) for configuration \(name): \(reason)"
    }
    public var description: String { message }
}

extension String {
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

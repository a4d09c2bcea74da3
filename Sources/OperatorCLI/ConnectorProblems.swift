import ConnectAPI
import ConnectRuntime

/// The problems of a connectors file, one line each, `<connector>: <key>: <message>`, whether checked
/// by the worker (`tributary apply`, through `config/validate`) or offline (`tributary validate`).
public enum ConnectorProblems {
    /// The errors of a `config/validate` answer (Kafka Connect's ConfigInfos JSON), key by key. An
    /// error about a key written with a placeholder says where the placeholder was resolved: the worker
    /// shows placeholders, never what they resolved to, so the message alone cannot tell an unset
    /// variable from a wrong value.
    public static func lines(connector: String, configInfos: JSONValue, written: JSONObject = JSONObject())
        -> [String]
    {
        var out: [String] = []
        for c in configInfos["configs"]?.arrayValue ?? [] {
            guard let v = c["value"], let key = v["name"]?.stringValue else { continue }
            let hint =
                written[key]?.stringValue.map { $0.contains("${") } == true
                ? " (the value is resolved on the worker, with its config providers and environment)" : ""
            for e in v["errors"]?.arrayValue ?? [] {
                if let m = e.stringValue { out.append("\(connector): \(key): \(m)\(hint)") }
            }
        }
        return out
    }

    /// Every placeholder of `config` that `providers` leave literal, key by key in the file's order.
    public static func unresolved(connector: String, config: JSONObject, providers: ConfigProviders) -> [String:
        [String]]
    {
        var out: [String: [String]] = [:]
        for m in config {
            guard let v = m.value.stringValue else { continue }
            let found = providers.unresolved(in: v)
            if !found.isEmpty { out[m.key] = found.map { "\(connector): \(m.key): \($0)" } }
        }
        return out
    }

    /// `tributary validate`: each connector checked as the worker's `config/validate` would check it
    /// (`herder` carries the worker properties and their config providers), and each placeholder the
    /// providers cannot resolve named as such. A key whose placeholder is unresolved reports only that:
    /// the checks of its literal text would mislead.
    public static func offline(_ file: ConnectorsFile, herder: Herder, providers: ConfigProviders) -> [String] {
        var out: [String] = []
        for e in file.entries {
            let unresolved = unresolved(connector: e.name, config: e.config, providers: providers)
            for m in e.config { out += unresolved[m.key] ?? [] }
            var config: [String: String] = [:]
            for m in e.config { config[m.key] = m.value.stringValue ?? JSONWriter.string(m.value) }
            do {
                let infos = try herder.validate(config: config)
                for entry in infos.entries where unresolved[entry.name] == nil {
                    out += entry.errors.map { "\(e.name): \(entry.name): \($0)" }
                }
            } catch {
                out.append("\(e.name): \(error.message)")
            }
        }
        return out
    }

    /// A path segment of the REST API (`/connectors/{name}`), percent-encoded.
    public static func pathSegment(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(b)))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

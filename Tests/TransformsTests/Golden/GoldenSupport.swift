import ConnectAPI

@testable import Transforms

/// Helpers for the golden tests: facts carried over from apache/kafka's own test suites
/// (connect/transforms/src/test/java/org/apache/kafka/connect/transforms/), one comment per upstream
/// test method naming the file and method the inputs and outputs come from.
enum Golden {
    /// `new SourceRecord(null, null, "topic", 0, keySchema, key, valueSchema, value)`.
    static func record(
        keySchema: Schema? = nil, key: Value = .null, valueSchema: Schema?, value: Value, topic: String = "topic",
        timestamp: Int64? = nil, headers: [ConnectHeader] = []
    ) -> SourceRecord {
        SourceRecord(
            sourcePartition: [:], sourceOffset: [:], topic: topic, kafkaPartition: 0, keySchema: keySchema, key: key,
            valueSchema: valueSchema, value: value, timestamp: timestamp, headers: headers)
    }

    /// A struct of `schema` with the named values (unnamed fields null).
    static func `struct`(_ schema: Schema, _ values: [String: Value]) -> Value {
        var s = Struct(schema: schema)
        for (name, v) in values { s[name] = v }
        return .struct(s)
    }

    /// A map with string keys, in the order given.
    static func map(_ entries: KeyValuePairs<String, Value>) -> Value {
        .map(entries.map { MapEntry(key: .string($0.key), value: $0.value) })
    }

    /// The value of `name` in a struct or string-keyed map.
    static func get(_ v: Value, _ name: String) -> Value? {
        switch v {
        case .struct(let s): return s[name]
        case .map(let entries): return entries.first { $0.key == .string(name) }?.value
        default: return nil
        }
    }

    /// The message of the ConnectError or ConfigException `body` throws, nil if it does not throw.
    static func message(_ body: () throws -> Any?) -> String? {
        do {
            _ = try body()
            return nil
        } catch let e as ConnectError {
            return e.message
        } catch let e as ConfigException {
            return e.message
        } catch {
            return "\(error)"
        }
    }
}

import ConnectAPI

/// Which part of a record a `…$Key` / `…$Value` transformation works on.
public enum Operand: Sendable {
    case key, value

    func schema<R: ConnectRecord>(of record: R) -> Schema? {
        self == .key ? record.keySchema : record.valueSchema
    }

    func value<R: ConnectRecord>(of record: R) -> Value {
        self == .key ? record.key : record.value
    }

    /// The record with this operand's schema and value replaced (`newRecord` in Kafka's SMTs).
    func updating<R: ConnectRecord>(_ record: R, schema: Schema?, value: Value) -> R {
        var r = record
        switch self {
        case .key:
            r.keySchema = schema
            r.key = value
        case .value:
            r.valueSchema = schema
            r.value = value
        }
        return r
    }
}

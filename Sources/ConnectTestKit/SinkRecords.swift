public import ConnectAPI
import ConnectJSON

/// Sink records as the worker hands them to a task: values read by the real JsonConverter from the
/// JSON a producer wrote, with consecutive offsets in one partition.
public enum SinkRecords {
    /// `values` (JSON text; nil for a tombstone) at offsets `firstOffset…` of `topic`-`partition`;
    /// `schemas` as `value.converter.schemas.enable`. Keys likewise when given (one per value).
    /// `passingJSON`: values come as the worker hands them to a `JSONValueSinkTask` that takes them as
    /// JSON: those in JsonConverter's form (`JsonConverterForm`) as `valueJSON`, unparsed.
    public static func json(
        topic: String, partition: Int32 = 0, firstOffset: Int64 = 0, schemas: Bool = false, keys: [String?]? = nil,
        passingJSON: Bool = false, _ values: [String?]
    ) throws -> [SinkRecord] {
        let converter = try JsonConverter(config: ["schemas.enable": schemas ? "true" : "false"])
        let keyConverter = try JsonConverter(config: ["schemas.enable": "false"])
        var out: [SinkRecord] = []
        for (i, text) in values.enumerated() {
            let bytes = text.map { Array($0.utf8) }
            let passed = passingJSON && !schemas ? JsonConverterForm.passedAsValueJSON(bytes) : nil
            let value = passed != nil ? .null : try converter.toConnectData(topic: topic, bytes: bytes)
            let keyText = keys?[i] ?? nil
            let key = try keyConverter.toConnectData(topic: topic, bytes: keyText.map { Array($0.utf8) })
            out.append(
                SinkRecord(
                    topic: topic, kafkaPartition: partition, kafkaOffset: firstOffset + Int64(i), keySchema: key.schema,
                    key: key.value, valueSchema: value.schema, value: value.value, timestamp: nil, valueJSON: passed))
        }
        return out
    }
}

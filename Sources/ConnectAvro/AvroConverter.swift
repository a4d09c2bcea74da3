import Avro
import ConnectAPI
import Synchronization

/// `io.confluent.connect.avro.AvroConverter`: Connect data ↔ Avro in Confluent's wire format
/// (`0x00`, the schema id big-endian, the Avro binary datum; reference rest-proxy.md §4.1), schemas
/// registered under TopicNameStrategy subjects (`<topic>-key` / `<topic>-value`) in the registry at
/// `schema.registry.url`.
public final class AvroConverter: Converter {
    public static let configDef = ConfigDef()
        .define(
            "schema.registry.url", .list, defaultValue: .some(nil), importance: .high,
            documentation:
                "Comma-separated list of URLs for Schema Registry instances that can be used to register or look up schemas."
        )
        .define(
            "auto.register.schemas", .boolean, defaultValue: "true", importance: .medium,
            documentation: "Specify if the Serializer should attempt to register the Schema with Schema Registry"
        )
        .define(
            "key.subject.name.strategy", .string,
            defaultValue: "io.confluent.kafka.serializers.subject.TopicNameStrategy", importance: .medium,
            documentation:
                "Determines how to construct the subject name under which the key schema is registered with the schema registry. Only TopicNameStrategy is supported."
        )
        .define(
            "value.subject.name.strategy", .string,
            defaultValue: "io.confluent.kafka.serializers.subject.TopicNameStrategy", importance: .medium,
            documentation:
                "Determines how to construct the subject name under which the value schema is registered with the schema registry. Only TopicNameStrategy is supported."
        )

    private let client: SchemaRegistryClient
    private let isKey: Bool
    private let register: Bool
    /// Avro forms of the Connect schemas seen (a task sees the same few schema objects).
    private let avroSchemas = Mutex<[ObjectIdentifier: (Schema, AvroSchema)]>([:])
    /// Per writer schema id: its datum reader and its Connect form.
    private struct Reader: Sendable {
        let datum: AvroDatum
        let connect: AvroToConnect
    }
    /// Per writer schema id and topic (the version depends on the subject too). A key of two fields:
    /// a string built per record would allocate on every conversion.
    private struct ReaderKey: Hashable {
        let id: Int
        let topic: String
    }
    private let readers = Mutex<[ReaderKey: Reader]>([:])

    public init(config: [String: String]) throws {
        guard let url = config["schema.registry.url"]?.trimmingWhitespace(), !url.isEmpty else {
            throw ConfigException(
                name: "schema.registry.url", value: "",
                reason: "Missing required configuration \"schema.registry.url\" which has no default value.")
        }
        for key in ["key.subject.name.strategy", "value.subject.name.strategy"] {
            if let s = config[key], !s.hasSuffix("TopicNameStrategy") {
                throw ConfigException(name: key, value: s, reason: "only TopicNameStrategy is supported")
            }
        }
        isKey = config["converter.type"] == "key"
        register = (config["auto.register.schemas"] ?? "true").lowercased() != "false"
        client = try SchemaRegistryClient(url: url)
    }

    public func fromConnectData(topic: String, schema: Schema?, value: Value) throws -> [UInt8]? {
        if value.isNull && (schema == nil || schema!.isOptional) { return nil }
        guard let schema else {
            throw ConnectError(
                .data, "AvroConverter needs a schema: the \(isKey ? "key" : "value") of a record to \(topic) has none")
        }
        let subject = topic + (isKey ? "-key" : "-value")
        do {
            var e = AvroEncoder()
            let data = AvroData()
            let key = ObjectIdentifier(schema)
            let avro: AvroSchema
            if let (kept, a) = avroSchemas.withLock({ $0[key] }), kept === schema {
                avro = a
            } else {
                avro = try data.avroSchema(schema)
                avroSchemas.withLock {
                    if $0.count >= 1000 { $0.removeAll() }
                    $0[key] = (schema, avro)
                }
            }
            let id = try client.id(subject: subject, schema: avro, register: register)
            e.bytes = ConfluentWireFormat.header(id: id)
            try data.encode(value, schema: schema, into: &e)
            return e.bytes
        } catch {
            throw ConnectError(
                .data, "Failed to serialize Avro data from topic \(topic) (subject \(subject)): \(error)")
        }
    }

    public func toConnectData(topic: String, bytes: [UInt8]?) throws -> SchemaAndValue {
        guard let bytes else { return SchemaAndValue(schema: nil, value: .null) }
        guard let (id, payload) = ConfluentWireFormat.split(bytes) else {
            throw ConnectError(
                .data,
                "Failed to deserialize data for topic \(topic) to Avro: Unknown magic byte! (not Confluent's wire format)"
            )
        }
        do {
            let reader: Reader
            let key = ReaderKey(id: id, topic: topic)
            if let r = readers.withLock({ $0[key] }) {
                reader = r
            } else {
                let subject = topic + (isKey ? "-key" : "-value")
                let schema = try client.schema(id: id)
                // Confluent's deserializer looks the version up too; storage sinks compare versions.
                let version = client.version(subject: subject, schema: schema)
                reader = Reader(datum: AvroDatum(schema), connect: try AvroToConnect(schema, version: version))
                readers.withLock {
                    if $0.count >= 1000 { $0.removeAll() }
                    $0[key] = reader
                }
            }
            let v = try reader.datum.decode(payload)
            return SchemaAndValue(schema: reader.connect.connectSchema, value: try reader.connect.value(v))
        } catch {
            throw ConnectError(
                .data, "Failed to deserialize data for topic \(topic) to Avro (schema id \(id)): \(error)")
        }
    }
}

import Avro
import ConnectAPI
import Synchronization

/// `io.confluent.connect.avro.AvroConverter`: Connect data ↔ Avro in Confluent's wire format
/// (`0x00`, the schema id big-endian, the Avro binary datum; reference rest-proxy.md §4.1), schemas
/// registered (or looked up, or the subject's latest used) under the subjects of
/// `key/value.subject.name.strategy` in the registry at `schema.registry.url`, reached with the
/// credentials and TLS stores of `SchemaRegistryClientConfig`.
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
            "use.latest.version", .boolean, defaultValue: "false", importance: .low,
            documentation: "Specify if the Serializer should use the latest subject version for serialization"
        )
        .define(
            "latest.compatibility.strict", .boolean, defaultValue: "true", importance: .low,
            documentation:
                "Whether to check for backward compatibility between the latest subject version and  the Schema of the object to be serialized"
        )
        .define(
            "key.subject.name.strategy", .string,
            defaultValue: "io.confluent.kafka.serializers.subject.TopicNameStrategy", importance: .medium,
            documentation:
                "Determines how to construct the subject name under which the key schema is registered with the schema registry. By default, <topic>-key is used as subject."
        )
        .define(
            "value.subject.name.strategy", .string,
            defaultValue: "io.confluent.kafka.serializers.subject.TopicNameStrategy", importance: .medium,
            documentation:
                "Determines how to construct the subject name under which the value schema is registered with the schema registry. By default, <topic>-value is used as subject."
        )
        .define(
            "basic.auth.credentials.source", .string, defaultValue: "URL", importance: .medium,
            documentation:
                "Specify how to pick the credentials for Basic Auth header. The supported values are URL, USER_INFO and SASL_INHERIT"
        )
        .define(
            "basic.auth.user.info", .password, defaultValue: "", importance: .medium,
            documentation: "Specify the user info for Basic Auth in the form of {username}:{password}"
        )
        .define(
            "bearer.auth.credentials.source", .string, defaultValue: "STATIC_TOKEN", importance: .medium,
            documentation: "Specify how to pick the credentials for Bearer Auth header. "
        )
        .define(
            "bearer.auth.token", .password, defaultValue: "", importance: .medium,
            documentation: "Specify the Bearer token to be used for authentication"
        )

    private let client: SchemaRegistryClient
    private let isKey: Bool
    private let register: Bool
    private let useLatest: Bool
    private let latestStrict: Bool
    private let strategy: SubjectNameStrategy
    /// The subject's latest schema, its id, and how Connect data is written in it (`use.latest.version`).
    private struct Latest: Sendable {
        let id: Int
        let schema: AvroSchema
        let connect: Schema
    }
    private let latestBySubject = Mutex<[String: Latest]>([:])
    /// Avro forms of the Connect schemas seen (a task sees the same few schema objects).
    private let avroSchemas = Mutex<[ObjectIdentifier: (Schema, AvroSchema, text: String)]>([:])
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
        let clientConfig = try SchemaRegistryClientConfig(config)
        isKey = config["converter.type"] == "key"
        let strategyKey = isKey ? "key.subject.name.strategy" : "value.subject.name.strategy"
        for key in ["key.subject.name.strategy", "value.subject.name.strategy"] {
            if let s = config[key], SubjectNameStrategy(className: s) == nil {
                throw ConfigException(
                    name: key, value: s,
                    reason:
                        "Class \(s) could not be found; use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy"
                )
            }
        }
        strategy = config[strategyKey].flatMap(SubjectNameStrategy.init(className:)) ?? .topic
        register = (config["auto.register.schemas"] ?? "true").trimmingWhitespace().lowercased() != "false"
        useLatest = (config["use.latest.version"] ?? "false").trimmingWhitespace().lowercased() == "true"
        latestStrict = (config["latest.compatibility.strict"] ?? "true").trimmingWhitespace().lowercased() != "false"
        client = try SchemaRegistryClient(config: clientConfig)
    }

    public func fromConnectData(topic: String, schema: Schema?, value: Value) throws -> [UInt8]? {
        if value.isNull && (schema == nil || schema!.isOptional) { return nil }
        guard let schema else {
            throw ConnectError(
                .data, "AvroConverter needs a schema: the \(isKey ? "key" : "value") of a record to \(topic) has none")
        }
        var subject = topic + (isKey ? "-key" : "-value")
        do {
            var e = AvroEncoder()
            let data = AvroData()
            let key = ObjectIdentifier(schema)
            // The Avro form and its text, once per Connect schema: both are the same for every record.
            let avro: AvroSchema
            let text: String
            if let (kept, a, t) = avroSchemas.withLock({ $0[key] }), kept === schema {
                (avro, text) = (a, t)
            } else {
                avro = try data.avroSchema(schema)
                text = avro.json
                avroSchemas.withLock {
                    if $0.count >= 1000 { $0.removeAll() }
                    $0[key] = (schema, avro, text)
                }
            }
            subject = try strategy.subject(topic: topic, isKey: isKey, schema: avro)
            // Confluent's order: auto.register.schemas first, then use.latest.version, else a lookup.
            if !register && useLatest {
                let latest = try latest(subject)
                e.bytes = ConfluentWireFormat.header(id: latest.id)
                if latest.schema.canonicalForm == avro.canonicalForm {
                    try data.encode(value, schema: schema, into: &e)
                } else {
                    if latestStrict {
                        let problems = AvroCompatibility.check(reader: latest.schema, writer: avro)
                        if !problems.isEmpty {
                            throw ConnectError(
                                .data,
                                "Incompatible schema of type 'AVRO'. Set latest.compatibility.strict=false to disable this check. (\(problems.map(\.description).joined(separator: ", ")))"
                            )
                        }
                    }
                    // The value in the latest schema's Connect form (fields by name, defaults filled in).
                    try data.encode(
                        SchemaProjector.project(schema, value, to: latest.connect), schema: latest.connect, into: &e)
                }
                return e.bytes
            }
            let id = try client.id(subject: subject, schema: avro, text: text, register: register)
            e.bytes = ConfluentWireFormat.header(id: id)
            try data.encode(value, schema: schema, into: &e)
            return e.bytes
        } catch {
            throw ConnectError(
                .data, "Failed to serialize Avro data from topic \(topic) (subject \(subject)): \(error)")
        }
    }

    /// The subject's latest schema (`use.latest.version`), fetched once per converter. Connect data is
    /// written in it through its Connect form, so that form must map back to the same Avro schema.
    private func latest(_ subject: String) throws -> Latest {
        if let l = latestBySubject.withLock({ $0[subject] }) { return l }
        let (id, schema) = try client.latest(subject: subject)
        let connect = try AvroToConnect(schema).connectSchema
        guard try AvroData().avroSchema(connect).canonicalForm == schema.canonicalForm else {
            throw ConnectError(
                .data,
                "use.latest.version: Tributary cannot write Connect data in the latest schema of \(subject) (id \(id)): the schema has a form (union order, named types) that Connect schemas do not map back to"
            )
        }
        let l = Latest(id: id, schema: schema, connect: connect)
        latestBySubject.withLock { $0[subject] = l }
        return l
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
                let schema = try client.schema(id: id)
                let subject =
                    (try? strategy.subject(topic: topic, isKey: isKey, schema: schema)) ?? topic
                    + (isKey ? "-key" : "-value")
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

/// Confluent's subject name strategies (`io.confluent.kafka.serializers.subject.*`).
enum SubjectNameStrategy: Sendable, Equatable {
    case topic, record, topicRecord

    /// Fully qualified or simple class names. Confluent's `AssociatedNameStrategy` (the default from
    /// 8.0.4) falls back to TopicNameStrategy on a registry without associations, such as Tributary's.
    init?(className: String) {
        switch className.trimmingWhitespace().split(separator: ".").last.map(String.init) ?? "" {
        case "TopicNameStrategy", "AssociatedNameStrategy": self = .topic
        case "RecordNameStrategy": self = .record
        case "TopicRecordNameStrategy": self = .topicRecord
        default: return nil
        }
    }

    var className: String {
        switch self {
        case .topic: return "io.confluent.kafka.serializers.subject.TopicNameStrategy"
        case .record: return "io.confluent.kafka.serializers.subject.RecordNameStrategy"
        case .topicRecord: return "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"
        }
    }

    func subject(topic: String, isKey: Bool, schema: AvroSchema) throws -> String {
        if self == .topic { return topic + (isKey ? "-key" : "-value") }
        guard case .record(let name, let namespace, _, _, _, _, _) = schema else {
            let side = isKey ? "key" : "value"
            throw ConnectError(
                .data,
                "In configuration \(side).subject.name.strategy = \(className), the message \(side) must only be a record schema"
            )
        }
        let full = AvroSchemaParser.fullname(name, namespace)
        return self == .record ? full : topic + "-" + full
    }
}

import Avro
import ConnectAPI
import KafkaClient
import Logging
import RestServing

/// The embedded Schema Registry: state replayed from `_schemas`, writes serialised through this actor.
///
/// Every change is written to the topic and takes effect when the tail reads it back (as for the
/// Connect config topic), so several workers sharing `_schemas` stay consistent without a leader:
/// registration checks, after its record was applied, that its claim won (`SchemaRegistryState`), and
/// if another worker's claim came first it restores the winner's record and tries again.
public actor SchemaRegistry {
    let config: SchemaRegistryConfig
    let logger: Logger
    private let box = LockedBox(SchemaRegistryState())
    /// Schemas parsed once per id (an id never changes meaning) for the proxy's encode and decode paths.
    private let parsedById = LockedBox<[Int: ParsedSchema]>([:])
    private var log: KafkaBasedLog?

    public init(config: SchemaRegistryConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Creates `_schemas` (one partition, compacted) when absent, refuses a non-compacted one, and
    /// replays it.
    public func start(admin: KafkaAdmin, producerConfig: KafkaConfig, consumerConfig: KafkaConfig) async throws {
        let topic = config.topic
        let existing = try await admin.topics()
        if existing[topic] == nil {
            let brokers = try await admin.brokers().count
            let rf = Int32(min(config.replicationFactor, max(1, brokers)))
            if rf < config.replicationFactor {
                logger.warning(
                    "Creating schemas topic \(topic) with replication factor \(rf), less than the desired \(config.replicationFactor): only \(brokers) broker(s) available"
                )
            }
            try await admin.createTopics([
                .init(name: topic, partitions: 1, replicationFactor: rf, config: [("cleanup.policy", "compact")])
            ])
        } else if let policy = try await admin.topicConfig(topic)["cleanup.policy"], policy != "compact" {
            throw KafkaError.local(
                "The retention policy of the schema topic \(topic) is incorrect. You must configure the topic to 'compact' cleanup policy to avoid Kafka deleting your schemas after a week. Refer to Kafka documentation for more details on cleanup policies"
            )
        }
        let box = self.box
        let log = try KafkaBasedLog(
            topic: topic, producerConfig: producerConfig, consumerConfig: consumerConfig, logger: logger
        ) { messages in
            box.mutex.withLock { s in
                for m in messages { if let k = m.key { s.apply(key: k, value: m.value) } }
            }
        }
        try await log.start(partitions: 1)
        self.log = log
        let n = box.mutex.withLock { $0.schemas.count }
        logger.info("Schema Registry read \(topic): \(n) schema(s)")
    }

    public func stop() async {
        await log?.stop()
        log = nil
    }

    public nonisolated var state: SchemaRegistryState { box.mutex.withLock { $0 } }

    private func write(_ key: [UInt8], _ value: [UInt8]?) async throws(RestError) {
        guard let log else { throw RestError(500, code: 50001, "Schema Registry is not started") }
        do { try await log.send(key: key, value: value, partition: 0) } catch {
            throw RestError(500, code: 50001, "Error while writing to the Kafka store: \(error)")
        }
    }

    /// The schema registered with `id`, parsed (cached); nil when unknown.
    public nonisolated func parsedSchema(id: Int) -> ParsedSchema? {
        if let p = parsedById.mutex.withLock({ $0[id] }) { return p }
        let s = state
        guard let text = s.schemaText(id: id), let p = ParsedSchema.parse(text, type: s.schemaType(id: id)) else {
            return nil
        }
        parsedById.mutex.withLock { $0[id] = p }
        return p
    }

    // MARK: Registration

    /// Parses a submitted schema: 42201 with the parser's reason otherwise. `asNew` (registering, checking
    /// compatibility) also refuses defaults that do not fit their field, as Confluent's `validateAsNew`;
    /// a lookup does not.
    public nonisolated func parse(_ text: String, type: String?, asNew: Bool = true) throws(RestError) -> ParsedSchema {
        switch type?.uppercased() {
        case nil, "AVRO":
            do { return .avro(try AvroSchemaParser.parse(text, validateDefaults: asNew)) } catch {
                throw RestError(422, code: 42201, "Invalid schema \(text), details: \(error.message)")
            }
        case "JSON":
            do { return .json(try JSONSchemaValidator(text)) } catch {
                throw RestError(422, code: 42201, "Invalid schema \(text), details: \(error.description)")
            }
        default:
            throw RestError(
                422, code: 42201,
                "Invalid schemaType \(type!): this registry stores AVRO and JSON schemas (not PROTOBUF)")
        }
    }

    /// `POST /subjects/{s}/versions`: the id of `schema` under `subject`, registering it if needed.
    public func register(subject: String, schema: ParsedSchema) async throws(RestError) -> Int {
        try Self.checkSubject(subject)
        let text = schema.text
        let identity = SchemaRegistryState.identity(text, schema.type)
        for _ in 0..<10 {
            let s = state
            let live = s.versions(subject, includeDeleted: false)
            // A stored schema's id is keyed by its rendered text (SchemaRegistryState.apply), so a version
            // holding this schema is one with its id: no stored text is parsed again.
            if let known = s.ids[identity], live.contains(where: { $0.id == known }) { return known }
            if (s.subjectMode[subject] ?? s.globalMode) == "READONLY" {
                throw RestError(422, code: 42205, "Subject \(subject) is in read-only mode")
            }
            let problems = schema.incompatibilities(compatibility(subject, in: s), existing: Self.parsed(live))
            if !problems.isEmpty {
                throw RestError(
                    409, code: 409,
                    "Schema being registered is incompatible with an earlier schema for subject \"\(subject)\", details: [\(problems.joined(separator: ", "))]"
                )
            }
            let id = s.ids[identity] ?? s.maxId + 1
            let version = (s.subjects[subject]?.keys.max() ?? 0) + 1
            let entry = SubjectVersion(
                subject: subject, version: version, id: id, schema: text, schemaType: schema.type, deleted: false)
            let key = SchemaRecords.schemaKey(subject, version)
            try await write(key, SchemaRecords.schemaValue(entry))
            let after = state
            if after.subjects[subject]?[version] == entry { return id }
            // Another worker's claim came first: make the winner's record the last one for this key
            // (compaction keeps the last), or remove ours, and try again with the new state.
            let winner = after.subjects[subject]?[version]
            try await write(key, winner.map(SchemaRecords.schemaValue))
            logger.info("Registration of a schema under \(subject) raced another worker; retrying")
        }
        throw RestError(
            500, code: 50001, "Could not register the schema under \(subject): too many concurrent registrations")
    }

    /// Stored versions parsed again; a text that no longer parses cannot constrain.
    static func parsed(_ versions: [SubjectVersion]) -> [(schema: ParsedSchema, version: Int?)] {
        versions.compactMap { v in ParsedSchema.parse(v.schema, type: v.schemaType).map { ($0, v.version) } }
    }

    /// `POST /subjects/{s}`: the version of `subject` holding `schema`.
    public nonisolated func lookup(subject: String, schema: ParsedSchema, includeDeleted: Bool) throws(RestError)
        -> SubjectVersion
    {
        let all = state.versions(subject, includeDeleted: includeDeleted)
        if all.isEmpty { throw Self.subjectNotFound(subject) }
        let id = state.ids[SchemaRegistryState.identity(schema.text, schema.type)]
        guard let id, let v = all.last(where: { $0.id == id }) else {
            throw RestError(404, code: 40403, "Schema not found")
        }
        return v
    }

    /// The effective compatibility level of `subject`.
    nonisolated func compatibility(_ subject: String?, in s: SchemaRegistryState) -> AvroCompatibility.Level {
        let name = subject.flatMap { s.subjectCompatibility[$0] } ?? s.globalCompatibility ?? config.compatibility
        return AvroCompatibility.Level(rawValue: name.uppercased()) ?? .backward
    }

    // MARK: Config and mode

    public func setCompatibility(_ level: AvroCompatibility.Level?, subject: String?) async throws(RestError) {
        try await write(SchemaRecords.configKey(subject), level.map { SchemaRecords.configValue($0.rawValue) })
    }

    public func setMode(_ mode: String?, subject: String?) async throws(RestError) {
        try await write(SchemaRecords.modeKey(subject), mode.map { SchemaRecords.modeValue(subject, $0) })
    }

    // MARK: Deletes

    /// Soft (`permanent == false`) or hard delete of one version; returns its number.
    public func deleteVersion(subject: String, version: Int, permanent: Bool) async throws(RestError) {
        let s = state
        guard let e = s.subjects[subject]?[version] else { throw Self.versionNotFound(version) }
        if permanent {
            guard e.deleted else {
                throw RestError(
                    404, code: 40407,
                    "Subject '\(subject)' Version \(version) was not deleted first before being permanently deleted")
            }
            try await write(SchemaRecords.schemaKey(subject, version), nil)
        } else {
            guard !e.deleted else {
                throw RestError(
                    404, code: 40406,
                    "Subject '\(subject)' Version \(version) was soft deleted.Set permanent=true to delete permanently")
            }
            var d = e
            d.deleted = true
            try await write(SchemaRecords.schemaKey(subject, version), SchemaRecords.schemaValue(d))
        }
    }

    /// Soft or hard delete of a whole subject; returns the versions deleted.
    public func deleteSubject(_ subject: String, permanent: Bool) async throws(RestError) -> [Int] {
        let all = state.versions(subject, includeDeleted: true)
        if all.isEmpty { throw Self.subjectNotFound(subject) }
        let live = all.filter { !$0.deleted }
        if permanent {
            if !live.isEmpty {
                throw RestError(
                    404, code: 40405, "Subject '\(subject)' was not deleted first before being permanently deleted")
            }
            for v in all { try await write(SchemaRecords.schemaKey(subject, v.version), nil) }
            try await write(SchemaRecords.deleteSubjectKey(subject), nil)
            if state.subjectCompatibility[subject] != nil { try await write(SchemaRecords.configKey(subject), nil) }
            return all.map(\.version)
        }
        if live.isEmpty {
            throw RestError(
                404, code: 40404, "Subject '\(subject)' was soft deleted.Set permanent=true to delete permanently")
        }
        let upTo = live.map(\.version).max()!
        try await write(SchemaRecords.deleteSubjectKey(subject), SchemaRecords.deleteSubjectValue(subject, upTo))
        for var v in live {
            v.deleted = true
            try await write(SchemaRecords.schemaKey(subject, v.version), SchemaRecords.schemaValue(v))
        }
        return live.map(\.version)
    }

    // MARK: Errors shared with the REST resources

    static func checkSubject(_ subject: String) throws(RestError) {
        if subject.isEmpty || subject.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw RestError(422, code: 42208, "The specified subject is not a valid subject: \(subject)")
        }
    }
    static func subjectNotFound(_ s: String) -> RestError { RestError(404, code: 40401, "Subject '\(s)' not found.") }
    static func versionNotFound(_ v: Int) -> RestError { RestError(404, code: 40402, "Version \(v) not found.") }
    static func schemaNotFound(_ id: Int) -> RestError { RestError(404, code: 40403, "Schema \(id) not found") }
}

import ConnectAPI

/// One version of a subject as the `_schemas` topic records it.
public struct SubjectVersion: Sendable, Equatable {
    public let subject: String
    public let version: Int
    public let id: Int
    /// The schema as registered (our rendering of the parsed schema: whitespace never makes a new id).
    public let schema: String
    /// nil for Avro (Confluent omits `schemaType` for Avro), else `JSON`.
    public let schemaType: String?
    public var deleted: Bool

    public init(subject: String, version: Int, id: Int, schema: String, schemaType: String? = nil, deleted: Bool) {
        self.subject = subject
        self.version = version
        self.id = id
        self.schema = schema
        self.schemaType = schemaType
        self.deleted = deleted
    }
}

/// The registry's state, rebuilt by replaying `_schemas` (reference rest-proxy.md §3.7) in log order.
///
/// Several workers may write concurrently without a leader: the first record in log order that claims a
/// (subject, version) or an id wins, and later conflicting claims are ignored by every reader alike, so
/// all workers, and any later replay, agree. A writer that lost repairs its record (see `SchemaRegistry`).
public struct SchemaRegistryState: Sendable {
    /// subject → version → entry (soft-deleted ones included).
    var subjects: [String: [Int: SubjectVersion]] = [:]
    /// id → schema text and type (nil = AVRO).
    var schemas: [Int: (text: String, type: String?)] = [:]
    /// `identity(text, type)` → id.
    var ids: [String: Int] = [:]
    var globalCompatibility: String?
    var subjectCompatibility: [String: String] = [:]
    var globalMode: String?
    var subjectMode: [String: String] = [:]

    var maxId: Int { schemas.keys.max() ?? 0 }

    /// The schema registered with `id`, also while every version using it is soft-deleted.
    public func schemaText(id: Int) -> String? { schemas[id]?.text }
    /// Its type: nil for Avro, else `JSON`.
    public func schemaType(id: Int) -> String? { schemas[id]?.type }

    /// What makes two registrations the same schema: the type and the rendered text.
    static func identity(_ text: String, _ type: String?) -> String { (type ?? "AVRO") + "\u{0}" + text }

    /// A stored text as this registry renders it now (Java's `Schema.toString()` for Avro): records written
    /// by another registry or an older Tributary match the same schema registered again. Unparsable texts
    /// stay as they are.
    static func rendered(_ text: String, _ type: String?) -> String {
        ParsedSchema.parse(text, type: type)?.text ?? text
    }

    /// Versions of `subject`, oldest first.
    public func versions(_ subject: String, includeDeleted: Bool) -> [SubjectVersion] {
        (subjects[subject] ?? [:]).values.filter { includeDeleted || !$0.deleted }.sorted { $0.version < $1.version }
    }

    /// Applies one `_schemas` record; unknown key types (newer servers) are skipped.
    mutating func apply(key: [UInt8], value: [UInt8]?) {
        guard let k = try? JSONParser.parse(key), let type = k["keytype"]?.stringValue else { return }
        let v = value.flatMap { try? JSONParser.parse($0) }
        switch type {
        case "SCHEMA":
            guard let subject = k["subject"]?.stringValue, let version = k["version"]?.int64Value.map(Int.init)
            else { return }
            guard let v else {
                // Hard delete: the schema text stays known by id while another version uses it.
                subjects[subject]?[version] = nil
                if subjects[subject]?.isEmpty == true { subjects[subject] = nil }
                return
            }
            guard let id = v["id"]?.int64Value.map(Int.init), let text = v["schema"]?.stringValue else { return }
            let type = v["schemaType"]?.stringValue.flatMap { $0 == "AVRO" ? nil : $0 }
            let identity = Self.identity(Self.rendered(text, type), type)
            if let existing = subjects[subject]?[version], existing.id != id { return }  // lost the race
            // Each stored id has its identity in `ids`: an id already there for another schema is taken.
            if schemas[id] != nil, ids[identity] != id { return }  // id taken
            if let otherId = ids[identity], otherId != id { return }  // schema already has another id
            schemas[id] = (text, type)
            ids[identity] = id
            subjects[subject, default: [:]][version] = SubjectVersion(
                subject: subject, version: version, id: id, schema: text, schemaType: type,
                deleted: v["deleted"]?.boolValue ?? false)
        case "CONFIG":
            let subject = k["subject"]?.stringValue
            let level = v?["compatibilityLevel"]?.stringValue ?? v?["compatibility"]?.stringValue
            if let subject { subjectCompatibility[subject] = level } else { globalCompatibility = level }
        case "MODE":
            let subject = k["subject"]?.stringValue
            let mode = v?["mode"]?.stringValue
            if let subject { subjectMode[subject] = mode } else { globalMode = mode }
        case "DELETE_SUBJECT":
            guard let subject = k["subject"]?.stringValue, let upTo = v?["version"]?.int64Value.map(Int.init)
            else { return }
            for n in (subjects[subject] ?? [:]).keys where n <= upTo { subjects[subject]?[n]?.deleted = true }
        default:
            return  // NOOP and key types of newer servers
        }
    }
}

/// The `_schemas` record shapes, with Confluent's property order (compaction compares key bytes).
enum SchemaRecords {
    static func schemaKey(_ subject: String, _ version: Int) -> [UInt8] {
        JSONWriter.bytes(
            .object([
                ("keytype", .string("SCHEMA")), ("subject", .string(subject)), ("version", .int(Int64(version))),
                ("magic", .int(1)),
            ]))
    }

    static func schemaValue(_ e: SubjectVersion) -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("subject", .string(e.subject)), ("version", .int(Int64(e.version))), ("id", .int(Int64(e.id))),
        ]
        if let t = e.schemaType { members.append(("schemaType", .string(t))) }
        members += [("schema", .string(e.schema)), ("deleted", .bool(e.deleted))]
        return JSONWriter.bytes(.object(JSONObject(members)))
    }

    static func configKey(_ subject: String?) -> [UInt8] {
        JSONWriter.bytes(
            .object([
                ("keytype", .string("CONFIG")), ("subject", subject.map { .string($0) } ?? .null), ("magic", .int(0)),
            ])
        )
    }

    static func configValue(_ level: String) -> [UInt8] {
        JSONWriter.bytes(.object([("compatibilityLevel", .string(level))]))
    }

    static func modeKey(_ subject: String?) -> [UInt8] {
        JSONWriter.bytes(
            .object([
                ("keytype", .string("MODE")), ("subject", subject.map { .string($0) } ?? .null), ("magic", .int(0)),
            ]))
    }

    static func modeValue(_ subject: String?, _ mode: String) -> [UInt8] {
        JSONWriter.bytes(.object([("subject", subject.map { .string($0) } ?? .null), ("mode", .string(mode))]))
    }

    static func deleteSubjectKey(_ subject: String) -> [UInt8] {
        JSONWriter.bytes(
            .object([("keytype", .string("DELETE_SUBJECT")), ("subject", .string(subject)), ("magic", .int(0))]))
    }

    static func deleteSubjectValue(_ subject: String, _ version: Int) -> [UInt8] {
        JSONWriter.bytes(.object([("subject", .string(subject)), ("version", .int(Int64(version)))]))
    }
}

import ConnectAPI
import KafkaClient

/// `GET/PATCH/DELETE /connectors/{c}/offsets` (KIP-875).
extension Herder {
    static let notStoppedMessage =
        "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%@/stop' endpoint"

    public func offsets(_ name: String) async throws(HerderError) -> ConnectorOffsets {
        guard let config = snapshot.connectorConfigs[name] else { throw .notFound("Connector \(name) not found") }
        let plugin = plugin(for: config)
        if plugin?.type == .sink {
            return ConnectorOffsets(offsets: try await sinkOffsets(name, config: config))
        }
        let entries = offsetStore?.offsets(connector: name) ?? []
        return ConnectorOffsets(offsets: entries.map { .init(partition: $0.partition, offset: $0.offset) })
    }

    private func sinkOffsets(_ name: String, config: JSONObject) async throws(HerderError) -> [ConnectorOffsets.Offset]
    {
        let topics = (config["topics"]?.stringValue ?? "").split(separator: ",").map { String($0).trimmingWhitespace() }
        do {
            let meta = try await admin!.topics()
            var partitions: [KafkaPartition] = []
            for t in topics {
                for p in 0..<(meta[t]?.partitions ?? 0) { partitions.append(KafkaPartition(t, Int32(p))) }
            }
            guard !partitions.isEmpty else { return [] }
            // An admin request: a consumer created with the group's id to ask would, on closing, make the
            // running sink task's group rebalance (Tansu then delays the rejoin).
            let committed = try await admin!.listGroupOffsets(Self.sinkGroup(name), partitions)
            return committed.sorted { $0.key < $1.key }.map { tp, off in
                ConnectorOffsets.Offset(
                    partition: [("kafka_topic", .string(tp.topic)), ("kafka_partition", .int(Int64(tp.partition)))],
                    offset: [("kafka_offset", .int(off))])
            }
        } catch {
            throw .storeFailure("Failed to read the offsets of consumer group \(Self.sinkGroup(name)): \(error)")
        }
    }

    private func requireStopped(_ name: String) throws(HerderError) -> JSONObject {
        guard let config = snapshot.connectorConfigs[name] else { throw .notFound("Connector \(name) not found") }
        guard snapshot.targetState(name) == .stopped else {
            throw .badRequest(Self.notStoppedMessage.replacingAll("%@", with: name))
        }
        return config
    }

    /// `offsets`: the request's `offsets` array, nil when it has none; checked only once the connector is
    /// known to be stopped, and checked as the connector's type requires. Returns the message answered.
    public func alterOffsets(_ name: String, offsets: [JSONValue]?) async throws(HerderError) -> String {
        let config = try requireStopped(name)
        guard let list = offsets, !list.isEmpty else {
            throw .badRequest("Partitions / offsets need to be provided for an alter offsets request")
        }
        if plugin(for: config)?.type == .sink { return try await alterSinkOffsets(name, list) }
        var entries: [(key: [UInt8], value: [UInt8]?)] = []
        for item in list {
            guard let p = item["partition"]?.objectValue else {
                throw .badRequest("Partitions / offsets need to be provided for an alter offsets request")
            }
            for m in p where !Self.isPrimitive(m.value) {
                throw .badRequest(
                    "Offsets may only contain primitive types as values, but field \(m.key) contains \(JSONWriter.string(m.value))"
                )
            }
            let value: [UInt8]?
            switch item["offset"] {
            case .none, .some(.null): value = nil
            case .some(.object(let o)):
                for m in o where !Self.isPrimitive(m.value) {
                    throw .badRequest(
                        "Offsets may only contain primitive types as values, but field \(m.key) contains \(JSONWriter.string(m.value))"
                    )
                }
                value = JSONWriter.bytes(.object(o))
            default:
                throw .badRequest(
                    "Offset for partition \(JSONWriter.string(.object(p))) must be a JSON object or null")
            }
            entries.append((OffsetBackingStore.key(connector: name, partition: p), value))
        }
        do { try await offsetStore!.put(entries) } catch { throw .storeFailure("Failed to write offsets: \(error)") }
        return "The offsets for this connector have been altered successfully"
    }

    /// Returns the message answered.
    public func resetOffsets(_ name: String) async throws(HerderError) -> String {
        let config = try requireStopped(name)
        if plugin(for: config)?.type == .sink {
            // A sink's offsets are its consumer group's: deleting the group resets them all.
            do { try await admin!.deleteGroup(Self.sinkGroup(name)) } catch {
                throw .storeFailure("Failed to reset the offsets of consumer group \(Self.sinkGroup(name)): \(error)")
            }
            return "The offsets for this connector have been reset successfully"
        }
        let keys = (offsetStore?.offsets(connector: name) ?? []).map {
            OffsetBackingStore.key(connector: name, partition: $0.partition)
        }
        do { try await offsetStore!.put(keys.map { ($0, nil) }) } catch {
            throw .storeFailure("Failed to write offsets: \(error)")
        }
        return "The offsets for this connector have been reset successfully"
    }

    static func sinkGroup(_ connector: String) -> String { TaskClientConfigs.sinkGroup(connector) }

    /// Sink offsets are `{"kafka_topic":…,"kafka_partition":…}` → `{"kafka_offset":…}` or null (reset that
    /// partition); numbers may also be given as strings, as Kafka Connect accepts. Everything is checked
    /// before anything is written.
    private func alterSinkOffsets(_ name: String, _ list: [JSONValue]) async throws(HerderError) -> String {
        var alter: [KafkaPartition: Int64] = [:]
        var reset: [KafkaPartition] = []
        for item in list {
            guard let p = item["partition"]?.objectValue else {
                throw .badRequest("The partition for a sink connector offset cannot be null or missing")
            }
            guard let topic = p["kafka_topic"], let partition = p["kafka_partition"] else {
                throw .badRequest(
                    "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'"
                )
            }
            guard let n = Int32(Self.plainString(partition)) else {
                throw .badRequest(
                    "Failed to parse the following Kafka partition value in the provided offsets: '\(Self.plainString(partition))'. Partition values for sink connectors need to be integers."
                )
            }
            let tp = KafkaPartition(Self.plainString(topic), n)
            switch item["offset"] {
            case .none, .some(.null): reset.append(tp)
            case .some(.object(let o)):
                guard let v = o["kafka_offset"] else {
                    throw .badRequest(
                        "The offset for a sink connector should either be null or contain the key 'kafka_offset'")
                }
                guard let offset = Int64(Self.plainString(v)) else {
                    throw .badRequest(
                        "Failed to parse the following Kafka offset value in the provided offsets: '\(Self.plainString(v))'. Offset values for sink connectors need to be integers."
                    )
                }
                alter[tp] = offset
            default:
                throw .badRequest(
                    "The offset for a sink connector should either be null or contain the key 'kafka_offset'")
            }
        }
        let group = Self.sinkGroup(name)
        do {
            if !alter.isEmpty { try await admin!.alterGroupOffsets(group, alter) }
            if !reset.isEmpty { try await admin!.deleteGroupOffsets(group, reset) }
        } catch {
            throw .storeFailure("Failed to alter the offsets of consumer group \(group): \(error)")
        }
        return "The offsets for this connector have been altered successfully"
    }

    /// A JSON value as Java's `String.valueOf` shows it: strings without quotes, numbers as written.
    static func plainString(_ v: JSONValue) -> String {
        if let s = v.stringValue { return s }
        return JSONWriter.string(v)
    }

    static func isPrimitive(_ v: JSONValue) -> Bool {
        switch v {
        case .array, .object: return false
        default: return true
        }
    }
}

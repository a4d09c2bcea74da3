import ConnectAPI
import KafkaClient
import Logging

/// Observable states of connectors and tasks.
public enum ConnectorState: String, Sendable {
    case unassigned = "UNASSIGNED"
    case running = "RUNNING"
    case paused = "PAUSED"
    case failed = "FAILED"
    case restarting = "RESTARTING"
    case stopped = "STOPPED"
}

/// One status record: `{"state":…,"trace":…,"worker_id":…,"generation":…}`.
public struct StatusRecord: Sendable, Hashable {
    public var state: ConnectorState
    public var trace: String?
    public var workerId: String
    public var generation: Int32

    public var json: [UInt8] {
        JSONWriter.bytes(
            .object([
                ("state", .string(state.rawValue)), ("trace", trace.map { .string($0) } ?? .null),
                ("worker_id", .string(workerId)), ("generation", .int(Int64(generation))),
            ]))
    }

    public init(state: ConnectorState, trace: String?, workerId: String, generation: Int32) {
        self.state = state
        self.trace = trace
        self.workerId = workerId
        self.generation = generation
    }

    init?(json: JSONValue) {
        guard let s = json["state"]?.stringValue.flatMap(ConnectorState.init(rawValue:)) else { return nil }
        state = s
        trace = json["trace"]?.stringValue
        workerId = json["worker_id"]?.stringValue ?? ""
        generation = Int32(truncatingIfNeeded: json["generation"]?.int64Value ?? 0)
    }
}

/// The status topic: connector, task and active-topic statuses (`KafkaStatusBackingStore`).
final class StatusBackingStore: Sendable {
    struct Statuses: Sendable {
        var connectors: [String: StatusRecord] = [:]
        var tasks: [String: [Int: StatusRecord]] = [:]
        /// connector → topic → discover timestamp
        var topics: [String: [String: Int64]] = [:]
        var maxGeneration: Int32 = -1
    }
    private let box = LockedBox(Statuses())
    private let log: KafkaBasedLog
    private let logger: Logger
    let partitions: Int

    init(topic: String, partitions: Int, producerConfig: KafkaConfig, consumerConfig: KafkaConfig, logger: Logger)
        throws
    {
        self.partitions = partitions
        self.logger = logger
        let box = self.box
        log = try KafkaBasedLog(
            topic: topic, producerConfig: producerConfig, consumerConfig: consumerConfig, logger: logger
        ) {
            messages in
            box.mutex.withLock { s in
                for m in messages {
                    guard let key = m.key.map({ String(decoding: $0, as: UTF8.self) }) else { continue }
                    Self.apply(key: key, value: m.value, to: &s)
                }
            }
        }
    }

    static func apply(key: String, value: [UInt8]?, to s: inout Statuses) {
        let json = value.flatMap { try? JSONParser.parse($0) }
        if let name = key.strip(prefix: "status-connector-") {
            if let json, let r = StatusRecord(json: json) {
                s.connectors[name] = r
                s.maxGeneration = max(s.maxGeneration, r.generation)
            } else if value == nil {
                s.connectors[name] = nil
            }
        } else if let rest = key.strip(prefix: "status-task-") {
            guard let dash = rest.lastIndex(of: "-"), let id = Int(rest[rest.index(after: dash)...]) else { return }
            let name = String(rest[..<dash])
            if let json, let r = StatusRecord(json: json) {
                s.tasks[name, default: [:]][id] = r
                s.maxGeneration = max(s.maxGeneration, r.generation)
            } else if value == nil {
                s.tasks[name]?[id] = nil
            }
        } else if let rest = key.strip(prefix: "status-topic-") {
            guard let sep = rest.firstRange(of: ":connector-") else { return }
            let topic = String(rest[..<sep.lowerBound])
            let connector = String(rest[sep.upperBound...])
            if let t = json?["topic"] {
                s.topics[connector, default: [:]][topic] = t["discoverTimestamp"]?.int64Value ?? 0
            } else if value == nil {
                s.topics[connector]?[topic] = nil
            }
        }
    }

    func start() async throws { try await log.start(partitions: partitions) }
    func stop() async { await log.stop() }

    var statuses: Statuses { box.mutex.withLock { $0 } }

    private func write(_ key: String, _ value: [UInt8]?) async {
        // Apply locally first so REST readers see the change at once; the tail re-applies the same value.
        box.mutex.withLock { Self.apply(key: key, value: value, to: &$0) }
        // As KafkaStatusBackingStore: a retriable failure is sent again; any other is logged and dropped
        // (a status is advisory, and the next change writes it anew).
        for attempt in 1...3 {
            do {
                _ = try await log.sendAcked(key: Array(key.utf8), value: value)
                return
            } catch let e as KafkaError where e.isRetriable && attempt < 3 {
                continue
            } catch {
                logger.error("Failed to write status update \(key): \(error)")
                return
            }
        }
    }

    func putConnector(_ name: String, _ r: StatusRecord) async { await write("status-connector-\(name)", r.json) }
    func putTask(_ name: String, _ task: Int, _ r: StatusRecord) async {
        await write("status-task-\(name)-\(task)", r.json)
    }
    func removeConnector(_ name: String, taskCount: Int) async {
        await write("status-connector-\(name)", nil)
        let known = box.mutex.withLock { $0.tasks[name].map { Array($0.keys) } ?? [] }
        for t in Set(known + Array(0..<taskCount)) { await write("status-task-\(name)-\(t)", nil) }
    }
    func putTopic(connector: String, task: Int, topic: String, timestamp: Int64) async {
        let v = JSONWriter.bytes(
            .object([
                "topic": .object([
                    ("name", .string(topic)), ("connector", .string(connector)), ("task", .int(Int64(task))),
                    ("discoverTimestamp", .int(timestamp)),
                ])
            ]))
        await write("status-topic-\(topic):connector-\(connector)", v)
    }
    func resetTopics(connector: String) async {
        let topics = box.mutex.withLock { $0.topics[connector].map { Array($0.keys) } ?? [] }
        for t in topics { await write("status-topic-\(t):connector-\(connector)", nil) }
    }
}

import ConnectAPI

/// A synthetic source for demos and benchmarks: `max.records` records (or unbounded), at up to
/// `rate.per.second` records/s, shaped as a flat struct of about `record.bytes` bytes of JSON.
/// Offsets `{"generator":<name>,"task":<n>}` → `{"seq":N}` make restarts resume without repeats.
public final class DataGenConnector: Connector {
    public static let className = "io.tributary.connect.datagen.DataGenConnector"
    public static let taskClass = "io.tributary.connect.datagen.DataGenTask"

    public static let configDef = ConfigDef()
        .define(
            "kafka.topic", .string, validator: .nonEmptyString, importance: .high,
            documentation: "Topic to write the generated records to."
        )
        .define(
            "max.records", .long, defaultValue: "-1", importance: .medium,
            documentation: "Total number of records to generate across all tasks; -1 for no limit."
        )
        .define(
            "rate.per.second", .long, defaultValue: "0", validator: .range(atLeast: 0), importance: .medium,
            documentation: "Records per second per task; 0 for as fast as possible."
        )
        .define(
            "record.bytes", .int, defaultValue: "200", validator: .range(atLeast: 60, atMost: 1_048_576),
            importance: .low,
            documentation: "Approximate size of each record's value as JSON without schema."
        )
        .define(
            "batch.size", .int, defaultValue: "1000", validator: .range(atLeast: 1), importance: .low,
            documentation: "Records returned by one poll.")

    public static let plugin = ConnectorPlugin(
        className: className, aliases: ["DataGen"], type: .source, version: "0.1.0", configDef: configDef,
        taskClass: taskClass,
        makeConnector: { DataGenConnector() }, makeTask: { .source(DataGenTask()) })

    private var config: [String: String] = [:]
    public init() {}
    public func start(_ config: [String: String], context: any ConnectorContext) async throws {
        _ = try Self.configDef.parse(config)
        self.config = config
    }
    public func taskConfigs(maxTasks: Int) async throws -> [[String: String]] {
        (0..<maxTasks).map { i in
            var c = config
            c["task.index"] = String(i)
            c["task.count"] = String(maxTasks)
            return c
        }
    }
    public func stop() async {}
}

public final class DataGenTask: SourceTask {
    static let schema = Schema.struct(
        [
            ("id", .int64), ("name", .string), ("amount", .float64), ("created_at", LogicalType.timestamp()),
            ("active", .boolean), ("quantity", .int32), ("payload", .string),
        ], name: "io.tributary.datagen.Record")

    private var topic = ""
    private var next: Int64 = 0  // sequence within this task
    private var limit: Int64 = -1  // records this task generates; -1 = unbounded
    private var index: Int64 = 0
    private var count: Int64 = 1
    private var rate: Int64 = 0
    private var batch = 1000
    private var padding = ""
    private var partition: JSONObject = [:]
    private var startedAt = ContinuousClock.now

    public init() {}

    public func start(_ config: [String: String], context: any SourceTaskContext) async throws {
        let c = try DataGenConnector.configDef.parse(config)
        topic = c.string("kafka.topic") ?? ""
        index = Int64(config["task.index"] ?? "0") ?? 0
        count = max(Int64(config["task.count"] ?? "1") ?? 1, 1)
        let total = c.int64("max.records") ?? -1
        limit = total < 0 ? -1 : total / count + (index < total % count ? 1 : 0)
        rate = c.int64("rate.per.second") ?? 0
        batch = c.int("batch.size") ?? 1000
        padding = String(repeating: "x", count: max(0, (c.int("record.bytes") ?? 200) - 130))
        partition = [("generator", .string(config["name"] ?? "datagen")), ("task", .int(index))]
        if let stored = await context.offsetStorageReader.offset(for: partition), let seq = stored["seq"]?.int64Value {
            next = seq
        }
        startedAt = .now
    }

    public func poll() async throws -> [SourceRecord] {
        if limit >= 0 && next >= limit {
            try? await Task.sleep(for: .milliseconds(200))
            return []
        }
        var n = Int64(batch)
        if limit >= 0 { n = min(n, limit - next) }
        if rate > 0 {
            let elapsed = ContinuousClock.now - startedAt
            let allowed = Int64(
                Double(rate) * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            if next >= allowed {
                try? await Task.sleep(for: .milliseconds(10))
                return []
            }
            n = min(n, allowed - next)
        }
        var records: [SourceRecord] = []
        records.reserveCapacity(Int(n))
        let now = SystemClock.nowMs()
        for _ in 0..<n {
            let id = next * count + index
            next += 1
            let s = Struct(
                schema: Self.schema,
                values: [
                    .int64(id), .string("record-\(id)"), .float64(Double(id % 100_000) / 100), .int64(now),
                    .boolean(id % 2 == 0), .int32(Int32(truncatingIfNeeded: id % 1000)), .string(padding),
                ])
            records.append(
                SourceRecord(
                    sourcePartition: partition, sourceOffset: ["seq": .int(next)], topic: topic, keySchema: .int64,
                    key: .int64(id), valueSchema: Self.schema, value: .struct(s), timestamp: now))
        }
        return records
    }

    public func stop() async {}
}

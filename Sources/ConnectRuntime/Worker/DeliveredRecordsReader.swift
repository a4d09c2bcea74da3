import ConnectAPI
import KafkaClient
import Logging

/// Reads back what a source task's topic already holds (`SourceTaskContext.scanDelivered`): per
/// partition the newest records first, in chunks that double going back, until the task places a record
/// at or before its stored offset or the partition's beginning is reached. A task resuming after a crash
/// finds there what Kafka acknowledged after the last offset commit; a task that stopped cleanly reads one
/// small chunk per partition.
struct DeliveredRecordsReader: Sendable {
    let adminConfig: KafkaConfig
    let consumerConfig: KafkaConfig
    let converters: ConnectorConverters
    let control: TaskControl
    let logger: Logger

    /// Records read in the first chunk of a partition; each further chunk doubles, up to `maxChunk`.
    static let firstChunk: Int64 = 256
    static let maxChunk: Int64 = 65_536
    /// A read that makes no progress for this long fails the scan (the broker is gone).
    static let stallMs: Int64 = 30_000

    func scan(topic: String, place: (DeliveredRecord) -> DeliveredRecord.Place) async throws {
        let admin = try KafkaAdmin(config: adminConfig)
        // Closed on every way out: closing waits for the client's requests, so it is awaited.
        do { try await scan(topic: topic, admin: admin, place: place) } catch {
            await admin.close()
            throw error
        }
        await admin.close()
    }

    private func scan(topic: String, admin: KafkaAdmin, place: (DeliveredRecord) -> DeliveredRecord.Place)
        async throws
    {
        // All topics: asking for one by name would create it on a broker that auto-creates topics.
        guard let partitions = try await admin.metadata().topics[topic]?.partitions, !partitions.isEmpty else {
            return  // not created yet: nothing delivered
        }
        let consumer = try KafkaConsumer(
            config: consumerConfig.withDefaults([
                ("enable.partition.eof", "true"), ("enable.auto.commit", "false"), ("fetch.wait.max.ms", "50"),
                ("group.id", "tributary-internal-unused"),  // librdkafka wants one; we never subscribe or commit
            ]))
        // Closed on every way out, after the reads: closing waits for the broker, so it is awaited.
        var read = 0
        do {
            for p in partitions {
                // The reported high watermark can be short of the end (Tansu reports the last batch's base
                // offset + 1): the first chunk is read to partition EOF, which is exact on every broker.
                let (low, reportedHigh) = try await admin.watermarks(topic: topic, partition: p.id)
                var from = max(low, reportedHigh - Self.firstChunk)
                var chunk = Self.firstChunk
                var end: Int64? = nil
                while !control.isStopping {
                    var reachedStoredOffset = false
                    try await readRange(topic: topic, partition: p.id, from: from, to: end, consumer: consumer) { r in
                        read += 1
                        if place(r) == .atOrBefore { reachedStoredOffset = true }
                    }
                    if reachedStoredOffset || from <= low { break }
                    end = from
                    chunk = min(chunk * 2, Self.maxChunk)
                    from = max(low, from - chunk)
                }
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        logger.debug("Read back \(read) records of \(topic) to find those delivered after the stored offset")
    }

    /// Calls `visit` for each record of [from, end) of one partition that the converters can read; a nil
    /// `end` reads to partition EOF.
    private func readRange(
        topic: String, partition: Int32, from: Int64, to end: Int64?, consumer: KafkaConsumer,
        visit: (DeliveredRecord) -> Void
    ) async throws {
        try consumer.assign([(KafkaPartition(topic, partition), from)])
        var next = from
        var atEOF = false
        var lastProgress = monotonicMs()
        while !atEOF, next < end ?? .max, !control.isStopping {
            let events = await consumer.poll(maxEvents: 2000, timeoutMs: 100)
            for e in events {
                switch e {
                case .message(let m) where m.partition == partition && m.offset >= next:
                    lastProgress = monotonicMs()
                    next = m.offset + 1
                    guard m.offset < end ?? .max,
                        let key = try? converters.key.toConnectData(topic: topic, bytes: m.key),
                        let value = try? converters.value.toConnectData(topic: topic, bytes: m.value)
                    else { continue }
                    visit(DeliveredRecord(partition: partition, offset: m.offset, key: key.value, value: value.value))
                case .partitionEOF(let tp, let offset) where tp.partition == partition && offset >= next:
                    atEOF = true
                case .error(let err):
                    logger.warning("Reading back \(topic)-\(partition): \(err)")
                default: break
                }
            }
            if monotonicMs() - lastProgress > Self.stallMs {
                throw ConnectError(
                    .connect, "Reading back \(topic)-\(partition) made no progress for \(Self.stallMs / 1000) s")
            }
        }
    }
}

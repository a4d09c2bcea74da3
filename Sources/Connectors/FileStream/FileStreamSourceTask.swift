import ConnectAPI
import Foundation

/// Reads new lines from the file, resuming from the stored `{"position": N}` (bytes consumed).
public final class FileStreamSourceTask: SourceTask {
    private var path: String?
    private var topic = ""
    private var batchSize = 2000
    private var handle: FileHandle?
    private var position: Int64 = 0
    private var buffer: [UInt8] = []
    private var context: (any SourceTaskContext)?

    public init() {}

    public func start(_ config: [String: String], context: any SourceTaskContext) async throws {
        let c = try FileStreamSourceConnector.configDef.parse(config)
        path = c.string("file").flatMap { $0.isEmpty ? nil : $0 }
        topic = c.string("topic") ?? ""
        batchSize = c.int("batch.size") ?? 2000
        self.context = context
        if let path {
            if let stored = await context.offsetStorageReader.offset(for: partition(path)),
                let pos = stored["position"]?.int64Value
            {
                position = pos
                context.logger.debug("Resuming \(path) at byte \(pos)")
            }
        }
    }

    private func partition(_ path: String) -> JSONObject { ["filename": .string(path)] }

    private func open() -> FileHandle? {
        if let handle { return handle }
        guard let path else {
            handle = FileHandle.standardInput
            return handle
        }
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        if position > 0 { try? h.seek(toOffset: UInt64(position)) }
        handle = h
        return h
    }

    public func poll() async throws -> [SourceRecord] {
        guard let context else { return [] }
        let records = readLines()
        if !records.isEmpty { return records }
        // Nothing new: wait briefly and return nothing (as Kafka's task does), so the worker can commit
        // offsets and notice a stop; wake early when asked to stop.
        for _ in 0..<10 where !context.isStopping { try? await Task.sleep(for: .milliseconds(50)) }
        return []
    }

    /// Up to `batch.size` complete lines from what the file has now; a partial last line waits for its newline.
    private func readLines() -> [SourceRecord] {
        guard let h = open() else { return [] }
        if let chunk = (try? h.read(upToCount: 64 * 1024)) ?? nil, !chunk.isEmpty { buffer.append(contentsOf: chunk) }
        let sourcePartition = path.map(partition) ?? [:]
        var records: [SourceRecord] = []
        var start = 0
        var i = 0
        while i < buffer.count, records.count < batchSize {
            if buffer[i] == 0x0A {
                var end = i
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                position += Int64(i + 1 - start)
                records.append(
                    SourceRecord(
                        sourcePartition: sourcePartition, sourceOffset: ["position": .int(position)], topic: topic,
                        valueSchema: .string, value: .string(String(decoding: buffer[start..<end], as: UTF8.self))))
                start = i + 1
            }
            i += 1
        }
        if start > 0 { buffer.removeFirst(start) }
        return records
    }

    public func stop() async {
        if path != nil { try? handle?.close() }
        handle = nil
    }
}

import ConnectAPI

/// Reads new lines from the file, resuming from the stored `{"position": N}` (bytes consumed).
public final class FileStreamSourceTask: SourceTask {
    private var path: String?
    private var topic = ""
    private var batchSize = 2000
    private var file: PosixFile?
    private var position: Int64 = 0
    private var buffer: [UInt8] = []
    /// Bytes at the start of `buffer` already scanned without a line end: a long partial line is not
    /// scanned again after each read.
    private var scanned = 0
    private var context: (any SourceTaskContext)?
    let allowedPaths: AllowedPaths

    public init(allowedPaths: AllowedPaths) { self.allowedPaths = allowedPaths }

    public func start(_ config: [String: String], context: any SourceTaskContext) async throws {
        let c = try FileStreamSourceConnector.configDef.parse(config)
        // Checked again here: a config stored before the worker's allowed paths changed is not trusted.
        if let why = FileStreamPaths.refusal(config["file"], allowedPaths) { throw ConnectError(.config, why) }
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

    /// The open file, or nil while it does not exist yet (the task keeps polling for it, as Kafka's does).
    private func open() throws -> PosixFile? {
        if let file { return file }
        guard let path else {
            file = .standardInput
            return file
        }
        guard let f = PosixFile.openForReading(path) else { return nil }
        do { try f.seek(to: position) } catch {
            throw ConnectError(.connect, "FileStreamSourceTask '\(path)': \(error)")
        }
        file = f
        return f
    }

    public func poll() async throws -> [SourceRecord] {
        guard let context else { return [] }
        let records = try readLines()
        if !records.isEmpty { return records }
        // Nothing new: wait briefly and return nothing (as Kafka's task does), so the worker can commit
        // offsets and notice a stop; wake early when asked to stop.
        for _ in 0..<10 where !context.isStopping { try? await Task.sleep(for: .milliseconds(50)) }
        return []
    }

    /// Up to `batch.size` complete lines from what the file has now, reading on while lines are missing
    /// and the file has more (as Kafka's task fills a batch); a partial last line waits for its end.
    private func readLines() throws -> [SourceRecord] {
        guard let f = try open() else { return [] }
        let sourcePartition = path.map(partition) ?? [:]
        var records: [SourceRecord] = []
        while true {
            extractLines(into: &records, sourcePartition)
            if records.count >= batchSize { break }
            let n: Int
            do { n = try f.read(upTo: 64 * 1024, into: &buffer) } catch {
                throw ConnectError(.connect, "FileStreamSourceTask '\(path ?? "stdin")': \(error)")
            }
            if n == 0 { break }
        }
        return records
    }

    /// Lines end at `\n`, `\r\n` or a lone `\r`, as Kafka's task reads them: a `\r` at the end of what
    /// was read waits for the next byte, which says whether it ends the line alone. The offset is the
    /// position after the line's end.
    private func extractLines(into records: inout [SourceRecord], _ sourcePartition: JSONObject) {
        var start = 0
        var i = scanned
        while i < buffer.count, records.count < batchSize {
            let byte = buffer[i]
            guard byte == 0x0A || byte == 0x0D else {
                i += 1
                continue
            }
            var next = i + 1
            if byte == 0x0D {
                guard next < buffer.count else { break }
                if buffer[next] == 0x0A { next += 1 }
            }
            position += Int64(next - start)
            records.append(
                SourceRecord(
                    sourcePartition: sourcePartition, sourceOffset: ["position": .int(position)], topic: topic,
                    valueSchema: .string, value: .string(String(decoding: buffer[start..<i], as: UTF8.self))))
            start = next
            i = next
        }
        if start > 0 { buffer.removeFirst(start) }
        scanned = i - start
    }

    public func stop() async {
        file?.close()
        file = nil
    }
}

import Avro
import ConnectAPI
import ConnectAvro
import Parquet

/// The files of one Kafka partition (storage-cloud's `TopicPartitionWriter`, reference connectors.md
/// §3.4): one open file per encoded partition; all of them are committed together when `flush.size`
/// records have been written since the last commit, when record time has moved `rotate.interval.ms` past
/// the files' first record (or the encoded partition changes), or at the scheduled rotation. Only then
/// does the offset to commit to Kafka move, to just after the last record in those files.
///
/// Object names are a function of the topic, the partition, the encoded partition and the offset of the
/// file's first record, so after a crash the records after the committed offset are written again to
/// objects of the same names (overwriting any that were completed but not yet committed): every record
/// ends up in exactly one object, as long as the partitioning and rotation are deterministic (no
/// Wallclock extractor, no scheduled rotation).
final class TopicPartitionWriter {
    let partition: TopicPartition
    private let config: S3SinkConfig
    private let storage: S3Storage
    private let encoder: RecordEncoder
    private let now: () -> Int64
    private var files: [String: S3OutputFile] = [:]
    private var order: [String] = []  // encoded partitions in the order their files opened
    /// Records written since the last commit, over all open files.
    private var recordCount = 0
    /// The offset after the last record handed to a file: redelivered records below it are skipped, so
    /// a put that failed half-way can simply be retried.
    private(set) var nextOffset: Int64?
    /// Kafka offset safe to commit (everything below it is in completed objects).
    private(set) var offsetToCommit: Int64?
    private var baseRecordTimestamp: Int64?
    private var currentEncodedPartition: String?
    private var nextScheduledRotation: Int64?
    private var line: [UInt8] = []
    /// AvroFormat: the container-file state of each open file, and the Connect → Avro conversion.
    private var avroFiles: [String: AvroFileEncoder] = [:]
    /// ParquetFormat: the rows of each open file, written out whole when the file commits.
    private var parquetFiles: [String: ParquetFileEncoder] = [:]
    /// Parquet files whose bytes are complete but whose commit failed: nothing may be added to them.
    private var sealedParquet: Set<String> = []
    private let avroData = AvroData()
    /// The value schema of each encoded partition's files since the last commit (nil: schemaless).
    /// Forgotten at each commit, as storage-cloud does: a restart from the committed offset then cuts
    /// files where this run did.
    private var currentSchemas: [String: Schema?] = [:]
    /// The encoded partition and schema that the last record was written with as it was: the next
    /// record with both the same skips `currentSchemas` (a hashed lookup per record otherwise).
    private var lastConformed: (encoded: String, schema: Schema?)? { didSet { ready = nil } }
    /// The file the last record went to, found again without hashing its encoded partition.
    private var lastFile: (encoded: String, file: S3OutputFile)? { didSet { ready = nil } }
    /// Likewise the Avro or Parquet encoder the last record went to.
    private var lastAvro: (encoded: String, encoder: AvroFileEncoder)? { didSet { ready = nil } }
    private var lastParquet: (encoded: String, encoder: ParquetFileEncoder)? { didSet { ready = nil } }
    /// What `writeNow` reads, when the four above agree on `fixedEncoded`: made after a record went
    /// through `write(_:)`, dropped whenever one of them changes. Reading the four optional tuples per
    /// record took a retain and a release of every string and object in them.
    private var ready: Ready?

    private final class Ready {
        let schema: Schema?
        let file: S3OutputFile
        let avro: AvroFileEncoder?
        let parquet: ParquetFileEncoder?

        init(schema: Schema?, file: S3OutputFile, avro: AvroFileEncoder?, parquet: ParquetFileEncoder?) {
            self.schema = schema
            self.file = file
            self.avro = avro
            self.parquet = parquet
        }
    }
    /// DefaultPartitioner's encoded partition, the same for every record of this writer: made once
    /// rather than formatted per record.
    private let fixedEncoded: String?

    init(
        partition: TopicPartition, config: S3SinkConfig, storage: S3Storage, encoder: RecordEncoder,
        now: @escaping () -> Int64
    ) {
        self.partition = partition
        self.config = config
        self.storage = storage
        self.encoder = encoder
        self.now = now
        needsTimestamps = config.partitioner.isTimeBased || config.rotateIntervalMs > 0
        if case .kafkaPartition = config.partitioner {
            fixedEncoded = "partition=\(partition.partition)"
        } else {
            fixedEncoded = nil
        }
    }

    var hasOpenFiles: Bool { !files.isEmpty }
    private let needsTimestamps: Bool

    func write(_ record: SinkRecord) async throws {
        if let nextOffset, record.kafkaOffset < nextOffset { return }  // already in an open file
        if recordCount >= config.flushSize { try await commitFiles() }  // a commit that failed before
        // A value passed through as JSON (`valueJSON`) is never null: JSON `null` is converted.
        let isNull = record.valueJSON == nil && record.value.isNull
        if isNull && config.nullBehavior == .ignore {
            nextOffset = record.kafkaOffset + 1
            return
        }
        if isNull {
            throw ConnectError(
                .data,
                "Null valued record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) cannot be written with behavior.on.null.values=fail; set it to ignore to skip tombstones"
            )
        }
        // Only time-based partitioning and record-time rotation read timestamps (as storage-cloud, which
        // has no extractor otherwise): a RecordField extractor must not fail records it never needed.
        let timestamp = needsTimestamps ? try self.timestamp(of: record) : 0
        // The records of this writer all have its Kafka partition (S3SinkTask routes them by it).
        let encoded =
            try fixedEncoded ?? config.partitioner.encode(record, timestamp: timestamp, delim: config.directoryDelim)
        if shouldRotateOnTime(encoded: encoded, timestamp: timestamp) { try await commitFiles() }
        // Written as it came unless projected: the usual case takes no copy of the record, and, with the
        // schema of the record before, no async call either.
        if let last = lastConformed, last.schema === record.valueSchema, last.encoded == encoded {
            try await write(record, encoded: encoded, timestamp: timestamp)
        } else if let projected = try await conformed(record, encoded: encoded) {
            try await write(projected, encoded: encoded, timestamp: timestamp)
        } else {
            try await write(record, encoded: encoded, timestamp: timestamp)
        }
        if recordCount >= config.flushSize { try await commitFiles() }
        makeReady()
    }

    /// `ready`, if the last record's partition, schema, file and encoder are the ones `writeNow` checks
    /// for: `fixedEncoded`'s, with the format's encoder of the same schema.
    private func makeReady() {
        guard ready == nil, let encoded = fixedEncoded, let conformed = lastConformed, conformed.encoded == encoded,
            let last = lastFile, last.encoded == encoded
        else { return }
        var avro: AvroFileEncoder?
        var parquet: ParquetFileEncoder?
        switch config.format {
        case .avro:
            guard let a = lastAvro, a.encoded == encoded, a.encoder.connectSchema === conformed.schema else { return }
            avro = a.encoder
        case .parquet:
            guard let p = lastParquet, p.encoded == encoded, p.encoder.connectSchema === conformed.schema else {
                return
            }
            parquet = p.encoder
        default: break
        }
        ready = Ready(schema: conformed.schema, file: last.file, avro: avro, parquet: parquet)
    }

    /// What `writeNow` did with a record.
    enum Written {
        /// Nothing: the record needs `write(_:)`.
        case no
        case yes
        /// Written, and these bytes are still to be appended to the file (its buffer was full).
        case thenAppend([UInt8], S3OutputFile)
        /// Written, and the files are to be committed (a Parquet file reached its size limit).
        case thenCommit
    }

    /// The usual record, written without an async call and without a copy of it (S3SinkTask reads the
    /// batch in place): the default partitioner, no timestamps or scheduled rotation, the encoded
    /// partition, schema and file of the record before, no commit due. Anything else (a tombstone, a new
    /// schema, a record that does not encode) answers `.no` having changed nothing, and `write(_:)` takes
    /// it, failures and their messages included. What follows is `write(_:)`'s path for such a record.
    /// The record is read through a pointer into the batch: passed as a value (even `borrowing`), it
    /// was copied, a retain and a release of each of its fields.
    func writeNow(_ r: UnsafePointer<SinkRecord>) -> Written {
        if let nextOffset, r.pointee.kafkaOffset < nextOffset { return .yes }  // already in an open file
        guard recordCount < config.flushSize, !needsTimestamps, nextScheduledRotation == nil, let ready,
            ready.schema === r.pointee.valueSchema, r.pointee.valueJSON != nil || !r.pointee.value.isNull
        else { return .no }
        let file = ready.file
        if let avro = ready.avro {
            let block: [UInt8]?
            do { block = try avro.append(r.pointee.value, data: avroData) } catch { return .no }
            noteWrittenNow(offset: r.pointee.kafkaOffset, file: file)
            return block.map { .thenAppend($0, file) } ?? .yes
        }
        if let parquet = ready.parquet {
            guard sealedParquet.isEmpty else { return .no }
            do { try parquet.append(r.pointee.value) } catch { return .no }
            noteWrittenNow(offset: r.pointee.kafkaOffset, file: file)
            return parquet.isFull ? .thenCommit : .yes
        }
        line.removeAll(keepingCapacity: true)
        do { try encoder.append(r, to: &line) } catch { return .no }
        noteWrittenNow(offset: r.pointee.kafkaOffset, file: file)
        return file.buffer(line) ? .yes : .thenAppend(line, file)
    }

    /// The counting part of `noteWritten`, all a record of the `ready` state needs: the write that made
    /// it set the encoded partition and the base timestamp (0: no timestamps), which only a commit
    /// clears, and a commit drops `ready`.
    private func noteWrittenNow(offset: Int64, file: S3OutputFile) {
        recordCount += 1
        nextOffset = offset + 1
        file.noteRecord(offset: offset)
    }

    private func write(_ record: SinkRecord, encoded: String, timestamp: Int64) async throws {
        if case .avro(let codec) = config.format {
            try await writeAvro(record, encoded: encoded, codec: codec, timestamp: timestamp)
        } else if case .parquet(let codec) = config.format {
            try await writeParquet(record, encoded: encoded, codec: codec, timestamp: timestamp)
        } else {
            line.removeAll(keepingCapacity: true)
            try encoder.append(record, to: &line)
            let file = try fileFor(encoded, startOffset: record.kafkaOffset)
            noteWritten(offset: record.kafkaOffset, file: file, encoded: encoded, timestamp: timestamp)
            if !file.buffer(line) { try await file.append(line) }
        }
    }

    /// `schema.compatibility` (storage-common's StorageSchemaCompatibility): commits the files when the
    /// record's value schema replaces its encoded partition's current one, and returns the record
    /// projected into the current schema when that one stays; nil when the record is written as it is.
    private func conformed(_ record: SinkRecord, encoded: String) async throws -> SinkRecord? {
        let schema = record.valueSchema
        guard let entry = currentSchemas[encoded] else {
            currentSchemas[encoded] = .some(schema)
            lastConformed = (encoded, schema)
            return nil
        }
        if entry === schema {  // the usual case: the converter's cached schema
            lastConformed = (encoded, schema)
            return nil
        }
        let compatibility = config.schemaCompatibility
        let recordAt = "record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset)"
        switch (entry, schema) {
        case (let current?, let schema?):
            if compatibility == .none {
                if current == schema {
                    currentSchemas[encoded] = .some(schema)  // the next records compare by identity
                    return nil
                }
                break
            }
            guard let version = schema.version, let currentVersion = current.version else {
                throw ConnectError(
                    .connect,
                    "Schema version required for \(compatibility.rawValue) compatibility (schema.compatibility): the \(recordAt) or the current schema has none; use NONE, or a converter that gives versions (AvroConverter)"
                )
            }
            let replaces = compatibility == .forward ? version < currentVersion : version > currentVersion
            if !replaces {
                if current == schema { return nil }
                var projected = record
                do { projected.value = try SchemaProjector.project(schema, record.value, to: current) } catch {
                    throw ConnectError(
                        .connect,
                        "Cannot project the \(recordAt) (schema version \(version)) into the current schema version \(currentVersion) under schema.compatibility=\(compatibility.rawValue): \(error)"
                    )
                }
                projected.valueSchema = current
                return projected
            }
        default:
            if compatibility != .none {
                throw ConnectError(
                    .connect,
                    "Switch between schema-based and schema-less data is not supported (the \(recordAt), schema.compatibility=\(compatibility.rawValue))"
                )
            }
        }
        if recordCount > 0 { try await commitFiles() }
        currentSchemas[encoded] = .some(schema)
        lastConformed = (encoded, schema)
        return nil
    }

    private func noteWritten(offset: Int64, file: S3OutputFile, encoded: String, timestamp: Int64) {
        if baseRecordTimestamp == nil { baseRecordTimestamp = timestamp }
        currentEncodedPartition = encoded
        noteWrittenNow(offset: offset, file: file)
    }

    /// One record into its file's Avro container: encoded before anything is appended, so a record that
    /// does not fit its schema (a data error) leaves the file as it was.
    private func writeAvro(
        _ record: SinkRecord, encoded: String, codec: AvroContainerWriter.Codec, timestamp: Int64
    ) async throws {
        guard let schema = record.valueSchema else {
            throw ConnectError(
                .data,
                "AvroFormat needs values with a schema (e.g. JsonConverter with schemas.enable=true, or Avro); \(Self.recordAt(record)) has none"
            )
        }
        let avro: AvroSchema
        do { avro = try avroData.avroSchema(schema) } catch {
            throw ConnectError(.data, "Cannot write \(Self.recordAt(record)) as Avro: \(error)")
        }
        var encoder = avroFiles[encoded]
        if let current = encoder, current.connectSchema !== schema,
            (try? avroData.avroSchema(current.connectSchema)) != avro
        {
            try await commitFiles()  // a new schema starts new files
            encoder = nil
        }
        let isNew = encoder == nil
        let avroFile =
            encoder
            ?? AvroFileEncoder(
                schema: schema, avro: avro, codec: codec,
                key: objectKey(encoded: encoded, startOffset: record.kafkaOffset))
        let block: [UInt8]?
        do { block = try avroFile.append(record.value, data: avroData) } catch {
            throw ConnectError(.data, "Cannot write \(Self.recordAt(record)) as Avro: \(error)")
        }
        if isNew { avroFiles[encoded] = avroFile }
        lastAvro = (encoded, avroFile)
        let file = try fileFor(encoded, startOffset: record.kafkaOffset)
        noteWritten(offset: record.kafkaOffset, file: file, encoded: encoded, timestamp: timestamp)
        if isNew { try await file.append(avroFile.header()) }
        if let block { try await file.append(block) }
    }

    /// Names a record in errors (made only when there is one: formatting it was a per-record cost).
    private static func recordAt(_ record: SinkRecord) -> String {
        "the record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset)"
    }

    /// One record into its file's Parquet rows, checked before it is added (a data error leaves the file
    /// as it was). The object's bytes are made at commit, since Parquet stores each column together.
    private func writeParquet(_ record: SinkRecord, encoded: String, codec: ParquetCodec, timestamp: Int64) async throws
    {
        guard let schema = record.valueSchema else {
            throw ConnectError(
                .data,
                "ParquetFormat needs values with a schema (e.g. JsonConverter with schemas.enable=true, or Avro); \(Self.recordAt(record)) has none"
            )
        }
        if !sealedParquet.isEmpty && sealedParquet.contains(encoded) {
            try await commitFiles()  // its commit failed before: finish that first
        }
        var encoder = parquetFiles[encoded]
        if let current = encoder, current.connectSchema !== schema, current.connectSchema != schema {
            try await commitFiles()  // a new schema starts new files
            encoder = nil
        }
        let parquet: ParquetFileEncoder
        if let encoder {
            parquet = encoder
        } else {
            do { parquet = try ParquetFileEncoder(schema: schema, codec: codec) } catch {
                throw ConnectError(.data, "Cannot write \(Self.recordAt(record)) as Parquet: \(error)")
            }
            parquetFiles[encoded] = parquet
        }
        lastParquet = (encoded, parquet)
        do { try parquet.append(record.value) } catch {
            throw ConnectError(.data, "Cannot write \(Self.recordAt(record)) as Parquet: \(error)")
        }
        let file = try fileFor(encoded, startOffset: record.kafkaOffset)
        noteWritten(offset: record.kafkaOffset, file: file, encoded: encoded, timestamp: timestamp)
        // Before flush.size when the records are large: a column's page must stay under 2 GiB. The cut
        // depends only on the records, so a rewrite after a crash cuts at the same place.
        if parquet.isFull { try await commitFiles() }
    }

    /// Called on every put, records or not: scheduled rotation closes the files of idle partitions.
    func rotateIfScheduled() async throws {
        if recordCount >= config.flushSize && hasOpenFiles { return try await commitFiles() }
        guard let next = nextScheduledRotation, hasOpenFiles, now() >= next else { return }
        try await commitFiles()
    }

    private func shouldRotateOnTime(encoded: String, timestamp: Int64) -> Bool {
        guard hasOpenFiles else { return false }
        if config.rotateIntervalMs > 0, let base = baseRecordTimestamp {
            if timestamp - base >= config.rotateIntervalMs { return true }
            if config.rotateOnPartitionChange && currentEncodedPartition != nil && encoded != currentEncodedPartition {
                return true
            }
        }
        if let next = nextScheduledRotation, now() >= next { return true }
        return false
    }

    private func fileFor(_ encoded: String, startOffset: Int64) throws -> S3OutputFile {
        if let last = lastFile, last.encoded == encoded { return last.file }
        if let f = files[encoded] {
            lastFile = (encoded, f)
            return f
        }
        let f = try S3OutputFile(
            key: objectKey(encoded: encoded, startOffset: startOffset), startOffset: startOffset, storage: storage,
            partSize: config.partSize, gzipLevel: config.gzip ? config.compressionLevel : nil)
        files[encoded] = f
        lastFile = (encoded, f)
        order.append(encoded)
        if config.rotateScheduleIntervalMs > 0 && nextScheduledRotation == nil {
            nextScheduledRotation = nextBoundary(after: now())
        }
        return f
    }

    /// `<topics.dir>/<topic>/<encoded>/<topic>+<partition>+<start offset, zero-padded><ext>`.
    func objectKey(encoded: String, startOffset: Int64) -> String {
        let d = config.directoryDelim
        let offset = PathFormat.pad(startOffset, config.zeroPadWidth)
        let name =
            "\(partition.topic)\(config.fileDelim)\(partition.partition)\(config.fileDelim)\(offset)"
            + encoder.fileExtension + (config.gzip ? ".gz" : "")
        let dir = "\(partition.topic)\(d)\(encoded)"
        return config.topicsDir.isEmpty ? "\(dir)\(d)\(name)" : "\(config.topicsDir)\(d)\(dir)\(d)\(name)"
    }

    /// Completes every open file, in the order they were opened, then moves the offset to commit. A
    /// failure leaves the files that did not complete open, to be retried.
    func commitFiles() async throws {
        lastFile = nil  // the files it names may be completed below
        lastConformed = nil
        lastAvro = nil
        lastParquet = nil
        for encoded in order {
            guard let f = files[encoded] else { continue }
            if let avro = avroFiles[encoded] {
                let last = try avro.finish()
                if !last.isEmpty { try await f.append(last) }
            }
            if let parquet = parquetFiles[encoded] {
                // The bytes are the file's from here on, even if an upload below fails: the retry commits
                // them as they are.
                let bytes = try parquet.finish()
                parquetFiles[encoded] = nil
                sealedParquet.insert(encoded)
                try await f.append(bytes)
            }
            try await f.commit()
            if config.objectTagging.enabled {
                // Confluent's tags: the offsets and count of the records in the object, then the extra pairs.
                try await storage.tag(
                    key: f.key,
                    [
                        ("startOffset", String(f.startOffset)), ("endOffset", String(f.endOffset)),
                        ("recordCount", String(f.recordCount)),
                    ] + config.objectTagging.extra, failOnError: config.objectTagging.failOnError)
            }
            files[encoded] = nil
            avroFiles[encoded] = nil
            parquetFiles[encoded] = nil
            sealedParquet.remove(encoded)
        }
        order.removeAll()
        currentSchemas.removeAll()
        recordCount = 0
        baseRecordTimestamp = nil
        currentEncodedPartition = nil
        nextScheduledRotation = nil
        if let nextOffset { offsetToCommit = nextOffset }
    }

    /// Drops the open files (partition revoked or task stopping): nothing half-written becomes visible;
    /// the records are consumed again from the committed offset by whoever gets the partition.
    func abandon() async {
        for f in files.values { await f.abort() }
        files.removeAll()
        lastFile = nil
        lastConformed = nil
        lastAvro = nil
        lastParquet = nil
        avroFiles.removeAll()
        parquetFiles.removeAll()
        sealedParquet.removeAll()
        order.removeAll()
        currentSchemas.removeAll()
    }

    /// Bytes held in memory for open files.
    var bufferedBytes: Int { files.values.reduce(0) { $0 + $1.bufferedBytes } }

    private func timestamp(of record: SinkRecord) throws -> Int64 {
        switch config.timestamps {
        case .wallclock:
            return now()
        case .record:
            guard let t = record.timestamp, t >= 0 else {
                throw ConnectError(
                    .data,
                    "Unable to determine timestamp using timestamp.extractor Record for the record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset): it has no timestamp"
                )
            }
            return t
        case .recordField(let field):
            return try S3Partitioner.recordFieldTimestamp(record, field: field)
        }
    }

    /// The next multiple of `rotate.schedule.interval.ms` after `t`, counted from midnight in `timezone`
    /// (storage-cloud's `getNextTimeAdjustedByDay`).
    private func nextBoundary(after t: Int64) -> Int64 {
        let interval = config.rotateScheduleIntervalMs
        let offsetMs = Int64((config.zone ?? .utc).offset(atUTC: CivilDate.floorDiv(t, 1000))) * 1000
        let local = t + offsetMs
        let midnight = CivilDate.floorDiv(local, 86_400_000) * 86_400_000
        let next = midnight + ((local - midnight) / interval + 1) * interval
        return next - offsetMs
    }
}

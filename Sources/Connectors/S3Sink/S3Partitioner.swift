import ConnectAPI

/// Storage-common's partitioners: where in the bucket a record's file goes (the "encoded partition").
enum S3Partitioner: Sendable {
    /// `partition=<kafka partition>`
    case kafkaPartition
    /// `f1=v1/f2=v2` from fields of the value.
    case field([String])
    /// The record's timestamp floored to `durationMs` in `zone`, formatted with `path`.
    case time(durationMs: Int64, path: PathFormat, zone: ZoneId)

    var isTimeBased: Bool {
        if case .time = self { return true }
        return false
    }

    /// Reads `partitioner.class` and its keys. `checkOnly` skips the zone (validated separately).
    init(_ c: ParsedConfig, zone: ZoneId?, delim: String, checkOnly: Bool = false) throws {
        let className = (c.string("partitioner.class") ?? "").trimmingWhitespace()
        let short = S3SinkConfig.shortName(className)
        func fail(_ key: String, _ value: String, _ reason: String) -> S3SinkConfig.PartitionerConfigError {
            S3SinkConfig.PartitionerConfigError(
                key: key, message: "Invalid value \(value) for configuration \(key): \(reason)")
        }
        switch short {
        case "DefaultPartitioner":
            self = .kafkaPartition
            return
        case "FieldPartitioner":
            let fields = c.list("partition.field.name")
            if fields.isEmpty {
                throw fail("partition.field.name", "", "FieldPartitioner needs at least one field name")
            }
            self = .field(fields)
            return
        case "TimeBasedPartitioner", "DailyPartitioner", "HourlyPartitioner":
            break
        default:
            throw fail(
                "partitioner.class", className,
                "use DefaultPartitioner, FieldPartitioner, TimeBasedPartitioner, DailyPartitioner or HourlyPartitioner of io.confluent.connect.storage.partitioner"
            )
        }
        var duration = c.int64("partition.duration.ms") ?? -1
        var pattern = c.string("path.format") ?? ""
        if short == "DailyPartitioner" {
            duration = 86_400_000
            pattern = "'year'=YYYY\(delim)'month'=MM\(delim)'day'=dd"
        } else if short == "HourlyPartitioner" {
            duration = 3_600_000
            pattern = "'year'=YYYY\(delim)'month'=MM\(delim)'day'=dd\(delim)'hour'=HH"
        }
        if duration <= 0 {
            throw fail("partition.duration.ms", String(duration), "Partition duration needs to be a positive.")
        }
        if pattern.isEmpty || pattern == delim {
            throw fail("path.format", pattern, "Path format cannot be empty.")
        }
        if (c.string("locale") ?? "").trimmingWhitespace().isEmpty {
            throw fail("locale", "", "Locale cannot be empty.")
        }
        let tz = (c.string("timezone") ?? "").trimmingWhitespace()
        if tz.isEmpty { throw fail("timezone", "", "Timezone cannot be empty.") }
        let path: PathFormat
        do { path = try PathFormat(pattern, delim: delim) } catch let e as PathFormat.Invalid {
            throw fail("path.format", pattern, e.reason)
        }
        if checkOnly {
            self = .time(durationMs: duration, path: path, zone: .utc)
            return
        }
        guard let zone else { throw fail("timezone", tz, "not a known time zone") }
        self = .time(durationMs: duration, path: path, zone: zone)
    }

    /// The encoded partition of a record; `timestamp` is the extractor's answer (time-based only).
    func encode(_ record: SinkRecord, timestamp: Int64, delim: String) throws -> String {
        switch self {
        case .kafkaPartition:
            return "partition=\(record.kafkaPartition ?? 0)"
        case .field(let names):
            var parts: [String] = []
            for name in names {
                let v = try Self.fieldValue(record, path: name)
                switch v {
                case .int8, .int16, .int32, .int64: parts.append("\(name)=\(v.int64Value!)")
                case .string(let s): parts.append("\(name)=\(s)")
                case .boolean(let b): parts.append("\(name)=\(b)")
                case .null: parts.append("\(name)=null")
                default:
                    throw ConnectError(
                        .data,
                        "Error encoding partition: field \(name) of the record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) is a \(v.kindName); FieldPartitioner takes integers, strings and booleans"
                    )
                }
            }
            return parts.joined(separator: delim)
        case .time(let duration, let path, let zone):
            // Floor in local time, as storage-common's TimeBasedPartitioner (UTC → local, floor, back).
            let offsetMs = Int64(zone.offset(atUTC: CivilDate.floorDiv(timestamp, 1000))) * 1000
            let local = timestamp + offsetMs
            let floored = CivilDate.floorDiv(local, duration) * duration
            return path.format(localMillis: floored)
        }
    }

    /// A (possibly nested, `a.b`) field of the value: a Struct field or a map entry with a string key.
    static func fieldValue(_ record: SinkRecord, path: String) throws -> Value {
        var current = record.value
        for part in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            switch current {
            case .struct(let s):
                guard let v = s[part] else {
                    throw ConnectError(
                        .data,
                        "Record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) has no field \(path) (no \(part) in its schema)"
                    )
                }
                current = v
            case .map(let entries):
                guard let e = entries.first(where: { $0.key == .string(part) }) else {
                    throw ConnectError(
                        .data,
                        "Record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) has no field \(path)"
                    )
                }
                current = e.value
            default:
                throw ConnectError(
                    .data,
                    "Record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset): cannot read field \(path) from a \(current.kindName) value (a Struct or a JSON object is needed)"
                )
            }
        }
        return current
    }
}

/// A `path.format` (Joda-Time letters, see `DateTimePattern`); a trailing directory delimiter is dropped.
struct PathFormat: Sendable {
    typealias Invalid = DateTimePattern.Invalid
    let pattern: DateTimePattern

    init(_ pattern: String, delim: String) throws {
        var p = pattern
        if !delim.isEmpty && p.hasSuffix(delim) { p.removeLast(delim.count) }
        self.pattern = try DateTimePattern(p)
    }

    /// Formats wall-clock milliseconds (already in the zone).
    func format(localMillis: Int64) -> String { pattern.format(localMillis: localMillis) }

    static func pad(_ v: Int64, _ width: Int) -> String { DateTimePattern.pad(v, width) }
}

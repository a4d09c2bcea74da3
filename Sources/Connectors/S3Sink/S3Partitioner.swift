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
    /// A null struct on the way makes the field null (storage-common's `DataUtils.getNestedFieldValue`
    /// fails there and FieldPartitioner writes `a.b=null`), as long as the schema has the field.
    static func fieldValue(_ record: SinkRecord, path: String) throws -> Value {
        var current = record.value
        var schema = record.valueSchema
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for (i, part) in parts.enumerated() {
            switch current {
            case .struct(let s):
                guard let v = s[part] else {
                    throw ConnectError(
                        .data,
                        "Record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) has no field \(path) (no \(part) in its schema)"
                    )
                }
                current = v
                schema = s.schema.field(named: part)?.schema
            case .map(let entries):
                guard let e = entries.first(where: { $0.key == .string(part) }) else {
                    throw ConnectError(
                        .data,
                        "Record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) has no field \(path)"
                    )
                }
                current = e.value
                schema = schema?.valueSchema
            case .null where i > 0 && schema?.type == .struct:
                // The rest of the path must still be in the schema.
                var s = schema
                for rest in parts[i...] {
                    guard let f = s?.field(named: rest) else {
                        throw ConnectError(
                            .data,
                            "Record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) has no field \(path) (no \(rest) in its schema)"
                        )
                    }
                    s = f.schema
                }
                return .null
            default:
                throw ConnectError(
                    .data,
                    "Record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset): cannot read field \(path) from a \(current.kindName) value (a Struct or a JSON object is needed)"
                )
            }
        }
        return current
    }

    /// The `RecordField` extractor's timestamp (storage-common's RecordFieldTimestampExtractor): integers
    /// and Timestamps as epoch milliseconds, strings of up to 19 digits as epoch milliseconds and other
    /// strings as ISO-8601 date-times (Joda's `dateTimeParser`; without an offset in UTC, the JVM zone
    /// Connect runs in); in a schemaless map any number (a fraction is cut off).
    static func recordFieldTimestamp(_ record: SinkRecord, field: String) throws -> Int64 {
        let v = try fieldValue(record, path: field)
        if let t = v.int64Value { return t }
        switch v {
        case .string(let s):
            if let t = numericTimestamp(s) { return t }
            guard let t = IsoDateTime.parseMillis(s) else {
                throw ConnectError(
                    .data,
                    "Invalid format: \"\(s)\" (timestamp.field \(field) of the record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) is no ISO-8601 date-time)"
                )
            }
            return t
        case .float32(let f) where record.valueSchema == nil && f.isFinite && abs(f) < 9.2e18: return Int64(f)
        case .float64(let f) where record.valueSchema == nil && f.isFinite && abs(f) < 9.2e18: return Int64(f)
        default:
            throw ConnectError(
                .data,
                "Error extracting timestamp from record field: \(field) (the record at \(record.topic)-\(record.kafkaPartition ?? 0) offset \(record.kafkaOffset) has a \(v.kindName) there; epoch milliseconds, a Timestamp or an ISO-8601 string is needed)"
            )
        }
    }

    /// `^-?[0-9]{1,19}$` that fits in an Int64.
    private static func numericTimestamp(_ s: String) -> Int64? {
        let digits = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
        guard (1...19).contains(digits.count), digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int64(s)
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

/// ISO-8601 date-times as Joda-Time's `ISODateTimeFormat.dateTimeParser` reads them for the RecordField
/// extractor: `yyyy[-MM[-dd]]` then optionally `T` and `HH[:mm[:ss[.fraction]]]` and an offset (`Z`,
/// `±HH`, `±HH:mm`, `±HHmm`); without an offset the time is UTC. Week and ordinal dates are not read.
enum IsoDateTime {
    static func parseMillis(_ s: String) -> Int64? {
        var p = Array(s.utf8)[...]
        func digits(_ n: Int) -> Int? {
            guard p.count >= n, p.prefix(n).allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            let v = p.prefix(n).reduce(0) { $0 * 10 + Int($1 - 48) }
            p = p.dropFirst(n)
            return v
        }
        func take(_ c: Character) -> Bool {
            guard p.first == c.asciiValue else { return false }
            p = p.dropFirst()
            return true
        }
        guard let year = digits(4) else { return nil }
        var month = 1
        var day = 1
        if take("-") {
            guard let m = digits(2), (1...12).contains(m) else { return nil }
            month = m
            if take("-") {
                guard let d = digits(2), (1...31).contains(d) else { return nil }
                day = d
            }
        }
        var millis: Int64 = 0
        var offsetSeconds: Int64 = 0
        if take("T") {
            guard let h = digits(2), h < 24 else { return nil }
            millis = Int64(h) * 3_600_000
            if take(":") {
                guard let m = digits(2), m < 60 else { return nil }
                millis += Int64(m) * 60_000
                if take(":") {
                    guard let sec = digits(2), sec < 60 else { return nil }
                    millis += Int64(sec) * 1000
                    if take(".") || take(",") {
                        // Milliseconds: further digits are read and dropped.
                        var scale: Int64 = 100
                        var any = false
                        while let d = digits(1) {
                            millis += Int64(d) * scale
                            scale /= 10
                            any = true
                        }
                        guard any else { return nil }
                    }
                }
            }
            if take("Z") {
            } else if p.first == UInt8(ascii: "+") || p.first == UInt8(ascii: "-") {
                let sign: Int64 = take("+") ? 1 : (take("-") ? -1 : 0)
                guard let oh = digits(2), oh < 24 else { return nil }
                var om = 0
                if take(":") {
                    guard let m = digits(2), m < 60 else { return nil }
                    om = m
                } else if let m = digits(2) {
                    guard m < 60 else { return nil }
                    om = m
                }
                offsetSeconds = sign * Int64(oh * 3600 + om * 60)
            }
        }
        guard p.isEmpty else { return nil }
        let days = CivilDate.days(year, month, day)
        // February 30th and the like are refused, as Joda refuses them.
        guard CivilDate.civil(fromDays: days) == (Int64(year), Int64(month), Int64(day)) else { return nil }
        return days * 86_400_000 + millis - offsetSeconds * 1000
    }
}

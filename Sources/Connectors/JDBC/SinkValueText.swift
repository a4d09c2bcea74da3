import ConnectAPI

#if canImport(Glibc)
    import Glibc
#endif

/// Connect values as PostgreSQL text parameters (what Confluent's dialect binds with `setXxx`,
/// reference connectors.md §2.3a): the server parses them as the target column's type.
enum SinkValueText {
    /// memchr over the text's bytes (JSON-parsed strings are contiguous): a byte loop over `utf8` was a
    /// measurable part of the sink's CPU.
    static func containsNUL(_ s: String) -> Bool {
        s.utf8.withContiguousStorageIfAvailable { b in b.baseAddress.map { memchr($0, 0, b.count) != nil } ?? false }
            ?? s.utf8.contains(0)
    }

    struct Failure: Error {
        let reason: String
    }

    /// The text of `value` under `schema` (nil: SQL NULL). Logical types follow the schema's name.
    static func text(_ value: Value, schema: Schema?, zone: DbTimeZone, dateInZone: Bool) throws(Failure) -> String? {
        switch value {
        case .null: return nil
        case .boolean(let b): return b ? "t" : "f"
        case .int8(let v): return String(v)
        case .int16(let v): return String(v)
        case .int32(let v):
            switch schema?.name {
            case LogicalType.dateName:
                let millis = Int64(v) * 86_400_000
                return dateInZone ? zoneText(millis, 0, zone).date : zoneText(millis, 0, .utc).date
            case LogicalType.timeName:
                return zoneText(Int64(v), 0, zone).time
            default: return String(v)
            }
        case .int64(let v):
            if schema?.name == LogicalType.timestampName {
                return zoneText(v, Int32(((v % 1000) + 1000) % 1000) * 1_000_000, zone).timestamp
            }
            return String(v)
        case .float32(let v): return floatText(Double(v))
        case .float64(let v): return floatText(v)
        case .string(let s):
            guard !containsNUL(s) else {
                throw Failure(reason: "text contains a NUL character, which PostgreSQL cannot store")
            }
            return s
        case .bytes(let b): return byteaText(b)
        case .decimal(let d): return d.description
        case .array(let items):
            var parts: [String] = []
            for item in items {
                parts.append(try arrayElement(item, schema: schema?.valueSchema, zone: zone, dateInZone: dateInZone))
            }
            return "{" + parts.joined(separator: ",") + "}"
        case .map, .struct:
            // Schemaless JSON objects go to json/jsonb columns as their JSON text.
            if schema == nil { return JSONWriter.string(jsonValue(value)) }
            throw Failure(reason: "\(value.kindName) values have no PostgreSQL column type")
        }
    }

    /// Wall-clock renderings of an instant in `zone`, with its offset for timestamps (exact for
    /// timestamptz columns; timestamp columns keep the wall time, as JDBC's setTimestamp with a calendar).
    static func zoneText(_ millis: Int64, _ nanos: Int32, _ zone: DbTimeZone) -> (
        date: String, time: String, timestamp: String
    ) {
        let w = WallClock(millis: millis, zone: zone)
        let ms = WallClock.pad(((millis % 1000) + 1000) % 1000, 3)
        return (
            w.date + w.era, "\(w.clock).\(ms)",
            "\(w.date) \(w.clock).\(WallClock.pad(Int64(nanos) / 1000, 6))\(w.offsetText)\(w.era)"
        )
    }

    /// A `timestamp.fields.list` value: an INT64, or a STRING of digits, counting micro- or nanoseconds
    /// since the epoch, as a timestamp in `zone` (Confluent binds it with setTimestamp in db.timezone).
    /// Nanoseconds are rounded (half up) to the microseconds PostgreSQL keeps. Other values are written
    /// as they are.
    static func epochTimestampText(_ value: Value, nanos: Bool, zone: DbTimeZone) throws(Failure) -> String? {
        var count: Int64
        switch value {
        case .int64(let v): count = v
        case .string(let s):
            guard let v = Int64(s.trimmingWhitespace()) else {
                throw Failure(
                    reason:
                        "\"\(s)\" is not a whole number of \(nanos ? "nanoseconds" : "microseconds") since the epoch (timestamp.fields.list)"
                )
            }
            count = v
        default:
            return try text(value, schema: nil, zone: zone, dateInZone: true)
        }
        if nanos { count = CivilDate.floorDiv(count, 1000) + (CivilDate.floorMod(count, 1000) >= 500 ? 1 : 0) }
        let fraction = Int32(CivilDate.floorMod(count, 1_000_000) * 1000)
        return zoneText(CivilDate.floorDiv(count, 1000), fraction, zone).timestamp
    }

    static func floatText(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
        return "\(v)"
    }

    static func byteaText(_ b: [UInt8]) -> String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + b.count * 2)
        for byte in b {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An element of a PostgreSQL array literal: quoted, with `"` and `\` escaped; NULL unquoted.
    private static func arrayElement(_ v: Value, schema: Schema?, zone: DbTimeZone, dateInZone: Bool) throws(Failure)
        -> String
    {
        guard let t = try text(v, schema: schema, zone: zone, dateInZone: dateInZone) else { return "NULL" }
        var out = "\""
        for c in t.unicodeScalars {
            if c == "\"" || c == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(c)
        }
        return out + "\""
    }

    /// A schemaless value as JSON (maps with string keys become objects).
    static func jsonValue(_ v: Value) -> JSONValue {
        switch v {
        case .null: return .null
        case .boolean(let b): return .bool(b)
        case .int8(let i): return .int(Int64(i))
        case .int16(let i): return .int(Int64(i))
        case .int32(let i): return .int(Int64(i))
        case .int64(let i): return .int(i)
        case .float32(let f): return .number(JavaNumberFormat.float(f))
        case .float64(let f): return .number(JavaNumberFormat.double(f))
        case .string(let s): return .string(s)
        case .bytes(let b): return .string(Base64.encode(b))
        case .decimal(let d): return .string(d.description)
        case .array(let items): return .array(items.map(jsonValue))
        case .map(let entries):
            return .object(JSONObject(entries.map { ($0.key.stringValue ?? $0.key.javaString, jsonValue($0.value)) }))
        case .struct(let s):
            return .object(JSONObject(s.schema.fields.map { ($0.name, jsonValue(s.values[$0.index])) }))
        }
    }
}

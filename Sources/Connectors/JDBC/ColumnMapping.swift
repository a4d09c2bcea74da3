import ConnectAPI
import PostgresClient

/// How one result column becomes a Connect field: its schema and how its text is read
/// (reference connectors.md §1.5, Confluent's PostgreSQL dialect over pgjdbc's type map).
struct ColumnMapping: Sendable {
    enum Reader: Sendable {
        case int16, int32, int64, float32, float64, money, boolean, string, bytes, date, time, timestamp
        case decimal(scale: Int32)
        /// NUMERIC mapped to an integer (numeric.mapping): Java narrows, so the value wraps.
        case numericInt(Schema.SchemaType)
        case numericDouble
        /// timestamp/timestamptz under a `timestamp.granularity` other than connect_logical.
        case timestampAs(JdbcSourceConfig.TimestampGranularity)
    }

    let column: Int
    let name: String
    let schema: Schema
    let reader: Reader

    /// The mapping of `col`, or nil when Connect has no type for it (arrays, interval, inet, …: dropped,
    /// as Confluent's connector drops them). `warn` gets a message for dropped columns and for
    /// unconstrained NUMERIC columns whose mapping loses the fraction.
    static func make(
        column i: Int, _ col: PostgresColumn, optional: Bool, numericMapping: JdbcSourceConfig.NumericMapping,
        timestampGranularity: JdbcSourceConfig.TimestampGranularity = .connectLogical, warn: (String) -> Void
    ) -> ColumnMapping? {
        func plain(_ t: Schema.SchemaType, _ r: Reader) -> ColumnMapping {
            ColumnMapping(column: i, name: col.name, schema: Schema(type: t, optional: optional), reader: r)
        }
        switch col.typeOID {
        case 21: return plain(.int16, .int16)
        case 23: return plain(.int32, .int32)
        case 20, 26: return plain(.int64, .int64)
        case 700: return plain(.float32, .float32)
        case 701: return plain(.float64, .float64)
        case 790: return plain(.float64, .money)
        case 16: return plain(.boolean, .boolean)
        case 1560 where col.typeModifier <= 1: return plain(.boolean, .boolean)
        case 25, 1043, 1042, 19, 18, 142, 114, 3802, 2950: return plain(.string, .string)
        case 17: return plain(.bytes, .bytes)
        case 1082:
            return ColumnMapping(column: i, name: col.name, schema: LogicalType.date(optional: optional), reader: .date)
        case 1083, 1266:
            return ColumnMapping(column: i, name: col.name, schema: LogicalType.time(optional: optional), reader: .time)
        case 1114, 1184:
            if timestampGranularity != .connectLogical {
                return plain(timestampGranularity.isString ? .string : .int64, .timestampAs(timestampGranularity))
            }
            return ColumnMapping(
                column: i, name: col.name, schema: LogicalType.timestamp(optional: optional), reader: .timestamp)
        case 1700:
            return numeric(column: i, col, optional: optional, mapping: numericMapping, warn: warn)
        default:
            warn(
                "JDBC type \(col.typeOID) of column \(col.name) is not supported: the column is left out of the records"
            )
            return nil
        }
    }

    private static func numeric(
        column i: Int, _ col: PostgresColumn, optional: Bool, mapping: JdbcSourceConfig.NumericMapping,
        warn: (String) -> Void
    ) -> ColumnMapping {
        // Unconstrained numeric: pgjdbc reports precision 0 and scale 0.
        let (precision, scale) = col.numericPrecisionScale ?? (0, 0)
        let unconstrained = col.numericPrecisionScale == nil
        func int() -> ColumnMapping {
            if unconstrained {
                warn(
                    "Column \(col.name) is an unconstrained NUMERIC: numeric.mapping=\(mapping.rawValue) maps it to INT8, as Confluent's connector does, which truncates fractions and wraps values beyond ±127. Declare numeric(p,s) or use numeric.mapping=none."
                )
            }
            let t: Schema.SchemaType = precision > 9 ? .int64 : precision > 4 ? .int32 : precision > 2 ? .int16 : .int8
            return ColumnMapping(
                column: i, name: col.name, schema: Schema(type: t, optional: optional), reader: .numericInt(t))
        }
        func double() -> ColumnMapping {
            ColumnMapping(
                column: i, name: col.name, schema: Schema(type: .float64, optional: optional), reader: .numericDouble)
        }
        switch mapping {
        case .precisionOnly where scale == 0 && precision <= 18: return int()
        case .bestFit where precision <= 18 && scale == 0: return int()
        case .bestFit where precision <= 18 && scale > 0: return double()
        case .bestFitEagerDouble where scale > 0: return double()
        case .bestFitEagerDouble where precision <= 18: return int()
        default:
            // Decimal; an unconstrained numeric gets scale 127, as Confluent's PostgreSQL dialect gives it.
            let s = unconstrained ? 127 : scale
            return ColumnMapping(
                column: i, name: col.name,
                schema: LogicalType.decimal(scale: Int32(s), optional: optional, precision: precision),
                reader: .decimal(scale: Int32(s)))
        }
    }

    /// Reads this column of `row`. Throws when the text cannot be read as the column's type.
    func value(_ batch: PostgresRowBatch, _ row: Int, zone: DbTimeZone) throws -> Value {
        guard let v = Self.read(reader, column, batch, row, zone: zone) else {
            let b = batch.bytes(row, column)
            throw ConnectError(
                .data,
                "Cannot read column \(name) value '\(String(decoding: b.prefix(64), as: UTF8.self))' as \(reader)")
        }
        return v
    }

    /// The value, or nil when the text is not of the column's type. Static and free of references, so
    /// the per-row loop does no reference counting for the mapping itself.
    static func read(_ reader: Reader, _ column: Int, _ batch: PostgresRowBatch, _ row: Int, zone: DbTimeZone) -> Value?
    {
        if batch.isNull(row, column) { return .null }
        let b = batch.bytes(row, column)
        func bad() -> Value? { nil }
        switch reader {
        case .int16:
            guard let v = PostgresText.int64(b), let n = Int16(exactly: v) else { return bad() }
            return .int16(n)
        case .int32:
            guard let v = PostgresText.int64(b), let n = Int32(exactly: v) else { return bad() }
            return .int32(n)
        case .int64:
            guard let v = PostgresText.int64(b) else { return bad() }
            return .int64(v)
        case .float32:
            guard let v = Float(String(decoding: b, as: UTF8.self)) else { return bad() }
            return .float32(v)
        case .float64:
            guard let v = PostgresText.double(b) else { return bad() }
            return .float64(v)
        case .money:
            let cleaned = String(
                decoding: b.filter { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }, as: UTF8.self)
            guard let v = Double(cleaned) else { return bad() }
            return .float64(b.first == UInt8(ascii: "(") ? -v : v)
        case .boolean:
            return .boolean(b.first == UInt8(ascii: "t") || b.first == UInt8(ascii: "1"))
        case .string:
            return .string(String(decoding: b, as: UTF8.self))
        case .bytes:
            guard let v = PostgresText.bytea(b) else { return bad() }
            return .bytes(v)
        case .date:
            guard let v = PostgresText.date(b) else { return bad() }
            return .int32(v)
        case .time:
            guard let v = PostgresText.time(b, zone: zone) else { return bad() }
            return .int32(v)
        case .timestamp:
            guard let v = PostgresText.timestamp(b, zone: zone) else { return bad() }
            return .int64(v.millis)
        case .decimal(let scale):
            guard let d = Self.decimal(String(decoding: b, as: UTF8.self), scale: Int(scale)) else { return bad() }
            return .decimal(d)
        case .numericInt(let t):
            let text = String(decoding: b, as: UTF8.self)
            let whole = text.split(separator: ".", maxSplits: 1).first.map(String.init) ?? text
            guard let v = Int64(whole) else { return bad() }
            switch t {
            case .int8: return .int8(Int8(truncatingIfNeeded: v))
            case .int16: return .int16(Int16(truncatingIfNeeded: v))
            case .int32: return .int32(Int32(truncatingIfNeeded: v))
            default: return .int64(v)
            }
        case .numericDouble:
            guard let v = PostgresText.double(b) else { return bad() }
            return .float64(v)
        case .timestampAs(let g):
            guard let v = PostgresText.timestamp(b, zone: zone) else { return bad() }
            return g.value(millis: v.millis, nanos: v.nanos, zone: zone)
        }
    }

    /// Numeric text at exactly `scale` fraction digits (padded; longer fractions are cut, as the column's
    /// declared scale never produces them). NaN and infinities have no Decimal.
    static func decimal(_ text: String, scale: Int) -> ConnectDecimal? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        if fraction.count < scale {
            fraction += String(repeating: "0", count: scale - fraction.count)
        } else if fraction.count > scale {
            fraction = String(fraction.prefix(scale))
        }
        return ConnectDecimal(scale > 0 ? "\(whole).\(fraction)" : String(whole))
    }
}

import ConnectAPI

/// Parsers for PostgreSQL's text output (DateStyle ISO, bytea_output hex), reading the bytes libpq
/// hands over without building intermediate strings: this runs once per column per row.
enum PostgresText {
    /// Days since 1970-01-01 of `YYYY-MM-DD` (with an optional ` BC`); nil for `infinity` and garbage.
    static func date(_ b: UnsafeRawBufferPointer) -> Int32? {
        var i = 0
        guard let (y, m, d) = ymd(b, &i) else { return nil }
        let bc = b.count >= i + 3 && b[b.count - 2] == UInt8(ascii: "B") && b[b.count - 1] == UInt8(ascii: "C")
        return Int32(truncatingIfNeeded: CivilDate.days(bc ? 1 - y : y, m, d))
    }

    /// Milliseconds of the day of `HH:MM:SS[.ffffff][+TZ]` in UTC: shifted by the offset when one is
    /// present, else read as a time of 1970-01-01 in `zone` (what a JDBC `getTime` with a Calendar does).
    static func time(_ b: UnsafeRawBufferPointer, zone: DbTimeZone) -> Int32? {
        var i = 0
        guard let (ms, _) = clock(b, &i) else { return nil }
        var result = ms
        if i < b.count, let off = offset(b, &i) {
            result -= Int64(off) * 1000
        } else {
            result -= Int64(zone.offset(forLocal: ms / 1000)) * 1000
        }
        let day: Int64 = 86_400_000
        return Int32(((result % day) + day) % day)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff][+TZ][ BC]` → epoch milliseconds and the full fractional second in
    /// nanoseconds (Java's `Timestamp.getNanos()`). Values without an offset are wall-clock times in
    /// `zone` (the connector's `db.timezone`).
    static func timestamp(_ b: UnsafeRawBufferPointer, zone: DbTimeZone) -> (millis: Int64, nanos: Int32)? {
        var i = 0
        guard let (y, m, d) = ymd(b, &i), i < b.count, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "T")
        else { return nil }
        i += 1
        guard let (msOfDay, nanos) = clock(b, &i) else { return nil }
        var explicit: Int?
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), let o = offset(b, &i) { explicit = o }
        var year = y
        if b.count >= 3 && b[b.count - 2] == UInt8(ascii: "B") && b[b.count - 1] == UInt8(ascii: "C") {
            year = 1 - y
        }
        let local = CivilDate.days(year, m, d) * 86_400_000 + msOfDay
        let off =
            explicit ?? zone.fixedOffset ?? zone.offset(forLocal: local >= 0 ? local / 1000 : (local - 999) / 1000)
        let millis = local - Int64(off) * 1000
        return (millis, nanos)
    }

    /// Hex bytea (`\x48656c6c6f`).
    static func bytea(_ b: UnsafeRawBufferPointer) -> [UInt8]? {
        guard b.count >= 2, b[0] == UInt8(ascii: "\\"), b[1] == UInt8(ascii: "x"), b.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity((b.count - 2) / 2)
        var i = 2
        while i < b.count {
            guard let hi = hex(b[i]), let lo = hex(b[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func int64(_ b: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        var negative = false
        if b.count > 0, b[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        while i < b.count {
            let c = b[i] &- 0x30
            guard c < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(c)) : m.addingReportingOverflow(Int64(c))
            guard !o1, !o2 else { return nil }
            v = a
            i += 1
        }
        return v
    }

    static func double(_ b: UnsafeRawBufferPointer) -> Double? {
        Double(exactDecimal: b) ?? Double(String(decoding: b, as: UTF8.self))
    }

    // MARK: pieces

    private static func digits(_ b: UnsafeRawBufferPointer, _ i: inout Int, count: Int) -> Int? {
        guard i + count <= b.count else { return nil }
        var v = 0
        for k in 0..<count {
            let c = b[i + k] &- 0x30
            guard c < 10 else { return nil }
            v = v * 10 + Int(c)
        }
        i += count
        return v
    }

    private static func ymd(_ b: UnsafeRawBufferPointer, _ i: inout Int) -> (Int, Int, Int)? {
        // Years may have more than four digits (e.g. 10000-01-01).
        var y = 0
        var n = 0
        while i < b.count, b[i] &- 0x30 < 10 {
            y = y * 10 + Int(b[i] - 0x30)
            i += 1
            n += 1
        }
        guard n >= 4, i < b.count, b[i] == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let m = digits(b, &i, count: 2), i < b.count, b[i] == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let d = digits(b, &i, count: 2) else { return nil }
        return (y, m, d)
    }

    /// `HH:MM:SS[.f…]` → (ms of day, fraction in ns).
    private static func clock(_ b: UnsafeRawBufferPointer, _ i: inout Int) -> (Int64, Int32)? {
        guard let h = digits(b, &i, count: 2), i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let mi = digits(b, &i, count: 2), i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let s = digits(b, &i, count: 2) else { return nil }
        var nanos = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100_000_000
            while i < b.count, b[i] &- 0x30 < 10 {
                nanos += Int(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        let ms = Int64(h) * 3_600_000 + Int64(mi) * 60_000 + Int64(s) * 1000 + Int64(nanos / 1_000_000)
        return (ms, Int32(nanos))
    }

    /// `+HH[:MM[:SS]]` / `-HH…` → seconds east of UTC.
    private static func offset(_ b: UnsafeRawBufferPointer, _ i: inout Int) -> Int? {
        guard i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
        let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
        i += 1
        guard let h = digits(b, &i, count: 2) else { return nil }
        var secs = h * 3600
        if i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            guard let m = digits(b, &i, count: 2) else { return nil }
            secs += m * 60
            if i < b.count, b[i] == UInt8(ascii: ":") {
                i += 1
                guard let s = digits(b, &i, count: 2) else { return nil }
                secs += s
            }
        }
        return sign * secs
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}

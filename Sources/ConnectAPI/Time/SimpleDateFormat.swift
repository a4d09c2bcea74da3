/// `java.text.SimpleDateFormat` as Kafka's timestamp SMTs use it: time zone UTC, lenient (the
/// default), in `GregorianCalendar`'s calendar (Julian before 1582-10-15). For the pattern letters
/// `DateTimePattern` reads: `y M d H m s S D` (numbers), `z`, `Z` and `X` (zones), quoted and other
/// literals.
extension DateTimePattern {
    /// Formats epoch milliseconds as `SimpleDateFormat.format` does in UTC.
    public func formatLikeSimpleDateFormat(millis: Int64) -> String {
        let days = CivilDate.floorDiv(millis, 86_400_000)
        let msOfDay = millis - days * 86_400_000
        let (y, m, d) = JavaCalendar.civil(fromDays: days)
        let yearOfEra = y > 0 ? y : 1 - y  // the YEAR field counts the years before Christ from 1
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): out += s
            case .field(let c, let n):
                switch c {
                case "Y", "y": out += n == 2 ? Self.pad(yearOfEra % 100, 2) : Self.pad(yearOfEra, n)
                case "M": out += Self.pad(m, n)
                case "d": out += Self.pad(d, n)
                case "D": out += Self.pad(days - JavaCalendar.days(year: y, month0: 0, day: 1, dayOfYear: true) + 1, n)
                case "H": out += Self.pad(msOfDay / 3_600_000, n)
                case "m": out += Self.pad(msOfDay / 60_000 % 60, n)
                case "s": out += Self.pad(msOfDay / 1000 % 60, n)
                case "Z": out += "+0000"
                case "X": out += "Z"
                case "z": out += n >= 4 ? "Coordinated Universal Time" : "UTC"
                default: out += Self.pad(msOfDay % 1000, n)  // S
                }
            }
        }
        return out
    }

    /// Parses `text` as `SimpleDateFormat.parse(String)` does in UTC; nil where it throws
    /// `ParseException`. What Java does, and so this:
    /// - Reads the pattern from the start of `text`; text after the last field is ignored
    ///   (`2024-05-01T12:34:56.123456` fits `yyyy-MM-dd'T'HH:mm:ss`).
    /// - A numeric field skips spaces and tabs before it, then takes an optional `-` and every digit
    ///   there is (an `E` exponent too, as `DecimalFormat` reads one); only a field followed directly
    ///   by another numeric field is held to its width (`yyyyMMdd`).
    /// - Values out of range roll over (month 13 is January of the next year, `SSS` of `123456` adds
    ///   123.456 s); when both a day of month and a day of year are read, the later one counts.
    /// - `yy` (or `y`) of exactly two digits lands within 80 years before and 20 after `now`.
    /// - `z` and `Z` read `±hhmm`, `GMT`, `GMT±h:mm` and `UTC`; `X` reads `Z`, `±hh` (`X`), `±hhmm`
    ///   (`XX`) or `±hh:mm` (`XXX`). Other zone names (`PST`, `CET`) are not read.
    /// Instants beyond ±250 million years, which Java's arithmetic wraps, give nil.
    public func parseLikeSimpleDateFormat(_ text: String, now: @autoclosure () -> Int64 = SystemClock.nowMs()) -> Int64?
    {
        // The clock is read only for a two-digit year, once: TimestampConverter parses per record.
        var start: (year: Int64, millis: Int64)?
        func centuryStart() -> (year: Int64, millis: Int64) {
            if let start { return start }
            let s = Self.centuryStart(now())
            start = s
            return s
        }
        let t = Array(text.utf16)
        var pos = 0
        var fields = Fields()
        for (i, piece) in pieces.enumerated() {
            switch piece {
            case .literal(let s):
                for unit in s.utf16 {
                    guard pos < t.count, t[pos] == unit else { return nil }
                    pos += 1
                }
            case .field(let c, let n):
                var at = pos
                while at < t.count, t[at] == Self.space || t[at] == Self.tab { at += 1 }
                guard at < t.count else { return nil }
                if c == "z" || c == "Z" || c == "X" {
                    guard let (offset, end) = Self.zone(t, at, start: pos, letter: c, count: n) else { return nil }
                    fields.zoneOffsetMinutes = offset
                    pos = end
                    continue
                }
                var limit = t.count
                if i + 1 < pieces.count, case .field(let next, let nextCount) = pieces[i + 1],
                    next != "z" && next != "Z" && next != "X" && (next != "M" || nextCount <= 2)
                {
                    guard pos + n <= t.count else { return nil }
                    limit = pos + n
                }
                guard let (value, end) = Self.number(t, at, limit: limit) else { return nil }
                var v = value
                if (c == "y" || c == "Y") && n <= 2 && end - at == 2 && Self.isDigit(t[at]) && Self.isDigit(t[at + 1]) {
                    let startYear = centuryStart().year
                    fields.ambiguousYear = v == startYear % 100
                    v += startYear / 100 * 100 + (v < startYear % 100 ? 100 : 0)
                }
                fields.set(c, Int64(v))
                pos = end
            }
        }
        guard pos > 0, var ms = fields.millis() else { return nil }
        if fields.ambiguousYear, ms < centuryStart().millis {
            fields.year += 100
            guard let later = fields.millis() else { return nil }
            ms = later
        }
        return ms
    }

    private static let space = UInt16(UInt8(ascii: " "))
    private static let tab = UInt16(UInt8(ascii: "\t"))

    private static func isDigit(_ u: UInt16) -> Bool { u >= 48 && u <= 57 }

    /// The calendar fields a parse sets, resolved as a lenient `GregorianCalendar` in UTC.
    private struct Fields {
        var year: Int64 = 1970
        var month0: Int64 = 0
        var dayOfMonth: Int64 = 1
        var dayOfYear: Int64? = nil
        var dayOfYearWins = false  // a day of year was read after any day of month
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var millisecond: Int64 = 0
        var zoneOffsetMinutes: Int64 = 0
        var ambiguousYear = false

        mutating func set(_ letter: Character, _ v: Int64) {
            switch letter {
            case "y", "Y": year = v
            case "M": month0 = v - 1
            case "d":
                dayOfMonth = v
                dayOfYearWins = false
            case "D":
                dayOfYear = v
                dayOfYearWins = true
            case "H": hour = v
            case "m": minute = v
            case "s": second = v
            default: millisecond = v
            }
        }

        func millis() -> Int64? {
            // Beyond this the sums below would overflow (Java's wrap around instead).
            let maxYears: Int64 = 250_000_000
            guard abs(year + CivilDate.floorDiv(month0, 12)) <= maxYears else { return nil }
            // The days the time of day overflows into count before the calendar is chosen.
            let timeOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + millisecond
            let extraDays = CivilDate.floorDiv(timeOfDay, 86_400_000)
            let days =
                dayOfYearWins
                ? JavaCalendar.days(year: year, month0: 0, day: (dayOfYear ?? 1) + extraDays, dayOfYear: true)
                : JavaCalendar.days(year: year, month0: month0, day: dayOfMonth + extraDays)
            return days * 86_400_000 + CivilDate.floorMod(timeOfDay, 86_400_000) - zoneOffsetMinutes * 60_000
        }
    }

    /// `SimpleDateFormat`'s default century start: `now` less 80 years (its year and epoch ms).
    private static func centuryStart(_ now: Int64) -> (year: Int64, millis: Int64) {
        let days = CivilDate.floorDiv(now, 86_400_000)
        let (y, m, d) = JavaCalendar.civil(fromDays: days)
        let year = y - 80
        let day = m == 2 && d == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 28 : d
        let startDays = JavaCalendar.days(year: year, month0: m - 1, day: day)
        return (year, startDays * 86_400_000 + (now - days * 86_400_000))
    }

    /// `DecimalFormat.parse` with integers only and no grouping, then `Number.intValue()`: an optional
    /// `-`, digits, an optional exponent (`E`, optional `-`, digits). The value and the end.
    private static func number(_ t: [UInt16], _ start: Int, limit: Int) -> (Int64, Int)? {
        var p = start
        let negative = p < limit && t[p] == 45  // -
        if negative { p += 1 }
        var mantissa: Int64 = 0
        var overflow = false
        var asDouble = 0.0
        let digitsStart = p
        while p < limit, isDigit(t[p]) {
            let digit = Int64(t[p] - 48)
            asDouble = asDouble * 10 + Double(digit)
            let (times10, o1) = mantissa.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            overflow = overflow || o1 || o2
            mantissa = sum
            p += 1
        }
        guard p > digitsStart else { return nil }
        var exponent: Int64? = nil
        if p < limit, t[p] == 69 {  // E
            var q = p + 1
            let negativeExponent = q < limit && t[q] == 45
            if negativeExponent { q += 1 }
            let expStart = q
            var e: Int64 = 0
            while q < limit, isDigit(t[q]) {
                e = min(e * 10 + Int64(t[q] - 48), 10_000)
                q += 1
            }
            if q > expStart {
                exponent = negativeExponent ? -e : e
                p = q
            }
        }
        if negative { asDouble = -asDouble }
        if exponent != nil || overflow {
            // A Double: intValue() saturates at Int32's bounds.
            var d = asDouble
            if let exponent {
                for _ in 0..<abs(exponent) {
                    d = exponent > 0 ? d * 10 : d / 10
                    if d.isInfinite || d == 0 { break }
                }
            }
            let clamped = max(Double(Int32.min), min(Double(Int32.max), d.rounded(.towardZero)))
            return (Int64(clamped), p)
        }
        // A Long: intValue() keeps the low 32 bits.
        return (Int64(Int32(truncatingIfNeeded: negative ? -mantissa : mantissa)), p)
    }

    /// A zone at `at` (after any spaces; `start` is before them): the offset in minutes and the end.
    private static func zone(_ t: [UInt16], _ at: Int, start: Int, letter: Character, count: Int) -> (Int64, Int)? {
        let c = t[at]
        if letter == "X" {
            if c == 90 { return (0, at + 1) }  // Z
            guard c == 43 || c == 45 else { return nil }
            return numericZone(t, at + 1, sign: c == 43 ? 1 : -1, count: count, colon: count == 3)
        }
        if c == 43 || c == 45 { return numericZone(t, at + 1, sign: c == 43 ? 1 : -1, count: 0, colon: false) }
        func matches(_ word: String, _ from: Int) -> Bool {
            let w = Array(word.utf16)
            guard from + w.count <= t.count else { return false }
            return (0..<w.count).allSatisfy { t[from + $0] | 0x20 == w[$0] | 0x20 }
        }
        if c == 71 || c == 103, matches("GMT", start) {  // G, g: GMT, GMT+h:mm
            let p = start + 3
            guard p < t.count, t[p] == 43 || t[p] == 45 else { return (0, p) }
            return numericZone(t, p + 1, sign: t[p] == 43 ? 1 : -1, count: 0, colon: true)
        }
        if matches("UTC", at) { return (0, at + 3) }
        return nil
    }

    /// `±hh[[:]mm]` after the sign: `count` 1 reads hours only; `colon` requires `:` before minutes,
    /// and then one hour digit is enough.
    private static func numericZone(_ t: [UInt16], _ start: Int, sign: Int64, count: Int, colon: Bool) -> (Int64, Int)?
    {
        var p = start
        guard p < t.count, isDigit(t[p]) else { return nil }
        var hours = Int64(t[p] - 48)
        p += 1
        guard p < t.count else { return nil }
        if isDigit(t[p]) {
            hours = hours * 10 + Int64(t[p] - 48)
            p += 1
        } else if count > 0 || !colon {
            return nil
        }
        guard hours <= 23 else { return nil }
        var minutes: Int64 = 0
        if count != 1 {
            if colon {
                guard p < t.count, t[p] == 58 else { return nil }  // :
                p += 1
            }
            guard p + 1 < t.count, isDigit(t[p]), isDigit(t[p + 1]) else { return nil }
            minutes = Int64(t[p] - 48) * 10 + Int64(t[p + 1] - 48)
            guard minutes <= 59 else { return nil }
            p += 2
        }
        return (sign * (hours * 60 + minutes), p)
    }
}

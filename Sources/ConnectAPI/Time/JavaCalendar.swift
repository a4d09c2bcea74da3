/// The calendar of `java.util.GregorianCalendar` as `SimpleDateFormat` uses it: Julian before the
/// Gregorian cutover (1582-10-15), Gregorian from it. Dates are days since 1970-01-01.
public enum JavaCalendar {
    /// 1582-10-15, the first Gregorian day (the day after Julian 1582-10-04).
    public static let cutoverDay: Int64 = CivilDate.days(1582, 10, 15)

    /// Days of a Julian calendar date (`month` in 1...12; any `day` counts on from the month's first).
    public static func julianDays(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        // The Julian day number (Fliegel & Van Flandern), less the one of 1970-01-01.
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + CivilDate.floorDiv(y, 4) - 32083 - 2_440_588
    }

    /// The Julian calendar date of `days`.
    public static func julianCivil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let c = days + 2_440_588 + 32082
        let d = CivilDate.floorDiv(4 * c + 3, 1461)
        let e = c - CivilDate.floorDiv(1461 * d, 4)
        let m = (5 * e + 2) / 153
        return (d - 4800 + m / 10, m + 3 - 12 * (m / 10), e - (153 * m + 2) / 5 + 1)
    }

    /// `GregorianCalendar`'s lenient date: `month0` (0-based, any value rolls into the year) and `day`
    /// (any value counts on from the month's first day) of `year`: Julian for a year before 1582;
    /// otherwise the Gregorian date if it falls on or after the cutover, else the Julian one (which is
    /// also what a date in the ten missing days of 1582 becomes). A `dayOfYear` (from January 1st) in
    /// 1582 counts on the Julian calendar.
    public static func days(year: Int64, month0: Int64, day: Int64, dayOfYear: Bool = false) -> Int64 {
        let y = year + CivilDate.floorDiv(month0, 12)
        let month = CivilDate.floorMod(month0, 12) + 1
        let gregorian = CivilDate.days(Int(y), Int(month), 1) + day - 1
        let julian = julianDays(y, month, 1) + day - 1
        return (dayOfYear ? year > 1582 : year >= 1582) && gregorian >= cutoverDay ? gregorian : julian
    }

    /// The (year, month 1...12, day) that `GregorianCalendar` shows for `days`.
    public static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        days >= cutoverDay ? CivilDate.civil(fromDays: days) : julianCivil(fromDays: days)
    }
}

import ConnectAPI

/// The connector's `db.timezone`: the zone in which the database's wall-clock values (`timestamp` and
/// `time` without time zone) are read and timestamp criteria are bound, as Confluent's connector does
/// with a `Calendar` of that zone.
typealias DbTimeZone = ZoneId

/// An instant as the wall-clock fields of a zone, and the text pieces PostgreSQL and Java formats use.
struct WallClock {
    let year: Int64
    let month: Int64
    let day: Int64
    let secondOfDay: Int64
    /// Seconds east of UTC in force at the instant.
    let offset: Int

    init(millis: Int64, zone: DbTimeZone) {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        offset = zone.offset(atUTC: seconds)
        let local = seconds + Int64(offset)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        (year, month, day) = CivilDate.civil(fromDays: days)
        secondOfDay = local - days * 86_400
    }

    static func pad(_ v: Int64, _ width: Int) -> String { CivilDate.zeroPadded(v, width) }

    /// `YYYY-MM-DD` with PostgreSQL's era: year 0 and before are `… BC` (see `era`).
    var date: String { "\(Self.pad(year > 0 ? year : 1 - year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))" }
    /// `" BC"` for years before 1, to follow the whole value.
    var era: String { year > 0 ? "" : " BC" }
    /// `HH:MM:SS`
    var clock: String {
        "\(Self.pad(secondOfDay / 3600, 2)):\(Self.pad(secondOfDay % 3600 / 60, 2)):\(Self.pad(secondOfDay % 60, 2))"
    }
    /// `+HH:MM`
    var offsetText: String {
        (offset < 0 ? "-" : "+") + Self.pad(Int64(abs(offset) / 3600), 2) + ":"
            + Self.pad(Int64(abs(offset) % 3600 / 60), 2)
    }
}

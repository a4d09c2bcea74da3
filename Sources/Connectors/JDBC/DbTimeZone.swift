import ConnectAPI

/// The connector's `db.timezone`: the zone in which the database's wall-clock values (`timestamp` and
/// `time` without time zone) are read and timestamp criteria are bound, as Confluent's connector does
/// with a `Calendar` of that zone. Named zones (`America/Chicago`) come from the system's tz database
/// (TZif files under `TZDIR` or /usr/share/zoneinfo), fixed offsets (`+02:00`, `UTC+2`) need none.
struct DbTimeZone: Sendable, Equatable {
    let name: String
    /// Set when the zone has one offset for all time: the per-row path needs no lookup.
    let fixedOffset: Int?
    private let rules: ZoneRules?

    static let utc = DbTimeZone(name: "UTC", fixedOffset: 0, rules: nil)

    private init(name: String, fixedOffset: Int?, rules: ZoneRules?) {
        self.name = name
        self.fixedOffset = fixedOffset
        self.rules = rules
    }

    /// nil when `name` is neither a fixed offset nor a zone of the tz database.
    init?(_ name: String) {
        let trimmed = name.trimmingWhitespace()
        if let seconds = Self.fixedOffsetSeconds(trimmed) {
            self.init(name: trimmed, fixedOffset: seconds, rules: nil)
            return
        }
        guard let rules = ZoneRules.load(trimmed) else { return nil }
        self.init(name: trimmed, fixedOffset: rules.fixedOffset, rules: rules)
    }

    /// Seconds east of UTC at the instant `utcSeconds`.
    func offset(atUTC utcSeconds: Int64) -> Int {
        fixedOffset ?? rules!.offset(atUTC: utcSeconds)
    }

    /// Seconds east of UTC for the wall-clock time `localSeconds` (seconds since 1970-01-01T00:00 local).
    /// A time that occurs twice (clocks set back) takes the earlier instant, and a time skipped (clocks
    /// set forward) is read with the offset before the change, i.e. moved forward by the gap, as
    /// java.time and a lenient Calendar do.
    func offset(forLocal localSeconds: Int64) -> Int {
        if let fixedOffset { return fixedOffset }
        let before = offset(atUTC: localSeconds - 86_400)
        let after = offset(atUTC: localSeconds + 86_400)
        if offset(atUTC: localSeconds - Int64(before)) == before { return before }
        if offset(atUTC: localSeconds - Int64(after)) == after { return after }
        return before
    }

    static func == (a: DbTimeZone, b: DbTimeZone) -> Bool { a.name == b.name }

    /// `UTC`, `Z`, `GMT`, `+02:00`, `-0530`, `UTC+2`, `GMT-05:00` → seconds east of UTC. (POSIX-style
    /// `Etc/GMT+5`, which means five hours *west*, is left to the tz database.)
    static func fixedOffsetSeconds(_ tz: String) -> Int? {
        var s = Substring(tz)
        for p in ["UTC", "GMT"] where s.uppercased().hasPrefix(p) {
            s = s.dropFirst(p.count)
            break
        }
        if s.isEmpty || s == "Z" { return 0 }
        guard let sign = s.first, sign == "+" || sign == "-" else { return nil }
        let digits = s.dropFirst().filter { $0 != ":" }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(\.isNumber) else { return nil }
        let hours: Int
        let minutes: Int
        if digits.count <= 2 {
            hours = Int(digits)!
            minutes = 0
        } else {
            hours = Int(digits.prefix(digits.count - 2))!
            minutes = Int(digits.suffix(2))!
        }
        guard hours <= 18, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}

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
        (year, month, day) = TableQuerier.civil(fromDays: days)
        secondOfDay = local - days * 86_400
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

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

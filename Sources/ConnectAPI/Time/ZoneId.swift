/// A time zone as java.time's `ZoneId`: the JDBC connectors' `db.timezone`, the S3 sink's `timezone`. Named zones (`America/Chicago`) come from the system's tz database
/// (TZif files under `TZDIR` or /usr/share/zoneinfo), fixed offsets (`+02:00`, `UTC+2`) need none.
public struct ZoneId: Sendable, Equatable {
    public let name: String
    /// Set when the zone has one offset for all time: the per-row path needs no lookup.
    public let fixedOffset: Int?
    private let rules: ZoneRules?

    public static let utc = ZoneId(name: "UTC", fixedOffset: 0, rules: nil)

    private init(name: String, fixedOffset: Int?, rules: ZoneRules?) {
        self.name = name
        self.fixedOffset = fixedOffset
        self.rules = rules
    }

    /// nil when `name` is neither a fixed offset nor a zone of the tz database.
    public init?(_ name: String) {
        let trimmed = name.trimmingWhitespace()
        if let seconds = Self.fixedOffsetSeconds(trimmed) {
            self.init(name: trimmed, fixedOffset: seconds, rules: nil)
            return
        }
        guard let rules = ZoneRules.load(trimmed) else { return nil }
        self.init(name: trimmed, fixedOffset: rules.fixedOffset, rules: rules)
    }

    /// Seconds east of UTC at the instant `utcSeconds`.
    public func offset(atUTC utcSeconds: Int64) -> Int {
        fixedOffset ?? rules!.offset(atUTC: utcSeconds)
    }

    /// Seconds east of UTC for the wall-clock time `localSeconds` (seconds since 1970-01-01T00:00 local).
    /// A time that occurs twice (clocks set back) takes the earlier instant, and a time skipped (clocks
    /// set forward) is read with the offset before the change, i.e. moved forward by the gap, as
    /// java.time and a lenient Calendar do.
    public func offset(forLocal localSeconds: Int64) -> Int {
        if let fixedOffset { return fixedOffset }
        let before = offset(atUTC: localSeconds - 86_400)
        let after = offset(atUTC: localSeconds + 86_400)
        if offset(atUTC: localSeconds - Int64(before)) == before { return before }
        if offset(atUTC: localSeconds - Int64(after)) == after { return after }
        return before
    }

    public static func == (a: ZoneId, b: ZoneId) -> Bool { a.name == b.name }

    /// `UTC`, `Z`, `GMT`, `+02:00`, `-0530`, `UTC+2`, `GMT-05:00` → seconds east of UTC. (POSIX-style
    /// `Etc/GMT+5`, which means five hours *west*, is left to the tz database.)
    public static func fixedOffsetSeconds(_ tz: String) -> Int? {
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

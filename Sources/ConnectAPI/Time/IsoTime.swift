/// UTC instants in ISO-8601 (the FDSN event service, REST Proxy v3 timestamps) (`2019-01-30T18:32:45`).
public enum IsoTime {
    /// `YYYY-MM-DDTHH:MM:SS` of epoch milliseconds (seconds: the service ignores milliseconds).
    public static func format(ms: Int64) -> String {
        let s = CivilDate.floorDiv(ms, 1000)
        let days = CivilDate.floorDiv(s, 86_400)
        let secs = s - days * 86_400
        let (y, m, d) = CivilDate.civil(fromDays: days)
        let pad = CivilDate.zeroPadded
        return
            "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs % 3600 / 60, 2)):\(pad(secs % 60, 2))"
    }

    /// `YYYY-MM-DDTHH:MM:SS[.mmm]Z`: an instant of milliseconds as Java's `Instant.toString` (ISO_INSTANT)
    /// writes it: the fraction only when it is not zero.
    public static func instant(ms: Int64) -> String {
        let m = ((ms % 1000) + 1000) % 1000
        guard m != 0 else { return format(ms: ms) + "Z" }
        let frac = String(m)
        return format(ms: ms) + "." + String(repeating: "0", count: 3 - frac.count) + frac + "Z"
    }

    /// Epoch milliseconds of `YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]` (UTC); nil otherwise.
    public static func parse(_ s: String) -> Int64? {
        var t = Substring(s.trimmingWhitespace())
        if t.hasSuffix("Z") { t = t.dropLast() }
        let parts = t.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard date.count == 3, date[0].count == 4, let y = Int(date[0]), let mo = Int(date[1]), let d = Int(date[2]),
            (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        var ms: Int64 = 0
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard clock.count >= 2, let h = Int(clock[0]), let mi = Int(clock[1]), h < 24, mi < 60 else { return nil }
            var sec = 0.0
            if clock.count == 3 {
                guard let v = Double(clock[2]), v >= 0, v < 61 else { return nil }
                sec = v
            }
            ms = Int64(h) * 3_600_000 + Int64(mi) * 60_000 + Int64((sec * 1000).rounded())
        }
        return CivilDate.days(y, mo, d) * 86_400_000 + ms
    }
}

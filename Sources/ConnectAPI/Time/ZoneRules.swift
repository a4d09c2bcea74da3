#if canImport(Glibc)
    import Glibc
#endif

/// A zone's UTC offsets over time, read from its TZif file (RFC 8536): the transitions it lists, then
/// the POSIX TZ rule of its footer for instants after the last one.
struct ZoneRules: Sendable {
    /// Transition instants (UTC seconds), ascending, and the offset in force from each one on.
    private let transitions: [Int64]
    private let offsets: [Int32]
    /// The offset before the first transition.
    private let initialOffset: Int32
    private let footer: PosixTZ?

    /// The zone's only offset, if it never changes (e.g. `Etc/GMT+5`, `Asia/Kolkata` today is not one:
    /// it has history).
    var fixedOffset: Int? {
        guard transitions.isEmpty, footer?.dst == nil else { return nil }
        return Int(footer?.stdOffset ?? initialOffset)
    }

    /// The zone `name` from `$TZDIR` or /usr/share/zoneinfo; nil if it is not there or not a TZif file.
    static func load(_ name: String) -> ZoneRules? {
        // A zone name is a relative path of letters, digits and _+-/; nothing that climbs out of the directory.
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(".."),
            name.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "_+-/".unicodeScalars.contains($0)
            })
        else { return nil }
        let dir = getenv("TZDIR").map { String(cString: $0) } ?? "/usr/share/zoneinfo"
        guard let bytes = readAll(dir + "/" + name) else { return nil }
        return parse(bytes)
    }

    func offset(atUTC t: Int64) -> Int {
        if let last = transitions.last, t >= last, let footer { return footer.offset(atUTC: t) }
        if transitions.isEmpty { return Int(footer.map { $0.offset(atUTC: t) } ?? Int(initialOffset)) }
        // The last transition at or before t.
        var lo = 0
        var hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return Int(lo == 0 ? initialOffset : offsets[lo - 1])
    }

    static func parse(_ b: [UInt8]) -> ZoneRules? {
        var r = Reader(bytes: b)
        guard let v1 = r.header() else { return nil }
        // Version 1 data uses 32-bit times; version 2+ repeats everything with 64-bit times after it.
        let v1Size = v1.timecnt * 5 + v1.typecnt * 6 + v1.charcnt + v1.leapcnt * 8 + v1.isstdcnt + v1.isutcnt
        var counts = v1
        var timeSize = 4
        if v1.version >= 2 {
            r.skip(v1Size)
            guard let v2 = r.header() else { return nil }
            counts = v2
            timeSize = 8
        }
        var times: [Int64] = []
        for _ in 0..<counts.timecnt {
            guard let t = timeSize == 8 ? r.int64() : r.int32().map(Int64.init) else { return nil }
            times.append(t)
        }
        var indexes: [Int] = []
        for _ in 0..<counts.timecnt {
            guard let i = r.byte() else { return nil }
            indexes.append(Int(i))
        }
        var types: [Int32] = []
        for _ in 0..<counts.typecnt {
            guard let off = r.int32(), r.byte() != nil, r.byte() != nil else { return nil }
            types.append(off)
        }
        guard !types.isEmpty, indexes.allSatisfy({ $0 < types.count }) else { return nil }
        r.skip(counts.charcnt + counts.leapcnt * (timeSize + 4) + counts.isstdcnt + counts.isutcnt)
        var footer: PosixTZ?
        if counts.version >= 2, r.byte() == UInt8(ascii: "\n") {
            let text = r.rest().prefix { $0 != UInt8(ascii: "\n") }
            if !text.isEmpty { footer = PosixTZ(String(decoding: text, as: UTF8.self)) }
        }
        return ZoneRules(
            transitions: times, offsets: indexes.map { types[$0] }, initialOffset: types[0], footer: footer)
    }

    private static func readAll(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while out.count < 1 << 20 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n == 0 ? out : nil }
            out.append(contentsOf: chunk.prefix(n))
        }
        return nil
    }

    private struct Counts {
        var version: Int
        var isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt: Int
    }

    private struct Reader {
        let bytes: [UInt8]
        var at = 0

        mutating func skip(_ n: Int) { at += n }
        mutating func byte() -> UInt8? {
            guard at < bytes.count else { return nil }
            defer { at += 1 }
            return bytes[at]
        }
        mutating func int32() -> Int32? {
            guard at + 4 <= bytes.count else { return nil }
            defer { at += 4 }
            return Int32(bitPattern: bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) })
        }
        mutating func int64() -> Int64? {
            guard at + 8 <= bytes.count else { return nil }
            defer { at += 8 }
            return Int64(bitPattern: bytes[at..<at + 8].reduce(0) { $0 << 8 | UInt64($1) })
        }
        mutating func rest() -> ArraySlice<UInt8> { bytes[min(at, bytes.count)...] }

        mutating func header() -> Counts? {
            guard at + 44 <= bytes.count, bytes[at..<at + 4].elementsEqual("TZif".utf8) else { return nil }
            let v = bytes[at + 4]
            let version = v == 0 ? 1 : Int(v) - 0x30
            at += 20
            var c: [Int] = []
            for _ in 0..<6 {
                guard let n = int32(), n >= 0 else { return nil }
                c.append(Int(n))
            }
            return Counts(
                version: version, isutcnt: c[0], isstdcnt: c[1], leapcnt: c[2], timecnt: c[3], typecnt: c[4],
                charcnt: c[5])
        }
    }
}

/// A POSIX TZ rule such as `CST6CDT,M3.2.0,M11.1.0` or `<+0330>-3:30` (TZif footers; RFC 8536 §3.3):
/// the offsets west of UTC become seconds east, the `Mm.w.d/time`, `Jn` and `n` dates are resolved per year.
struct PosixTZ: Sendable {
    struct Rule: Sendable {
        enum Day: Sendable {
            case monthWeekDay(month: Int, week: Int, weekday: Int)
            case julianNoLeap(Int)  // Jn: 1...365, February 29 never counted
            case zeroBased(Int)  // n: 0...365
        }
        let day: Day
        let time: Int  // seconds after local midnight (may be negative or over 24 h)
    }
    let stdOffset: Int32
    let dst: (offset: Int32, start: Rule, end: Rule)?

    init?(_ s: String) {
        var p = Parser(Array(s.utf8))
        guard p.name(), let std = p.offset() else { return nil }
        stdOffset = Int32(-std)
        if p.atEnd {
            dst = nil
            return
        }
        guard p.name() else { return nil }
        var dstOff = -std + 3600
        if !p.peek(",") {
            guard let o = p.offset() else { return nil }
            dstOff = -o
        }
        guard p.eat(","), let start = p.rule(), p.eat(","), let end = p.rule(), p.atEnd else { return nil }
        dst = (Int32(dstOff), start, end)
    }

    func offset(atUTC t: Int64) -> Int {
        guard let dst else { return Int(stdOffset) }
        // The year of t in standard time; transitions are given in local time of the offset in force before them.
        let local = t + Int64(stdOffset)
        let year = CivilDate.civil(fromDays: CivilDate.floorDiv(local, 86_400)).0
        let start = instant(dst.start, year: year) - Int64(stdOffset)
        let end = instant(dst.end, year: year) - Int64(dst.offset)
        let inDST = start < end ? (t >= start && t < end) : !(t >= end && t < start)  // southern hemisphere
        return Int(inDST ? dst.offset : stdOffset)
    }

    /// Local seconds since the epoch at which `rule` falls in `year`.
    private func instant(_ rule: Rule, year: Int64) -> Int64 {
        let jan1 = CivilDate.days(Int(year), 1, 1)
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let day: Int64
        switch rule.day {
        case .zeroBased(let n): day = jan1 + Int64(n)
        case .julianNoLeap(let n): day = jan1 + Int64(n - 1) + (leap && n >= 60 ? 1 : 0)
        case .monthWeekDay(let m, let w, let d):
            let first = CivilDate.days(Int(year), m, 1)
            let weekdayOfFirst = Int((first % 7 + 7 + 4) % 7)  // 1970-01-01 was a Thursday (4)
            var date = first + Int64((d - weekdayOfFirst + 7) % 7) + Int64((w - 1) * 7)
            let monthDays: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            while date >= first + monthDays[m - 1] { date -= 7 }  // week 5 = the last such weekday
            day = date
        }
        return day * 86_400 + Int64(rule.time)
    }

    private struct Parser {
        let b: [UInt8]
        var i = 0
        init(_ b: [UInt8]) { self.b = b }

        var atEnd: Bool { i >= b.count }
        func peek(_ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }
        mutating func eat(_ c: Character) -> Bool {
            guard peek(c) else { return false }
            i += 1
            return true
        }
        /// `EST` or `<+0330>`.
        mutating func name() -> Bool {
            if eat("<") {
                while i < b.count && b[i] != UInt8(ascii: ">") { i += 1 }
                return eat(">")
            }
            let start = i
            while i < b.count, (b[i] | 0x20) >= UInt8(ascii: "a"), (b[i] | 0x20) <= UInt8(ascii: "z") { i += 1 }
            return i - start >= 3
        }
        mutating func number() -> Int? {
            let start = i
            var v = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                v = v * 10 + Int(b[i] - 0x30)
                i += 1
            }
            return i > start ? v : nil
        }
        /// `[+-]hh[:mm[:ss]]` in seconds (POSIX sign: positive is west of UTC).
        mutating func offset() -> Int? {
            var sign = 1
            if eat("-") { sign = -1 } else { _ = eat("+") }
            guard let h = number() else { return nil }
            var s = h * 3600
            if eat(":") {
                guard let m = number() else { return nil }
                s += m * 60
                if eat(":") {
                    guard let sec = number() else { return nil }
                    s += sec
                }
            }
            return sign * s
        }
        mutating func rule() -> Rule? {
            let day: Rule.Day
            if eat("M") {
                guard let m = number(), eat("."), let w = number(), eat("."), let d = number(), (1...12).contains(m),
                    (1...5).contains(w), (0...6).contains(d)
                else { return nil }
                day = .monthWeekDay(month: m, week: w, weekday: d)
            } else if eat("J") {
                guard let n = number(), (1...365).contains(n) else { return nil }
                day = .julianNoLeap(n)
            } else {
                guard let n = number(), (0...365).contains(n) else { return nil }
                day = .zeroBased(n)
            }
            var time = 7200
            if eat("/") {
                guard let t = offset() else { return nil }
                time = t
            }
            return Rule(day: day, time: time)
        }
    }
}

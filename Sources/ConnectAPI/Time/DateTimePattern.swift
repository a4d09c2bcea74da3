/// The subset of Java date patterns (Joda-Time's for S3 `path.format`, `SimpleDateFormat`'s for the
/// timestamp SMTs) that users write: `yyyy`/`YYYY` (year; `yy` two digits), `MM`/`M`, `dd`/`d`,
/// `HH`/`H`, `mm`, `ss`, `SSS`, `DDD` (day of year), `'quoted literals'` (`''` is a quote), and, where
/// the caller allows them, the zone letters `Z` (`+0000`) and `X` (`Z`) for UTC. Anything else that is
/// not a letter is literal.
public struct DateTimePattern: Sendable {
    public enum Piece: Sendable, Equatable {
        case literal(String)
        case field(Character, Int)
    }
    public struct Invalid: Error {
        public let reason: String
    }

    public let pattern: String
    public let pieces: [Piece]

    /// `letters`: the pattern letters this use accepts (others are refused with a reason naming them).
    public init(_ pattern: String, letters: String = "YyMdHmsSD") throws(Invalid) {
        self.pattern = pattern
        var pieces: [Piece] = []
        var chars = Array(pattern)[...]
        while let c = chars.first {
            if c == "'" {
                chars = chars.dropFirst()
                var lit = ""
                while let d = chars.first {
                    chars = chars.dropFirst()
                    if d == "'" {
                        if chars.first == "'" {  // '' inside quotes is a quote
                            lit.append("'")
                            chars = chars.dropFirst()
                            continue
                        }
                        break
                    }
                    lit.append(d)
                }
                pieces.append(.literal(lit.isEmpty ? "'" : lit))
            } else if c.isLetter && c.isASCII {
                var n = 0
                while chars.first == c {
                    n += 1
                    chars = chars.dropFirst()
                }
                guard letters.contains(c) else {
                    throw Invalid(reason: "pattern letter \(c) is not supported (use \(Self.lettersHelp(letters)))")
                }
                pieces.append(.field(c, n))
            } else {
                pieces.append(.literal(String(c)))
                chars = chars.dropFirst()
            }
        }
        self.pieces = pieces
    }

    private static func lettersHelp(_ letters: String) -> String {
        var out = ["yyyy", "MM", "dd", "HH", "mm", "ss", "SSS", "DDD"]
        if letters.contains("Z") { out.append("Z") }
        if letters.contains("X") { out.append("X") }
        return out.joined(separator: ", ") + ", quoted text"
    }

    /// Formats wall-clock milliseconds (already in the zone; zone letters print UTC).
    public func format(localMillis: Int64) -> String {
        let days = CivilDate.floorDiv(localMillis, 86_400_000)
        let msOfDay = localMillis - days * 86_400_000
        let (y, m, d) = CivilDate.civil(fromDays: days)
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): out += s
            case .field(let c, let n):
                switch c {
                case "Y", "y": out += n == 2 ? Self.pad(((y % 100) + 100) % 100, 2) : Self.pad(y, n)
                case "M": out += Self.pad(m, n)
                case "d": out += Self.pad(d, n)
                case "D": out += Self.pad(days - CivilDate.days(Int(y), 1, 1) + 1, n)
                case "H": out += Self.pad(msOfDay / 3_600_000, n)
                case "m": out += Self.pad(msOfDay / 60_000 % 60, n)
                case "s": out += Self.pad(msOfDay / 1000 % 60, n)
                case "Z": out += "+0000"
                case "X": out += "Z"
                default: out += Self.pad(msOfDay % 1000, n)  // S
                }
            }
        }
        return out
    }

    /// Parses `text` (all of it) as UTC milliseconds; nil when it does not fit the pattern. A numeric
    /// field followed directly by another takes exactly its width (`yyyyMMdd`); otherwise it takes
    /// every digit there is. Zone letters accept `Z`, `±hh`, `±hhmm` and `±hh:mm`.
    public func parse(_ text: String) -> Int64? {
        var rest = Substring(text).utf8[...]
        var year: Int64 = 1970
        var month: Int64 = 1
        var day: Int64 = 1
        var dayOfYear: Int64? = nil
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var millis: Int64 = 0
        var offsetSeconds: Int64 = 0
        for (i, piece) in pieces.enumerated() {
            switch piece {
            case .literal(let s):
                guard rest.starts(with: s.utf8) else { return nil }
                rest = rest.dropFirst(s.utf8.count)
            case .field("Z", _), .field("X", _):
                guard let sign = rest.first else { return nil }
                if sign == UInt8(ascii: "Z") {
                    rest = rest.dropFirst()
                    continue
                }
                guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
                rest = rest.dropFirst()
                guard let h = Self.digits(&rest, max: 2), h.count == 2 else { return nil }
                var mins: Int64 = 0
                if rest.first == UInt8(ascii: ":") { rest = rest.dropFirst() }
                if let mm = Self.digits(&rest, max: 2) {
                    guard mm.count == 2 else { return nil }
                    mins = mm.value
                }
                offsetSeconds = (h.value * 3600 + mins * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            case .field(let c, let n):
                let adjacent: Bool
                if i + 1 < pieces.count, case .field = pieces[i + 1] { adjacent = true } else { adjacent = false }
                guard let v = Self.digits(&rest, max: adjacent ? n : Int.max) else { return nil }
                switch c {
                case "Y", "y": year = n == 2 && v.count == 2 ? 2000 + v.value : v.value
                case "M": month = v.value
                case "d": day = v.value
                case "D": dayOfYear = v.value
                case "H": hour = v.value
                case "m": minute = v.value
                case "s": second = v.value
                default: millis = v.value
                }
            }
        }
        // Years within ±100 million keep the millisecond arithmetic below in range.
        guard rest.isEmpty, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60,
            millis < 1000, year <= 100_000_000, (dayOfYear ?? 1) <= 366
        else { return nil }
        let days =
            dayOfYear.map { CivilDate.days(Int(year), 1, 1) + $0 - 1 }
            ?? CivilDate.days(Int(year), Int(month), Int(day))
        return ((days * 86_400 + hour * 3600 + minute * 60 + second) - offsetSeconds) * 1000 + millis
    }

    private static func digits(_ s: inout Substring.UTF8View.SubSequence, max: Int) -> (value: Int64, count: Int)? {
        var value: Int64 = 0
        var count = 0
        while count < max, count < 18, let b = s.first, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
            value = value * 10 + Int64(b - UInt8(ascii: "0"))
            count += 1
            s = s.dropFirst()
        }
        return count > 0 ? (value, count) : nil
    }

    public static func pad(_ v: Int64, _ width: Int) -> String { CivilDate.zeroPadded(v, width) }
}

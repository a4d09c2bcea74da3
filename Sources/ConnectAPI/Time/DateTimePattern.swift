/// The subset of Java date patterns (Joda-Time's for S3 `path.format`, `SimpleDateFormat`'s for the
/// timestamp SMTs) that users write: `yyyy`/`YYYY` (year; `yy` two digits), `MM`/`M`, `dd`/`d`,
/// `HH`/`H`, `mm`, `ss`, `SSS`, `DDD` (day of year), `'quoted literals'` (`''` is a quote), and, where
/// the caller allows them, the zone letters `z` (`UTC`), `Z` (`+0000`) and `X` (`Z`) for UTC. Anything else that is
/// not a letter is literal. `format(localMillis:)` is on the proleptic Gregorian calendar (Joda's ISO
/// chronology); SimpleDateFormat.swift formats and parses as `SimpleDateFormat`.
public struct DateTimePattern: Sendable {
    public enum Piece: Sendable, Equatable {
        case literal(String)
        case field(Character, Int)
    }
    public struct Invalid: Error {
        public let reason: String
        public init(reason: String) { self.reason = reason }
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
        if letters.contains("z") { out.append("z") }
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

    public static func pad(_ v: Int64, _ width: Int) -> String { CivilDate.zeroPadded(v, width) }
}

import ConnectAPI
import Testing

@testable import Transforms

/// `DateTimePattern.parseLikeSimpleDateFormat` against what `java.text.SimpleDateFormat.parse(String)`
/// gives in UTC (OpenJDK 17, the values below were read from it), and TimestampConverter on top of it.
@Suite struct SimpleDateFormatParseTests {
    /// 2026-12-07T01:11:51Z: the moment the two-digit-year expectations were taken (century start 1946-12-07).
    static let now: Int64 = 1_796_605_911_000

    static func parse(_ pattern: String, _ text: String) throws -> Int64? {
        try DateTimePattern(pattern, letters: "yMdHmsSDzZX").parseLikeSimpleDateFormat(text, now: now)
    }

    @Test(
        arguments: [
            // Text after the pattern's last field is ignored (Python's isoformat() with microseconds).
            ("yyyy-MM-dd'T'HH:mm:ss", "2024-05-01T12:34:56.123456", 1_714_566_896_000),
            ("yyyy-MM-dd", "2024-05-01junk", 1_714_521_600_000),
            ("yyyy-MM-dd", "2024-05-01T", 1_714_521_600_000),
            // SSS takes every digit: 123456 ms roll over into the seconds and minutes.
            ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2024-05-01T12:34:56.123456", 1_714_567_019_456),
            ("SSS", "5", 5),
        ] as [(String, String, Int64)])
    func trailingTextAndWideFields(pattern: String, text: String, expected: Int64) throws {
        #expect(try Self.parse(pattern, text) == expected)
    }

    @Test(
        arguments: [
            // Fewer digits than letters, more digits than letters.
            ("yyyy-MM-dd", "2024-1-5", 1_704_412_800_000),
            ("yyyy-MM-dd", "20241-3-1", 576_582_192_000_000),
            // Spaces and tabs before a numeric field are skipped.
            ("yyyy-MM-dd HH:mm", "2024-05-01  12:00", 1_714_564_800_000),
            ("yyyy-MM-dd HH", "2024-05-01 \t7", 1_714_546_800_000),
            // Adjacent numeric fields hold to their width; the last one takes what is left.
            ("yyyyMMdd", "20240229", 1_709_164_800_000),
            ("yyyyMMdd", "2024022", 1_706_832_000_000),
            // Within a held width a sign counts: -0 is month 0 (December before), then day 2.
            ("yyyyMMdd", "2024-02-29", 1_701_475_200_000),
            ("yyyyMMdd", "2024 0101", 1_710_028_800_000),
            // A minus sign makes a negative number; DecimalFormat's exponent is read too.
            ("yyyy-MM-dd HH:mm:ss.SSS", "2024-01-01 00:00:00.-5", 1_704_067_199_995),
            ("yyyy-MM-dd", "-5-01-01", -62_325_158_400_000),
            ("HH:mm", "1E2:00", 360_000_000),
            ("HH:mm", "15E-1:00", 3_600_000),
            // intValue(): a Long keeps its low 32 bits, a Double saturates.
            ("ss", "99999999999", 1_215_752_191_000),
            ("ss", "99999999999999999999", 2_147_483_647_000),
        ] as [(String, String, Int64)])
    func numericFields(pattern: String, text: String, expected: Int64) throws {
        #expect(try Self.parse(pattern, text) == expected)
    }

    @Test(
        arguments: [
            ("yyyy-MM-dd", "2024-13-01", 1_735_689_600_000),  // month 13: January of the next year
            ("yyyy-MM-dd", "2024-00-00", 1_701_302_400_000),  // month 0, day 0: 2023-11-30
            ("yyyy-MM-dd HH:mm:ss", "2024-02-30 24:60:60", 1_709_341_260_000),
            ("yyyy-DDD", "2024-367", 1_735_689_600_000),
            // The later of day of month and day of year counts.
            ("yyyy-MM-dd DDD", "2024-12-31 1", 1_704_067_200_000),
            ("yyyy DDD MM-dd", "2024 100 03-01", 1_709_251_200_000),
        ] as [(String, String, Int64)])
    func lenientOverflow(pattern: String, text: String, expected: Int64) throws {
        #expect(try Self.parse(pattern, text) == expected)
    }

    @Test(
        arguments: [
            // GregorianCalendar: Julian before 1582-10-15.
            ("yyyy-MM-dd", "0001-01-01", -62_135_769_600_000),
            ("yyyy-MM-dd", "1582-10-04", -12_219_379_200_000),
            ("yyyy-MM-dd", "1582-10-10", -12_218_860_800_000),  // in the ten missing days: read as Julian
            ("yyyy-MM-dd", "1582-10-15", -12_219_292_800_000),
            ("yyyy-DDD", "1582-300", -12_217_392_000_000),
            ("yyyy-MM-dd", "24-05-01", -61_399_555_200_000),  // yyyy: year 24 as written
        ] as [(String, String, Int64)])
    func julianCalendarBeforeTheCutover(pattern: String, text: String, expected: Int64) throws {
        #expect(try Self.parse(pattern, text) == expected)
    }

    @Test(
        arguments: [
            // Two digits for yy: within 80 years before and 20 after now.
            ("yy-MM-dd", "24-05-01", 1_714_521_600_000),
            ("yy-MM-dd", "46-12-06", 2_427_667_200_000),
            ("yy-MM-dd", "46-12-08", -727_920_000_000),
            ("yy-MM-dd", "47-01-01", -725_846_400_000),
            ("yy-MM-dd", "2024-05-01", 1_714_521_600_000),  // more digits: as written
        ] as [(String, String, Int64)])
    func twoDigitYears(pattern: String, text: String, expected: Int64) throws {
        #expect(try Self.parse(pattern, text) == expected)
    }

    @Test(
        arguments: [
            ("yyyyMMddHHmmZ", "197001010100+0100", 0),
            ("yyyyMMddHHmmZ", "197001010100GMT", 3_600_000),
            ("yyyyMMddHHmmZ", "197001010100GMT-1:30", 9_000_000),
            ("yyyyMMddHHmmZ", "197001010100utc", 3_600_000),
            ("yyyyMMddHHmmX", "197001010100Z", 3_600_000),
            ("yyyyMMddHHmmX", "197001010100+0130", 0),  // X reads the hours only
            ("yyyyMMddHHmmXX", "197001010100+0130", -1_800_000),
            ("yyyyMMddHHmmXXX", "197001010100+01:30", -1_800_000),
            ("yyyy 'at' HH", "2024 at 07", 1_704_092_400_000),
        ] as [(String, String, Int64)])
    func zonesAndLiterals(pattern: String, text: String, expected: Int64) throws {
        #expect(try Self.parse(pattern, text) == expected)
    }

    @Test(arguments: [
        ("MMdd", "1"),  // a held width longer than the text
        ("yyyyMMddHHmmZ", "197001010100+01:00"),  // Z: no colon
        ("yyyyMMddHHmmZ", "197001010100Z"),
        ("yyyyMMddHHmmXX", "197001010100+01:30"),
        ("yyyyMMddHHmmX", "197001010100+1"),
        ("yyyyMMddHHmmZ", "197001010100+2400"),
        ("yyyy-MM-dd", "x2024-05-01"),
        ("yyyy-MM-dd", "2024-05"),
        ("yyyy-MM-dd", "2024/05/01"),
        ("yyyy-MM-dd", "2024-+5-01"),
        ("yyyy", ""),
        ("yyyy 'at' HH", "2024 AT 07"),  // literals match exactly
    ])
    func refusedAsJavaRefuses(pattern: String, text: String) throws {
        #expect(try Self.parse(pattern, text) == nil)
    }

    @Test func timestampConverterReadsIsoformatOutput() throws {
        let t = try TimestampConverter(
            .value, config: ["target.type": "Timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss"])
        let record = SourceRecord(
            sourcePartition: [:], sourceOffset: [:], topic: "t", valueSchema: .string,
            value: .string("2024-05-01T12:34:56.123456"))
        let r = try #require(try t.apply(record))
        #expect(r.value == .int64(1_714_566_896_000))
        #expect(r.valueSchema?.name == LogicalType.timestampName)
    }

    @Test func formatsAsSimpleDateFormat() throws {
        let p = try DateTimePattern("yyyy-MM-dd HH:mm:ss.SSS yy DDD")
        #expect(p.formatLikeSimpleDateFormat(millis: 1_714_567_019_456) == "2024-05-01 12:36:59.456 24 122")
        // Julian before the cutover, the year of the era before year 1.
        #expect(p.formatLikeSimpleDateFormat(millis: -62_135_769_600_000) == "0001-01-01 00:00:00.000 01 001")
        #expect(p.formatLikeSimpleDateFormat(millis: -12_219_292_800_000) == "1582-10-15 00:00:00.000 82 278")
        #expect(p.formatLikeSimpleDateFormat(millis: -62_325_158_400_000) == "0006-01-01 00:00:00.000 06 001")
    }
}

import ConnectAPI
import Testing

@testable import JdbcConnectors

/// db.timezone against the system's tz database (dev/setup.sh installs tzdata), checked at instants
/// whose offsets are known: both sides of DST changes, inside the listed transitions and past them
/// (where the TZif footer's POSIX rule decides).
struct DbTimeZoneTests {
    /// Seconds since the epoch of a UTC date-time.
    func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0) -> Int64 {
        CivilDate.days(y, mo, d) * 86_400 + Int64(h * 3600 + mi * 60)
    }

    @Test func namedZonesFollowDaylightSavingInAndPastTheirTransitions() throws {
        let chicago = try #require(DbTimeZone("America/Chicago"))
        #expect(chicago.fixedOffset == nil)
        #expect(chicago.offset(atUTC: utc(2024, 1, 15, 12)) == -6 * 3600)
        #expect(chicago.offset(atUTC: utc(2024, 7, 1, 12)) == -5 * 3600)
        // 2024-03-10 02:00 CST = 08:00Z: clocks go forward.
        #expect(chicago.offset(atUTC: utc(2024, 3, 10, 7, 59)) == -6 * 3600)
        #expect(chicago.offset(atUTC: utc(2024, 3, 10, 8)) == -5 * 3600)
        // 2100: past the file's transitions, the footer rule (second Sunday of March 2100 is the 14th).
        #expect(chicago.offset(atUTC: utc(2100, 3, 14, 7, 59)) == -6 * 3600)
        #expect(chicago.offset(atUTC: utc(2100, 3, 14, 8)) == -5 * 3600)
        #expect(chicago.offset(atUTC: utc(2100, 12, 1)) == -6 * 3600)

        let sydney = try #require(DbTimeZone("Australia/Sydney"))  // southern hemisphere: DST over new year
        #expect(sydney.offset(atUTC: utc(2024, 1, 15)) == 11 * 3600)
        #expect(sydney.offset(atUTC: utc(2024, 7, 15)) == 10 * 3600)
        #expect(sydney.offset(atUTC: utc(2100, 1, 15)) == 11 * 3600)
        #expect(sydney.offset(atUTC: utc(2100, 7, 15)) == 10 * 3600)

        let dublin = try #require(DbTimeZone("Europe/Dublin"))  // negative DST in its footer: IST-1GMT0
        #expect(dublin.offset(atUTC: utc(2100, 7, 1)) == 3600)
        #expect(dublin.offset(atUTC: utc(2100, 1, 1)) == 0)
    }

    @Test func wallClockTimesInGapsAndOverlapsResolveAsJava() throws {
        let chicago = try #require(DbTimeZone("America/Chicago"))
        let local = { (y: Int, mo: Int, d: Int, h: Int, mi: Int) in
            CivilDate.days(y, mo, d) * 86_400 + Int64(h * 3600 + mi * 60)
        }
        // 02:30 does not exist on 2024-03-10: read with the offset before the change (= 03:30 CDT).
        #expect(chicago.offset(forLocal: local(2024, 3, 10, 2, 30)) == -6 * 3600)
        // 01:30 happens twice on 2024-11-03: the earlier instant (CDT).
        #expect(chicago.offset(forLocal: local(2024, 11, 3, 1, 30)) == -5 * 3600)
        #expect(chicago.offset(forLocal: local(2024, 11, 3, 3, 0)) == -6 * 3600)
    }

    @Test func fixedOffsetsAndBadNames() throws {
        #expect(DbTimeZone("UTC")?.fixedOffset == 0)
        #expect(DbTimeZone("+05:30")?.fixedOffset == 19_800)
        #expect(DbTimeZone("UTC-3")?.fixedOffset == -10_800)
        #expect(DbTimeZone("GMT+0100")?.fixedOffset == 3600)
        // POSIX sign: Etc/GMT+5 is five hours west of UTC.
        #expect(DbTimeZone("Etc/GMT+5")?.fixedOffset == -18_000)
        #expect(DbTimeZone("Mars/Olympus_Mons") == nil)
        #expect(DbTimeZone("../../etc/passwd") == nil)
        #expect(DbTimeZone("/usr/share/zoneinfo/UTC") == nil)
        #expect(DbTimeZone("+25:00") == nil)
    }

    @Test func wallClockColumnsAreReadInTheZone() throws {
        let chicago = try #require(DbTimeZone("America/Chicago"))
        let ts = Array("2024-07-01 12:00:00.5".utf8).withUnsafeBytes { PostgresText.timestamp($0, zone: chicago) }
        #expect(ts?.millis == utc(2024, 7, 1, 17) * 1000 + 500)
        #expect(ts?.nanos == 500_000_000)
        // An explicit offset (timestamptz) wins over the zone.
        let tz = Array("2024-07-01 12:00:00+02".utf8).withUnsafeBytes { PostgresText.timestamp($0, zone: chicago) }
        #expect(tz?.millis == utc(2024, 7, 1, 10) * 1000)
        // time: a time of 1970-01-01 in the zone (CST then), as milliseconds of the UTC day.
        let t = Array("10:00:00".utf8).withUnsafeBytes { PostgresText.time($0, zone: chicago) }
        #expect(t == Int32(57_600_000))  // 16:00 UTC
    }
}

/// timestamp.granularity: the values Confluent's DateTimeUtils makes of a java.sql.Timestamp.
struct TimestampGranularityTests {
    typealias G = JdbcSourceConfig.TimestampGranularity

    @Test func valuesMatchConfluentsDateTimeUtils() throws {
        let chicago = try #require(DbTimeZone("America/Chicago"))
        // 2024-07-01T12:00:00.123456789Z
        let (ms, ns): (Int64, Int32) = (1_719_835_200_123, 123_456_789)
        #expect(G.connectLogical.value(millis: ms, nanos: ns, zone: .utc) == .int64(ms))
        #expect(G.microsLong.value(millis: ms, nanos: ns, zone: .utc) == .int64(1_719_835_200_123_456))
        #expect(G.microsString.value(millis: ms, nanos: ns, zone: .utc) == .string("1719835200123456"))
        #expect(G.nanosLong.value(millis: ms, nanos: ns, zone: .utc) == .int64(1_719_835_200_123_456_789))
        #expect(G.nanosString.value(millis: ms, nanos: ns, zone: .utc) == .string("1719835200123456789"))
        #expect(
            G.microsIsoDatetimeString.value(millis: ms, nanos: ns, zone: .utc) == .string("2024-07-01T12:00:00.123456"))
        #expect(
            G.nanosIsoDatetimeString.value(millis: ms, nanos: ns, zone: chicago)
                == .string("2024-07-01T07:00:00.123456789"))
        // Before 1970 Java divides getTime() toward zero; the ISO form uses the instant itself.
        #expect(G.microsLong.value(millis: -1500, nanos: 500_000_000, zone: .utc) == .int64(-500_000))
        #expect(
            G.microsIsoDatetimeString.value(millis: -1500, nanos: 500_000_000, zone: .utc)
                == .string("1969-12-31T23:59:58.500000"))
        // Past Int64 nanoseconds (year 2300): BigInteger digits, no wrap.
        #expect(
            G.nanosString.value(millis: 10_413_792_000_000, nanos: 5, zone: .utc) == .string("10413792000000000005"))
    }
}

import ConnectAPI
import Testing

@testable import JdbcConnectors

/// `timestamp.fields.list` values as the timestamp text the sink sends (Confluent's
/// DateTimeUtils.formatSinkMicrosTimestamp / formatSinkNanosTimestamp, bound in db.timezone).
struct SinkValueTextTests {
    func text(_ v: Value, nanos: Bool = false, zone: DbTimeZone = .utc) throws -> String? {
        try SinkValueText.epochTimestampText(v, nanos: nanos, zone: zone)
    }

    @Test func epochMicrosAndNanosBecomeTimestamps() throws {
        // 2024-07-01T12:00:00.123456789Z
        #expect(try text(.int64(1_719_835_200_123_456)) == "2024-07-01 12:00:00.123456+00:00")
        #expect(try text(.string("1719835200123456")) == "2024-07-01 12:00:00.123456+00:00")
        // Nanoseconds round half up to PostgreSQL's microseconds.
        #expect(try text(.int64(1_719_835_200_123_456_789), nanos: true) == "2024-07-01 12:00:00.123457+00:00")
        #expect(try text(.string("1719835200123456499"), nanos: true) == "2024-07-01 12:00:00.123456+00:00")
        // In db.timezone, with its offset.
        let chicago = try #require(DbTimeZone("America/Chicago"))
        #expect(try text(.int64(1_719_835_200_123_456), zone: chicago) == "2024-07-01 07:00:00.123456-05:00")
        // Before 1970: floor, not truncation toward zero.
        #expect(try text(.int64(-1)) == "1969-12-31 23:59:59.999999+00:00")
        #expect(try text(.string("-1500"), nanos: true) == "1969-12-31 23:59:59.999999+00:00")
        // Nulls stay NULL; other kinds are written as they are.
        #expect(try text(.null) == nil)
        #expect(try text(.int32(7)) == "7")
    }

    @Test func aStringThatIsNoNumberIsNamed() {
        #expect {
            try text(.string("soon"))
        } throws: { error in
            "\((error as? SinkValueText.Failure)?.reason ?? "")".contains(
                "\"soon\" is not a whole number of microseconds")
        }
    }

    @Test func floorDivisionCoversTheWholeRange() throws {
        #expect(CivilDate.floorDiv(Int64.min, 1000) == -9_223_372_036_854_776)
        #expect(CivilDate.floorMod(Int64.min, 1000) == 192)
        #expect(CivilDate.floorDiv(-1, 1000) == -1 && CivilDate.floorMod(-1, 1000) == 999)
        #expect(CivilDate.floorDiv(1999, 1000) == 1 && CivilDate.floorMod(1999, 1000) == 999)
        #expect(try text(.int64(Int64.min)) != nil)
    }
}

/// The COPY writer's shortcut for schemaless nulls, numbers, booleans and strings writes what the general way
/// (`SinkValueText.text`, then COPY escaping) writes.
extension SinkCopyTextTests {
    @Test(arguments: [
        Value.null, .boolean(true), .boolean(false), .int64(0), .int64(7), .int64(-42), .int64(1_700_000_000_000),
        .int64(Int64.max), .int64(Int64.min), .int32(-5), .int16(300), .int8(-128), .float64(1.5), .float64(-0.0),
        .float64(123.45), .float64(1e-7), .float64(1e300), .float64(0.1 + 0.2), .string(""), .string("plain"),
        .string("a\tb\\c\nd\re"), .string("ünïcødé \u{1F600}"), .string(String(repeating: "abcdefgh", count: 5) + "\\"),
        .string("0123456\u{01}x"), .string(String(repeating: "x", count: 23) + "\t"),
    ])
    func plainValuesMatchTheGeneralWay(_ v: Value) throws {
        var fast: [UInt8] = [1, 2]
        #expect(SinkTableWriter.appendPlain(v, to: &fast))
        var general: [UInt8] = [1, 2]
        SinkTableWriter.appendCopyText(
            try SinkValueText.text(v, schema: nil, zone: .utc, dateInZone: false), to: &general)
        #expect(fast == general)
    }

    @Test func otherValuesTakeTheGeneralWay() {
        var out: [UInt8] = [7]
        for v: Value in [
            .float64(.nan), .float64(.infinity), .float64(-.infinity), .map([]), .array([]), .bytes([1]),
            .string("a\u{0}b"), .string("escaped\t then a NUL\u{0}"),
            .string(String(repeating: "y", count: 17) + "\u{0}"),
        ] {
            #expect(!SinkTableWriter.appendPlain(v, to: &out))
        }
        #expect(out == [7])
    }
}

import ConnectAPI
import Testing

@testable import Transforms

/// RegexRouter, TimestampRouter, Filter and the predicates.
@Suite struct RoutingTransformsTests {
    static func record(
        topic: String, value: Value = .string("v"), timestamp: Int64? = nil, headers: [ConnectHeader] = []
    )
        -> SinkRecord
    {
        SinkRecord(
            topic: topic, kafkaPartition: 0, kafkaOffset: 42, keySchema: nil, key: .null, valueSchema: nil,
            value: value,
            timestamp: timestamp, headers: headers)
    }

    @Test func regexRouterRenamesWholeMatchesWithGroupsAndLeavesOthers() throws {
        let t = try RegexRouter(config: ["regex": "(.*)-raw", "replacement": "$1-clean"])
        #expect(try t.apply(Self.record(topic: "orders-raw"))?.topic == "orders-clean")
        #expect(try t.apply(Self.record(topic: "orders-raw"))?.topic == "orders-clean")  // remembered
        #expect(try t.apply(Self.record(topic: "orders-raw-x"))?.topic == "orders-raw-x")  // not a whole match
        let named = try RegexRouter(config: ["regex": "db\\.(?<table>\\w+)", "replacement": "\\$${table}$0"])
        #expect(try named.apply(Self.record(topic: "db.stations"))?.topic == "$stationsdb.stations")
        let badGroup = try RegexRouter(config: ["regex": "(a)", "replacement": "$2"])
        #expect(throws: ConnectError.self) { try badGroup.apply(Self.record(topic: "a")) }
        do {
            _ = try RegexRouter(config: ["regex": "(", "replacement": "x"])
            Issue.record("an invalid regex was accepted")
        } catch let e as ConfigException {
            #expect(e.message.hasPrefix("Invalid value ( for configuration regex: Invalid regex"))
        }
        #expect(throws: ConfigException.self) { try RegexRouter(config: ["regex": "a"]) }
        // A Java-only construct is refused at creation rather than matching nothing.
        #expect(throws: ConfigException.self) {
            try RegexRouter(config: ["regex": "\\p{javaLowerCase}+", "replacement": "x"])
        }
    }

    @Test func timestampRouterNamesTopicsByTheRecordsDayInUTC() throws {
        let t = try TimestampRouter(config: [:])
        // 2024-02-29T23:59:59.999Z
        #expect(try t.apply(Self.record(topic: "iot", timestamp: 1_709_251_199_999))?.topic == "iot-20240229")
        let hourly = try TimestampRouter(config: [
            "topic.format": "${timestamp}/${topic}", "timestamp.format": "yyyy-MM-dd'T'HH",
        ])
        #expect(try hourly.apply(Self.record(topic: "iot", timestamp: 0))?.topic == "1970-01-01T00/iot")
        #expect(throws: ConnectError.self) { try t.apply(Self.record(topic: "iot")) }
        #expect(throws: ConfigException.self) { try TimestampRouter(config: ["timestamp.format": "yyyy-ww"]) }
    }

    @Test func predicatesMatchTopicsHeadersAndTombstones() throws {
        let topic = try TopicNameMatches(config: ["pattern": "orders-.*"])
        #expect(topic.test(Self.record(topic: "orders-eu")))
        #expect(!topic.test(Self.record(topic: "x-orders-eu")))
        #expect(throws: ConfigException.self) { try TopicNameMatches(config: [:]) }

        let header = try HasHeaderKey(config: ["name": "trace"])
        #expect(header.test(Self.record(topic: "t", headers: [ConnectHeader(key: "trace", schema: nil, value: .null)])))
        #expect(!header.test(Self.record(topic: "t")))

        let tombstone = try RecordIsTombstone(config: [:])
        #expect(tombstone.test(Self.record(topic: "t", value: .null)))
        #expect(!tombstone.test(Self.record(topic: "t")))

        #expect(try Filter(config: [:]).apply(Self.record(topic: "t")) == nil)
    }

    @Test func headerTransformsAddDropAndTakeHeadersFromFields() throws {
        let insert = try InsertHeader(config: ["header": "source", "value.literal": "42"])
        let r = try #require(try insert.apply(Self.record(topic: "t")))
        #expect(r.headers == [ConnectHeader(key: "source", schema: .int8, value: .int8(42))])
        #expect(InsertHeader.parse("true").1 == .boolean(true))
        #expect(InsertHeader.parse("1.5").1 == .float32(1.5))
        #expect(InsertHeader.parse("0.1").1 == .float64(0.1))
        #expect(InsertHeader.parse("70000").1 == .int32(70000))
        #expect(InsertHeader.parse("eu-west").1 == .string("eu-west"))

        let drop = try DropHeaders(config: ["headers": "source,other"])
        let h = ConnectHeader(key: "keep", schema: nil, value: .null)
        #expect(try drop.apply(r)?.headers == [])
        #expect(try drop.apply(Self.record(topic: "t", headers: [h]))?.headers == [h])

        let schema = Schema.struct([("id", .int64), ("trace", .optionalString)])
        let value = Value.struct(Struct(schema: schema, values: [.int64(1), .string("abc")]))
        var rec = Self.record(topic: "t", value: value)
        rec.valueSchema = schema
        let move = try HeaderFrom(.value, config: ["fields": "trace", "headers": "trace-id", "operation": "move"])
        let moved = try #require(try move.apply(rec))
        #expect(moved.headers == [ConnectHeader(key: "trace-id", schema: .optionalString, value: .string("abc"))])
        #expect(moved.valueSchema?.fields.map(\.name) == ["id"])
        #expect(moved.value.structValue?.values == [.int64(1)])
        let copy = try HeaderFrom(.value, config: ["fields": "trace", "headers": "trace-id", "operation": "copy"])
        #expect(try copy.apply(rec)?.value == value)
        #expect(throws: ConfigException.self) {
            try HeaderFrom(.value, config: ["fields": "a,b", "headers": "a", "operation": "copy"])
        }
    }
}

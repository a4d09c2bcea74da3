import ConnectAPI
import RestServing
import Testing

@testable import RestProxy

/// v2 request parsing without Kafka: content types and whole-request validation.
@Suite struct ProduceRequestTests {
    @Test func contentTypes() throws {
        #expect(try EmbeddedFormat.ofRequest(contentType: "application/vnd.kafka.avro.v2+json") == .avro)
        #expect(try EmbeddedFormat.ofRequest(contentType: "application/vnd.kafka.json.v2+json; charset=utf-8") == .json)
        #expect(try EmbeddedFormat.ofRequest(contentType: "application/vnd.kafka.v2+json") == .binary)
        #expect(try EmbeddedFormat.ofRequest(contentType: "application/vnd.kafka+json") == .binary)
        #expect(try EmbeddedFormat.ofRequest(contentType: "application/json") == .binary)
        #expect(try EmbeddedFormat.ofRequest(contentType: nil) == .binary)
        #expect(throws: RestError.self) { try EmbeddedFormat.ofRequest(contentType: "text/plain") }
        #expect(throws: RestError.self) {
            try EmbeddedFormat.ofRequest(contentType: "application/vnd.kafka.xml.v2+json")
        }
        #expect(EmbeddedFormat.acceptable(nil))
        #expect(EmbeddedFormat.acceptable("text/html, */*;q=0.8"))
        #expect(!EmbeddedFormat.acceptable("text/html"))
    }

    func request(_ body: String, _ format: EmbeddedFormat = .binary) async throws(RestError) -> ProduceRequest {
        try await ProduceRequest(topic: "t", partition: nil, format: format, body: Array(body.utf8), registry: nil)
    }

    func code(_ body: String, _ format: EmbeddedFormat = .binary) async -> Int? {
        do throws(RestError) {
            _ = try await request(body, format)
            return nil
        } catch { return error.code }
    }

    @Test func binaryAndJsonRecords() async throws {
        let r = try await request(#"{"records":[{"key":"aw==","value":"aGk=","partition":2},{"value":null}]}"#)
        #expect(r.messages.count == 2)
        #expect(r.messages[0].key == [0x6B] && r.messages[0].value == Array("hi".utf8) && r.messages[0].partition == 2)
        #expect(r.messages[1].value == nil && r.messages[1].key == nil)
        let j = try await request(#"{"records":[{"key":"abc","value":{"a": [1, 2.5]}}]}"#, .json)
        #expect(j.messages[0].key == Array(#""abc""#.utf8))
        #expect(j.messages[0].value == Array(#"{"a":[1,2.5]}"#.utf8))
    }

    @Test func wholeRequestErrors() async {
        #expect(await code("{") == 400)
        #expect(await code("[1]") == 400)
        #expect(await code(#"{"records":[]}"#) == 422)
        #expect(await code(#"{"records":{}}"#) == 400)
        #expect(await code(#"{"records":[{"value":"aGk="},{"value":"%%"}]}"#) == 400)
        #expect(await code(#"{"records":[{"value":"aGk=","partition":-1}]}"#) == 400)
        #expect(await code(#"{"records":[{"value":{"a":1}}]}"#, .avro) == 42202)
        #expect(await code(#"{"value_schema":"\"int\"","records":[{"value":1}]}"#, .avro) == 40801)
        #expect(await code(#"{"records":[{"value":{"a":1}}]}"#, .jsonschema) == 42202)
    }
}

/// The one-pass reading of JSON-format requests gives what parsing the body gives, and leaves every
/// unusual body to the general path.
@Suite struct JSONRecordsTests {
    func general(_ body: String) throws -> [(key: [UInt8]?, value: [UInt8]?, partition: Int32?)] {
        let records = try JSONParser.parse(body).objectValue!["records"]!.arrayValue!
        return records.map { r in
            let o = r.objectValue!
            func bytes(_ v: JSONValue?) -> [UInt8]? { v.flatMap { $0.isNull ? nil : JSONWriter.bytes($0) } }
            return (bytes(o["key"]), bytes(o["value"]), o["partition"]?.int64Value.map { Int32($0) })
        }
    }

    @Test func recordsMatchTheGeneralPath() throws {
        for body in [
            #"{"records":[{"key":"abc","value":{"a": [1, 2.5, "é"]}}]}"#,
            #"{ "value_schema": {"type": "record"}, "records" : [ {"value": 1, "partition": 2}, {"key": null, "value": null, "x": [1]}, {} ] }"#,
        ] {
            let fast = try #require(ProduceRequest.jsonRecords(topic: "t", partition: nil, body: Array(body.utf8)))
            let expected = try general(body)
            #expect(fast.count == expected.count)
            for (m, e) in zip(fast, expected) {
                #expect(m.topic == "t" && m.key == e.key && m.value == e.value && m.partition == e.partition)
            }
        }
    }

    @Test func unusualBodiesTakeTheGeneralPath() async throws {
        for body in [
            #"{"records":[{"value":1}],"records":[{"value":2}]}"#, #"{"records":[{"value":"a\nb"}]}"#,
            #"{"records":[{"value":1,"value":2}]}"#, #"{"records":[{"value":1,"partition":-1}]}"#,
            #"{"records":[{"value":1,"partition":1.0}]}"#, #"{"records":[{"value":-0}]}"#, #"{"records":[]}"#,
            #"{"records":[1]}"#, "{", #"{"records":[{"value":1}]} x"#,
        ] {
            #expect(ProduceRequest.jsonRecords(topic: "t", partition: nil, body: Array(body.utf8)) == nil, "\(body)")
        }
        // Which still answers as before.
        let r = try await ProduceRequest(
            topic: "t", partition: 1, format: .json, body: Array(#"{"records":[{"value":"a\nb","value":-0}]}"#.utf8),
            registry: nil)
        #expect(r.messages.count == 1 && r.messages[0].value == Array("0".utf8) && r.messages[0].partition == 1)
    }
}

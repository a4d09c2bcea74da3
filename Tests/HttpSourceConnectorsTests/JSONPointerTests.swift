import ConnectAPI
import Testing

@testable import HttpSourceConnectors

@Suite struct JSONPointerTests {
    @Test func resolvesRFC6901Pointers() throws {
        let doc = try JSONParser.parse(#"{"features":[{"id":"a","properties":{"updated":5,"a/b":1,"m~n":2}}]}"#)
        #expect(JSONPointer("/")!.resolve(doc) == doc)
        #expect(JSONPointer("/features/0/id")!.resolve(doc) == .string("a"))
        #expect(JSONPointer("/features/0/properties/updated")!.resolve(doc) == .int(5))
        #expect(JSONPointer("/features/0/properties/a~1b")!.resolve(doc) == .int(1))
        #expect(JSONPointer("/features/0/properties/m~0n")!.resolve(doc) == .int(2))
        #expect(JSONPointer("/features/1/id")!.resolve(doc) == nil)
        #expect(JSONPointer("features") == nil)
    }

    @Test func keyNamesAsUsersWriteThem() {
        let pairs = JsonHttpSourceConfig.pairs("a=b & c = d&e", separator: "&", assign: "=")
        #expect(pairs.map { "\($0.0)=\($0.1)" } == ["a=b", "c=d"])
        let errors = JsonHttpSourceConfig.validate([
            "http.request.url": "ftp://x", "http.response.list.pointer": "features", "kafka.topic": "t",
        ])
        #expect(Set(errors.keys) == ["http.request.url", "http.response.list.pointer"])
    }
}

@Suite struct IsoTimeTests {
    @Test func roundTrips() {
        #expect(IsoTime.format(ms: 1_548_873_114_399) == "2019-01-30T18:31:54")
        #expect(IsoTime.instant(ms: 1_548_873_114_009) == "2019-01-30T18:31:54.009Z")
        // Java's ISO_INSTANT writes no fraction when it is zero.
        #expect(IsoTime.instant(ms: 1_548_873_114_000) == "2019-01-30T18:31:54Z")
        #expect(IsoTime.parse("2019-01-30T18:31:54.009Z") == 1_548_873_114_009)
        #expect(IsoTime.parse("2019-01-30") == 1_548_806_400_000)
        #expect(IsoTime.parse("last tuesday") == nil)
    }
}

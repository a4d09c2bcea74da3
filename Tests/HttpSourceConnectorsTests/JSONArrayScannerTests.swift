import Testing

@testable import HttpSourceConnectors

@Suite struct JSONArrayScannerTests {
    func elements(_ text: String) -> ([String], failed: Bool)? {
        guard var s = JSONArrayScanner(Array(text.utf8)) else { return nil }
        var out: [String] = []
        while let r = s.next() { out.append(String(decoding: s.bytes[r], as: UTF8.self)) }
        return (out, s.failed)
    }

    @Test func splitsTopLevelElementsOnly() {
        let e = elements(#" [ {"a":"x,]}","b":[1,{"c":2}]} , 3,"s\"]" ,null,[[]] ] "#)!
        #expect(e.0 == [#"{"a":"x,]}","b":[1,{"c":2}]}"#, "3", #""s\"]""#, "null", "[[]]"])
        #expect(!e.failed)
        #expect(elements("[]")!.0.isEmpty)
    }

    @Test func reportsTruncatedText() {
        let e = elements(#"[{":id":"row-1","name":"#)!
        #expect(e.0.isEmpty && e.failed)
        #expect(elements(#"{"error":true}"#) == nil)
    }
}

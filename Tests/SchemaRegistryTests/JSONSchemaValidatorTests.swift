import ConnectAPI
import Testing

@testable import SchemaRegistry

@Suite struct JSONSchemaValidatorTests {
    func errors(_ schema: String, _ data: String) throws -> String? {
        let v = try JSONSchemaValidator(schema)
        let json = try JSONParser.parse(data)
        do throws(JSONSchemaValidator.Invalid) {
            try v.validate(json)
            return nil
        } catch { return error.description }
    }

    @Test func keywords() throws {
        let s = #"""
            {"type":"object","required":["id"],"additionalProperties":false,
             "properties":{"id":{"type":"integer","minimum":1},"tags":{"type":"array","items":{"type":"string"},"maxItems":2},
                           "kind":{"enum":["a","b"]},"ref":{"$ref":"#/definitions/pos"},
                           "any":{"anyOf":[{"type":"string"},{"type":"null"}]}},
             "definitions":{"pos":{"type":"number","exclusiveMinimum":0}}}
            """#
        #expect(try errors(s, #"{"id":1,"tags":["x"],"kind":"a","ref":0.5,"any":null}"#) == nil)
        #expect(try errors(s, #"{"tags":[]}"#) == #"$: required property "id" is missing"#)
        #expect(try errors(s, #"{"id":0}"#) == "$.id: 0.0 is less than 1.0")
        #expect(try errors(s, #"{"id":1.5}"#)?.hasPrefix("$.id: expected integer, got number") == true)
        #expect(try errors(s, #"{"id":1,"tags":[1]}"#)?.hasPrefix("$.tags[0]: expected string") == true)
        #expect(try errors(s, #"{"id":1,"tags":["a","b","c"]}"#) == "$.tags: 3 items, more than 2")
        #expect(try errors(s, #"{"id":1,"kind":"c"}"#) == #"$.kind: "c" is not one of ["a","b"]"#)
        #expect(try errors(s, #"{"id":1,"ref":0}"#) == "$.ref: 0.0 is not more than 0.0")
        #expect(try errors(s, #"{"id":1,"any":3}"#) == "$.any: 3 matches none of anyOf")
        #expect(try errors(s, #"{"id":1,"extra":true}"#) == #"$: property "extra" is not allowed"#)
        #expect(try errors("true", "[1]") == nil)
        #expect(throws: JSONSchemaValidator.Invalid.self) { try JSONSchemaValidator("[1]") }
    }

    /// Schemas whose anyOf branches loop or fan out: refused in bounded time instead of taking
    /// exponential time on one value (each branch used to swallow the depth limit and try the next).
    @Test func branchingReferencesAreBounded() throws {
        let loop = ##"{"anyOf":[{"$ref":"#"},{"$ref":"#"}]}"##
        #expect(try errors(loop, "1")?.contains("deeper than 64") == true)
        // A DAG of definitions, each anyOf two references to the next: 2^25 paths, no loop.
        var defs: [String] = []
        for i in 0..<25 {
            defs.append(
                ##""d\##(i)":{"anyOf":[{"$ref":"#/definitions/d\##(i + 1)"},{"$ref":"#/definitions/d\##(i + 1)"}]}"##)
        }
        defs.append(#""d25":false"#)
        let fan = ##"{"$ref":"#/definitions/d0","definitions":{\##(defs.joined(separator: ","))}}"##
        #expect(try errors(fan, "1")?.contains("more than \(JSONSchemaValidator.maxChecks) checks") == true)
        // Ordinary anyOf and oneOf still match branch by branch.
        #expect(try errors(#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#, "1") == nil)
        #expect(try errors(#"{"not":{"type":"string"}}"#, "1") == nil)
    }
}

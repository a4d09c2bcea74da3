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
}

import ConnectAPI
import Testing

@testable import HttpSourceConnectors

@Suite struct SocrataSchemaTests {
    @Test func typesFromTheHeaders() throws {
        let s = try #require(
            SocrataSchema(
                fieldsHeader: #"[":id", "latitude", "filed_online", "point", "resolution"]"#,
                typesHeader: #"["row_identifier", "number", "checkbox", "point", "text"]"#, dataset: "wg3w-h783"))
        #expect(s.schema.fields.map(\.schema.type) == [.string, .float64, .boolean, .string, .string])
        #expect(s.schema.name == "io.tributary.socrata.ds_wg3w_h783")
        let row: JSONObject = [
            ":id": .string("row-1"), "latitude": .string("37.5"), "filed_online": .bool(true),
            "point": .object(["type": .string("Point")]),
        ]
        guard case .struct(let v) = s.value(of: row) else {
            Issue.record("not a struct")
            return
        }
        #expect(v.values == [.string("row-1"), .float64(37.5), .boolean(true), .string(#"{"type":"Point"}"#), .null])
        #expect(SocrataSchema(fieldsHeader: "[]", typesHeader: "[]", dataset: "x") == nil)
        #expect(SocrataSchema(fieldsHeader: #"["a"]"#, typesHeader: nil, dataset: "x") == nil)
    }
}

import ConnectAPI
import Testing

@testable import SchemaRegistry

/// Replaying `_schemas`: every reader makes the same decisions in log order, whoever wrote.
@Suite struct SchemaRegistryStateTests {
    func schema(_ subject: String, _ version: Int, id: Int, _ text: String, deleted: Bool = false) -> ([UInt8], [UInt8])
    {
        (
            SchemaRecords.schemaKey(subject, version),
            SchemaRecords.schemaValue(
                SubjectVersion(subject: subject, version: version, id: id, schema: text, deleted: deleted))
        )
    }

    @Test func confluentKeyAndValueBytes() {
        let (k, v) = schema("t-value", 1, id: 7, "\"string\"")
        #expect(
            String(decoding: k, as: UTF8.self) == #"{"keytype":"SCHEMA","subject":"t-value","version":1,"magic":1}"#)
        #expect(
            String(decoding: v, as: UTF8.self)
                == #"{"subject":"t-value","version":1,"id":7,"schema":"\"string\"","deleted":false}"#)
        #expect(
            String(decoding: SchemaRecords.configKey(nil), as: UTF8.self)
                == #"{"keytype":"CONFIG","subject":null,"magic":0}"#)
    }

    @Test func firstClaimOfAVersionOrAnIdWins() {
        var s = SchemaRegistryState()
        let a = schema("s", 1, id: 1, "\"string\"")
        s.apply(key: a.0, value: a.1)
        // Another worker claimed the same version with another schema and id: ignored.
        let b = schema("s", 1, id: 2, "\"long\"")
        s.apply(key: b.0, value: b.1)
        #expect(s.subjects["s"]?[1]?.schema == "\"string\"")
        // Another subject claiming id 1 for a different schema: ignored.
        let c = schema("t", 1, id: 1, "\"int\"")
        s.apply(key: c.0, value: c.1)
        #expect(s.subjects["t"] == nil)
        #expect(s.schemaText(id: 1) == "\"string\"")
        // The same schema under another subject with its id: accepted.
        let d = schema("t", 1, id: 1, "\"string\"")
        s.apply(key: d.0, value: d.1)
        #expect(s.subjects["t"]?[1]?.id == 1)
    }

    @Test func softDeleteTombstoneAndDeleteSubject() {
        var s = SchemaRegistryState()
        for (i, t) in ["\"a\"", "\"b\""].enumerated() {
            let r = schema("s", i + 1, id: i + 1, t)
            s.apply(key: r.0, value: r.1)
        }
        s.apply(key: SchemaRecords.deleteSubjectKey("s"), value: SchemaRecords.deleteSubjectValue("s", 1))
        #expect(s.versions("s", includeDeleted: false).map(\.version) == [2])
        s.apply(key: SchemaRecords.schemaKey("s", 2), value: nil)
        #expect(s.versions("s", includeDeleted: true).map(\.version) == [1])
        #expect(s.schemaText(id: 2) == "\"b\"")  // ids stay resolvable
        s.apply(key: Array(#"{"keytype":"NOOP","magic":0}"#.utf8), value: nil)
        s.apply(key: SchemaRecords.configKey(nil), value: SchemaRecords.configValue("FULL"))
        #expect(s.globalCompatibility == "FULL")
        s.apply(key: SchemaRecords.configKey(nil), value: nil)
        #expect(s.globalCompatibility == nil)
    }
}

/// Texts in `_schemas` written by an older Tributary (a nested type's namespace repeated) or by another
/// registry (any attribute order) are the same schema as Java's rendering of it.
@Suite struct StoredTextIdentityTests {
    @Test func storedTextsMatchByTheirRendering() {
        var s = SchemaRegistryState()
        let old =
            #"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"e","type":{"type":"enum","name":"E","namespace":"ns","symbols":["A"]}}]}"#
        s.apply(
            key: SchemaRecords.schemaKey("t-value", 1),
            value: SchemaRecords.schemaValue(
                SubjectVersion(subject: "t-value", version: 1, id: 1, schema: old, deleted: false)))
        let java =
            #"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}]}"#
        #expect(s.ids[SchemaRegistryState.identity(java, nil)] == 1)
        #expect(SchemaRegistryState.rendered(old, nil) == java)
        // The stored text itself is returned as stored.
        #expect(s.schemaText(id: 1) == old)
    }
}

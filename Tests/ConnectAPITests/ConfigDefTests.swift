import ConnectAPI
import Testing

@Suite struct ConfigDefTests {
    let def = ConfigDef()
        .define(
            "tasks.max", .int, defaultValue: "1", validator: .range(atLeast: 1), importance: .high, documentation: ""
        )
        .define("topic", .string, importance: .high, documentation: "")
        .define("enabled", .boolean, defaultValue: "true", importance: .low, documentation: "")
        .define("mode", .string, defaultValue: "a", validator: .oneOf(["a", "b"]), importance: .low, documentation: "")

    @Test func reportsErrorsWithKafkasMessages() {
        let errors = def.validate(["tasks.max": "zero", "enabled": "yes", "mode": "c"])
        #expect(errors["tasks.max"] == ["Invalid value zero for configuration tasks.max: Not a number of type INT"])
        #expect(errors["topic"] == ["Missing required configuration \"topic\" which has no default value."])
        #expect(
            errors["enabled"] == [
                "Invalid value yes for configuration enabled: Expected value to be either true or false"
            ])
        #expect(errors["mode"] == ["Invalid value c for configuration mode: String must be one of: a, b"])
    }

    @Test func rangeValidator() {
        #expect(
            def.validate(["tasks.max": "0", "topic": "t"])["tasks.max"] == [
                "Invalid value 0 for configuration tasks.max: Value must be at least 1"
            ])
    }

    @Test func parsesTypedValuesWithDefaults() throws {
        let c = try def.parse(["topic": "t", "tasks.max": " 3 "])
        #expect(c.int("tasks.max") == 3)
        #expect(c.bool("enabled") == true)
        #expect(c.string("mode") == "a")
    }
}

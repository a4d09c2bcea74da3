import Testing

@testable import KeyStores

/// Kafka's `JaasConfig` parsing (cases from apache/kafka `JaasContextTest`, and the quoting rules of its
/// `StreamTokenizer` set-up).
@Suite struct JaasConfigTests {
    @Test func confluentCloudPlain() throws {
        let j = try JaasConfig.parse(
            #"org.apache.kafka.common.security.plain.PlainLoginModule required username="ABCDEF" password="s3cr=t;x";"#)
        #expect(j.loginModule == "org.apache.kafka.common.security.plain.PlainLoginModule")
        #expect(j.controlFlag == .required)
        #expect(j.options == ["username": "ABCDEF", "password": "s3cr=t;x"])
    }

    @Test func controlFlagsAnyCase() throws {
        for (text, flag) in [
            ("required", JaasConfig.ControlFlag.required), ("REQUISITE", .requisite), ("Sufficient", .sufficient),
            ("optional", .optional),
        ] {
            #expect(try JaasConfig.parse("test.M \(text) propName=propValue;").controlFlag == flag)
        }
    }

    @Test func noOptionsAndManyOptions() throws {
        #expect(try JaasConfig.parse("test.testConfigNoOptions required;").options.isEmpty)
        let many = (0..<10).map { "propName\($0)=propValue\($0)" }.joined(separator: " ")
        let j = try JaasConfig.parse("test.testMultipleOptions sufficient \(many);")
        #expect(j.options.count == 10 && j.options["propName7"] == "propValue7")
    }

    @Test func quotedNamesAndValues() throws {
        let j = try JaasConfig.parse(
            #"test.Q required propName="prop value" propName2="value1 = 1, value2 = 2" "prop name"=propValue;"#)
        #expect(
            j.options == ["propName": "prop value", "propName2": "value1 = 1, value2 = 2", "prop name": "propValue"])
        #expect(try JaasConfig.parse(#"test.Q required option1="3";"#).options == ["option1": "3"])
    }

    @Test func escapesSingleQuotesAndComments() throws {
        let j = try JaasConfig.parse(
            #"""
            m.M required // a comment
              a="say \"hi\" \\ now" /* block */ b='single "quoted"' c=plain-word_$1;
            """#)
        #expect(j.options == ["a": #"say "hi" \ now"#, "b": #"single "quoted""#, "c": "plain-word_$1"])
        // An unquoted slash starts a comment, as in Java: paths must be quoted.
        #expect(try JaasConfig.parse(#"m.M required file="/etc/users";"#).options["file"] == "/etc/users")
        #expect(throws: JaasConfig.ParseError(message: "Value not specified for key 'file' in JAAS config")) {
            try JaasConfig.parse("m.M required file=/etc/users;")
        }
    }

    @Test func kafkasMessagesForInvalidConfigs() {
        let cases: [(String, String)] = [
            // The module is missing, so "required" is read as the module and option1 as the flag.
            ("  required option1=value1;", "Invalid login module control flag 'option1' in JAAS config"),
            ("test.M", "Login module control flag not specified in JAAS config"),
            ("test.loginModule option1=value1;", "Invalid login module control flag 'option1' in JAAS config"),
            ("loginModule required option1;", "Value not specified for key 'option1' in JAAS config"),
            ("test.testMissingSemicolon required option1=value1", "JAAS config entry not terminated by semi-colon"),
            ("test.testInvalidControlFlag { option1=3;", "Invalid login module control flag '{' in JAAS config"),
            ("", "Login module not specified in JAAS config"),
            ("a.A required; b.B required;", "JAAS config property contains 2 login modules, should be 1 module"),
        ]
        for (text, message) in cases {
            #expect(throws: JaasConfig.ParseError(message: message), "\(text)") { try JaasConfig.parse(text) }
        }
    }

    @Test func severalModulesInAFileSection() throws {
        let entries = try JaasConfig.parseEntries("a.A required x=1; b.B optional;")
        #expect(entries.map(\.loginModule) == ["a.A", "b.B"])
    }
}

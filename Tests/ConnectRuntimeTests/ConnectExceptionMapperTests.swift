import ConnectAPI
import RestServing
import Testing

@testable import ConnectRuntime

/// The status code and message Kafka Connect answers for each herder error.
@Suite struct ConnectExceptionMapperTests {
    @Test func eachErrorHasKafkaConnectsStatus() {
        let cases: [(HerderError, Int, String)] = [
            (.notFound("Connector x not found"), 404, "Connector x not found"),
            (.alreadyExists("Connector x already exists"), 409, "Connector x already exists"),
            (
                .badRequest("Connector name configuration must not be empty"), 400,
                "Connector name configuration must not be empty"
            ),
            (
                .rebalanceInProgress, 409,
                "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"
            ),
            (.forbidden("Topic tracking is disabled."), 403, "Topic tracking is disabled."),
            (.storeFailure("Failed to write to Kafka: x"), 500, "Failed to write to Kafka: x"),
        ]
        for (error, status, message) in cases {
            let rest = RestError(error)
            #expect(rest.status == status, "\(error)")
            #expect(rest.code == status, "\(error)")
            #expect(rest.message == message, "\(error)")
            #expect(rest.allow.isEmpty)
        }
    }

    @Test func anInvalidConfigIs400WithEveryError() {
        let infos = ConfigInfos.validate(
            className: "X", framework: ConfigDef(), plugin: ConfigDef(), extraErrors: ["a": ["bad a"], "b": ["bad b"]],
            config: ["a": "1", "b": "2"])
        let rest = RestError(HerderError.invalidConfig(infos))
        #expect(rest.status == 400)
        #expect(rest.message == infos.invalidMessage)
        #expect(rest.message.contains("bad a") && rest.message.contains("bad b"))
    }

    @Test func theBodyIsKafkaConnectsErrorEntity() {
        let r = RestResponse.error(RestError(HerderError.notFound("No status found for connector x")))
        #expect(r.status == 404)
        #expect(
            r.body.map { String(decoding: $0, as: UTF8.self) }
                == #"{"error_code":404,"message":"No status found for connector x"}"#)
    }
}

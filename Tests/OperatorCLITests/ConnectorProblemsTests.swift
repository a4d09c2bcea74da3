import ConnectAPI
import ConnectRuntime
import Foundation
import Testing

@testable import OperatorCLI

/// How `tributary validate` and `apply` name problems: connector, key, message; and placeholders the
/// config providers cannot resolve, named as such with the reason.
@Suite struct ConnectorProblemsTests {
    func providers(_ extra: [String: String] = [:], env: [String: String]) throws -> ConfigProviders {
        try ConfigProviders(
            declaredIn: [
                "config.providers": "file,env",
                "config.providers.file.class": "FileConfigProvider",
                "config.providers.env.class": "EnvVarConfigProvider",
            ].merging(extra) { _, n in n }, environment: env)
    }

    @Test func unsetVariableIsNamed() throws {
        let p = try providers(env: [:])
        #expect(
            p.unresolved(in: "${env:PG_JDBC_URL}").map(\.description) == [
                "${env:PG_JDBC_URL} is unresolved: environment variable PG_JDBC_URL is not set"
            ])
        // Set, it resolves and nothing is reported.
        #expect(
            try providers(env: ["PG_JDBC_URL": "jdbc:postgresql://h/db"]).unresolved(in: "${env:PG_JDBC_URL}").isEmpty)
    }

    @Test func everyReasonAPlaceholderStaysLiteral() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("db.properties").path
        try "user=app\n".write(toFile: file, atomically: true, encoding: .utf8)
        let p = try providers(
            [
                "config.providers.env.param.allowlist.pattern": "PG_.*",
                "config.providers.file.param.allowed.paths": dir.path,
            ],
            env: ["HOME": "/root"])
        func reasons(_ v: String) -> [String] { p.unresolved(in: v).map(\.reason) }
        #expect(
            reasons("${vault:secret/db:password}") == [
                "no config provider 'vault' is declared (config.providers lists env,file in the worker properties)"
            ])
        #expect(
            reasons("${env:HOME}") == [
                "environment variable HOME does not match config.providers.env.param.allowlist.pattern (PG_.*)"
            ])
        #expect(reasons("${file:\(file):password}") == ["\(file) has no key password"])
        #expect(reasons("${file:\(file):user}").isEmpty)
        #expect(
            reasons("${file:/etc/passwd:root}") == [
                "/etc/passwd is not under config.providers.file.param.allowed.paths"
            ])
        #expect(
            reasons("${file:\(dir.path)/missing.properties:k}").first?.hasPrefix(
                "cannot read \(dir.path)/missing.properties") == true)
        // Two placeholders in one value: each is reported; text that is no placeholder is not.
        #expect(
            p.unresolved(in: "jdbc:${env:PG_HOST}/${env:PG_DB} ${literal}").map(\.placeholder) == [
                "${env:PG_HOST}", "${env:PG_DB}",
            ])
        #expect(
            try ConfigProviders(declaredIn: [:], environment: [:]).unresolved(in: "${env:X}").map(\.reason) == [
                "no config provider 'env' is declared (config.providers is empty in the worker properties)"
            ])
    }

    @Test func unresolvedLinesNameConnectorAndKey() throws {
        let config: JSONObject = [
            ("connector.class", "JdbcSourceConnector"), ("connection.url", "${env:PG_JDBC_URL}"), ("mode", "bulk"),
        ]
        let lines = ConnectorProblems.unresolved(
            connector: "demo-stations", config: config, providers: try providers(env: [:]))
        #expect(
            lines == [
                "connection.url": [
                    "demo-stations: connection.url: ${env:PG_JDBC_URL} is unresolved: environment variable PG_JDBC_URL is not set"
                ]
            ])
    }

    @Test func configValidateErrorsAreListedKeyByKey() throws {
        let infos = try JSONParser.parse(
            #"{"name":"X","error_count":2,"groups":[],"configs":[{"definition":null,"value":{"name":"topic","value":null,"errors":["Missing required configuration \"topic\" which has no default value."]}},{"definition":null,"value":{"name":"file","value":"/x","errors":[]}},{"definition":null,"value":{"name":"tasks.max","value":"zero","errors":["Invalid value zero for configuration tasks.max: Not a number of type INT"]}}]}"#
        )
        #expect(
            ConnectorProblems.lines(connector: "broken", configInfos: infos) == [
                #"broken: topic: Missing required configuration "topic" which has no default value."#,
                "broken: tasks.max: Invalid value zero for configuration tasks.max: Not a number of type INT",
            ])
    }

    @Test func errorsOfPlaceholderKeysSayWhereTheyWereResolved() throws {
        let infos = try JSONParser.parse(
            #"{"configs":[{"definition":null,"value":{"name":"connection.url","value":"${env:PG_JDBC_URL}","errors":["connection.url must start with jdbc:postgresql: (got ${env:PG_JDBC_URL})"]}}]}"#
        )
        #expect(
            ConnectorProblems.lines(
                connector: "db", configInfos: infos, written: [("connection.url", "${env:PG_JDBC_URL}")]) == [
                    "db: connection.url: connection.url must start with jdbc:postgresql: (got ${env:PG_JDBC_URL}) (the value is resolved on the worker, with its config providers and environment)"
                ])
    }

    @Test func pathSegmentsArePercentEncoded() {
        #expect(ConnectorProblems.pathSegment("my connector/1") == "my%20connector%2F1")
        #expect(ConnectorProblems.pathSegment("InsertField$Value") == "InsertField%24Value")
    }
}

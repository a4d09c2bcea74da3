import ConnectAPI
import CurlClient
import Testing

@testable import HttpSourceConnectors

@Suite struct SocrataQueryTests {
    func config(_ extra: [String: String] = [:]) throws -> SocrataSourceConfig {
        var raw = ["socrata.domain": "data.sfgov.org", "socrata.dataset": "wr8u-xric", "topic": "fire"]
        raw.merge(extra) { $1 }
        return try SocrataSourceConfig(raw)
    }

    func decoded(_ url: String) -> String { AWSSigner.percentDecoded(Substring(url)) }

    @Test func firstPageReadsFromTheBeginningInKeysetOrder() throws {
        let url = SocrataQuery(config: try config()).url(after: nil)
        #expect(url.hasPrefix("https://data.sfgov.org/resource/wr8u-xric.json?"))
        #expect(decoded(url).hasSuffix("?$select=:*,*&$order=:updated_at ASC, :id ASC&$limit=1000"))
    }

    @Test func laterPagesAreAfterTheLastRowAndKeepTheUsersFilter() throws {
        let c = try config(["socrata.where": "city = 'SF'", "socrata.page.size": "50000", "socrata.select": "a,b"])
        let url = SocrataQuery(config: c).url(after: .init(updatedAt: "2024-01-02T03:04:05.678Z", id: "row-ab'c"))
        #expect(
            decoded(url)
                == "https://data.sfgov.org/resource/wr8u-xric.json?$select=:id,:updated_at,a,b&$where=(city = 'SF') AND (:updated_at > '2024-01-02T03:04:05.678Z' OR (:updated_at = '2024-01-02T03:04:05.678Z' AND :id > 'row-ab''c'))&$order=:updated_at ASC, :id ASC&$limit=50000"
        )
        #expect(!url.contains(" "))
    }

    @Test func datasetsAndDomainsAreReadFromIdsAndURLs() {
        #expect(SocrataSourceConfig.datasetId("https://data.sfgov.org/resource/WR8U-xric.json") == "wr8u-xric")
        #expect(SocrataSourceConfig.datasetId("wr8u-xric") == "wr8u-xric")
        #expect(SocrataSourceConfig.datasetId("wr8u_xric") == nil)
        #expect(SocrataSourceConfig.datasetId("wr8u-xri") == nil)
        #expect(SocrataSourceConfig.base("data.sfgov.org")! == ("https://data.sfgov.org", "data.sfgov.org"))
        #expect(SocrataSourceConfig.base("http://127.0.0.1:8080")! == ("http://127.0.0.1:8080", "127.0.0.1"))
        #expect(SocrataSourceConfig.base("not a domain") == nil)
        #expect(SocrataSourceConfig.base("ftp://x.org") == nil)
    }

    @Test func validationNamesTheKey() {
        let errors = SocrataSourceConfig.validate([
            "socrata.domain": "data sfgov", "socrata.dataset": "fire", "topic": "t", "socrata.start": "yesterday",
        ])
        #expect(Set(errors.keys) == ["socrata.domain", "socrata.dataset", "socrata.start"])
        #expect(throws: ConfigException.self) { try config(["socrata.page.size": "50001"]) }
    }
}

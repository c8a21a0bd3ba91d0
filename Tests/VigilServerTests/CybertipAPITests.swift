import Foundation
import Testing
import VigilCore

@Suite("the HTTP API takes NCMEC CyberTipline XML")
struct CybertipAPITests {
    @Test("POST /api/v1/referrals?format=cybertip-xml takes text/xml or application/xml, reports per report, and refuses JSON types")
    func xmlBatches() async throws {
        try await APIHarness.run(.live) { api in
            let batch = try sample("cybertip-xml/reports.xml")
            let path = "/api/v1/referrals?format=cybertip-xml"
            let wrongType = try await api.call("POST", path, as: .importer, body: batch, contentType: "application/json")
            #expect(wrongType.status == 415)
            let imported = try await api.call("POST", path, as: .importer, body: batch, contentType: "text/xml; charset=utf-8")
            let report = try #require(imported.json as? [String: Any])
            #expect(imported.status == 200 && report["accepted"] as? Int == 11)
            let again = try await api.call("POST", path, as: .importer, body: batch, contentType: "application/xml")
            #expect((again.json as? [String: Any])?["duplicates"] as? Int == 11)

            let invalid = try await api.call("POST", path, as: .importer, body: try sample("cybertip-xml/invalid.xml"), contentType: "text/xml")
            #expect(invalid.status == 422)
            let record = try #require(((invalid.json as? [String: Any])?["records"] as? [[String: Any]])?.first)
            #expect(record["line"] as? Int == 4 && record["ref"] as? String == "900000201")
            let errors = (record["errors"] as? [[String: Any]]) ?? []
            #expect(errors.compactMap { $0["field"] as? String } == ["ncaReferral/report/incidentSummary/incidentDateTime"])

            let backlog = try await api.call("GET", "/api/v1/backlog", as: .supervisor)
            let cases = ((backlog.json as? [String: Any])?["cases"] as? [[String: Any]]) ?? []
            #expect(cases.count == 11)
        }
    }
}

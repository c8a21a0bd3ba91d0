import Foundation
import Prometheus
import Logging
import Testing
import VigilCore
import VigilIntel
import VigilIntelStub
import VigilServer
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("Prometheus metrics", .serialized)
struct MetricsTests {
    /// The value of one sample line `name{labels} value` in Prometheus text.
    func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test("/metrics needs no token and counts referrals, claims, the backlog by grade, overdue cases, open flags and alerts by state")
    func apiMetrics() async throws {
        try await APIHarness.run { api in
            try await api.importCaseStudies()
            _ = try await api.call("POST", "/api/v1/cases/next", as: .investigator)
            let response = try await api.raw("GET", "/metrics", as: nil)
            #expect(response.status == 200)
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(value(text, #"vigil_referrals_received_total{source="nca"}"#) == 4)
            #expect(value(text, "vigil_claims_total") == 1)
            #expect(text.contains("vigil_time_to_first_grade_seconds"))
            let statistics = try await api.store.backlogStatistics(asOf: Date())
            for grade in Grade.allCases {
                #expect(value(text, #"vigil_backlog_cases{effective_grade="\#(grade.name)"}"#) == Double(statistics.byEffectiveGrade[grade] ?? 0))
            }
            #expect(value(text, "vigil_cases_overdue") == 4, "all four case studies are past their targets")
            #expect(value(text, #"vigil_flags_open{kind="socialCare"}"#) == 3)
            #expect(value(text, #"vigil_flags_open{kind="lado"}"#) == 1)
            #expect(value(text, #"vigil_checks{source="subscriber",state="pending"}"#) ?? 0 >= 1)
            let alerts = try await api.store.alertCounts()
            #expect((alerts[.pending] ?? 0) >= 4, "every case study calls for an alert: its flags at least")
            #expect(value(text, #"vigil_alerts{state="pending"}"#) == Double(alerts[.pending] ?? 0))
            #expect(value(text, #"vigil_alerts{state="failed"}"#) == 0)
        }
    }

    @Test("research records each check's latency and failures by source")
    func researchMetrics() async throws {
        let temporary = try TemporaryFolder(prefix: "vigil-metrics")
        defer { temporary.remove() }
        let folder = temporary.url
        var logger = Logger(label: "metrics-test")
        logger.logLevel = .critical
        let store = try SQLiteStore(path: folder.appendingPathComponent("m.sqlite").path)
        let fixtures = try StubFixtures(data: Data(#"{"subscriber": [{"match": {"ipAddress": "192.0.2.9"}, "status": 500}]}"#.utf8))
        let stub = IntelStubServer(options: .init(fixtures: fixtures, fixturesOnly: true), logger: logger)
        let engine = CurlEngine(logger: logger)
        let metrics = ServerMetrics()
        try await withRunningServices([stub, engine], logger: logger) {
            var sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:\(await stub.port())")
            sources[0].maxAttempts = 1
            let referral = Referral(
                source: .p2p, ref: "M-1", receivedAt: Date(), observations: [], children: [], linkKeys: [],
                research: ResearchInputs(ips: [IPObservation(ipAddress: "192.0.2.9", at: Date(), port: nil)]))
            _ = try await store.importReferrals(
                [ReferralSubmission(referral: referral, raw: "{}", contentDigest: "{}")], sources: sources, now: Date())
            try await ResearchWorker(
                store: store, engine: engine, sources: sources,
                configuration: .init(untilIdle: true, pollInterval: .milliseconds(20)), logger: logger,
                metrics: metrics.factory
            ).run()
            let text = metrics.registry.emitToString()
            #expect(value(text, #"vigil_check_failures_total{source="subscriber"}"#) == 1)
            #expect(value(text, #"vigil_check_duration_seconds_count{source="subscriber"}"#) == 1)
        }
    }
}

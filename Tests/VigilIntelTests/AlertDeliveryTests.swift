import Foundation
import Logging
import Testing
import VigilCore
import VigilIntel
import VigilIntelStub
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("alert delivery over libcurl to a loopback webhook")
struct AlertDeliveryTests {
    /// Runs a dispatcher for `urls` beside `body`, stopping it when `body` returns.
    static func dispatching(
        _ harness: ResearchHarness, urls: [String], maxAttempts: Int = 20, _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let dispatcher = AlertDispatcher(
            store: harness.store, engine: harness.engine,
            configuration: .init(
                urls: urls, pollInterval: .milliseconds(20), sweepInterval: .milliseconds(50), maxAttempts: maxAttempts, backoffBaseMs: 20,
                backoffMaxMs: 40),
            logger: logger)
        try await withRunningServices([dispatcher], logger: logger) {
            try await body()
        }
    }

    @Test("every alert reaches the webhook, each alertId once, and is marked delivered (latency: `vigil bench alerts`)")
    func delivered() async throws {
        try await ResearchHarness.run(stub: .init()) { harness in
            let port = await harness.stub.port()
            try await Self.dispatching(harness, urls: ["http://127.0.0.1:\(port)/_alerts"]) {
                let committed = Date()
                let outcomes = try await harness.store.importReferrals(
                    [
                        submission("car", facts: [.imminentDanger, .childAccessHousehold]),
                        submission("teacher", facts: [.childAccessOccupation]),
                    ], sources: [], now: committed)
                let expected = Set(try await harness.store.alerts(state: nil, limit: 100).map(\.alert.alertId))
                #expect(expected.count == 4, "Very High, imminent danger and social care for the first case; the LADO for the second")
                #expect(try await eventually(10) { harness.stub.alerts.alertIds == expected })
                #expect(try await eventually(10) { try await harness.store.alertCounts() == [.delivered: 4] })
                #expect(harness.stub.alerts.all.count == 4, "one delivery each")
                #expect(outcomes.compactMap(accepted).count == 2)
            }
        }
    }

    @Test("a webhook that refuses gets retries with backoff, then the alert fails with a readable error; it can be queued again")
    func refused() async throws {
        try await ResearchHarness.run(stub: .init()) { harness in
            let port = await harness.stub.port()
            try await Self.dispatching(harness, urls: ["http://127.0.0.1:\(port)/_alerts", "http://127.0.0.1:\(port)/_log"], maxAttempts: 3) {
                _ = try await harness.store.importReferrals([submission("teacher", facts: [.childAccessOccupation])], sources: [], now: Date())
                #expect(try await eventually(10) { try await harness.store.alertCounts() == [.failed: 1] })
                let failed = try #require(try await harness.store.alerts(state: .failed, limit: 1).first)
                #expect(failed.attempts == 3)
                #expect(failed.lastError?.contains("/_log answered HTTP 40") == true, "\(failed.lastError ?? "")")
                #expect(harness.stub.alerts.all.count == 3, "the good webhook got every attempt; its receiver drops the repeats by alertId")
            }
        }
    }

    @Test("an overdue flag is swept into an alert and delivered")
    func overdueSwept() async throws {
        try await ResearchHarness.run(stub: .init()) { harness in
            let port = await harness.stub.port()
            let longAgo = Date() - 3 * 86_400
            _ = try await harness.store.importReferrals(
                [submission("teacher", received: longAgo, facts: [.childAccessOccupation])], sources: [], now: longAgo)
            try await Self.dispatching(harness, urls: ["http://127.0.0.1:\(port)/_alerts"]) {
                let swept = try await eventually(10) { harness.stub.alerts.alertIds.contains { $0.contains("/flag.overdue/lado/") } }
                #expect(swept)
            }
        }
    }
}

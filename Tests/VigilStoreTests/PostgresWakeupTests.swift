import Foundation
import Testing
import VigilCore
import VigilPostgres
import VigilStore
import VigilTesting

/// Research wake-ups between processes on PostgreSQL (two stores with pools of their own stand for two
/// processes).
@Suite("PostgreSQL research wake-ups", .enabled(if: PostgresTestDatabase.cluster != nil))
struct PostgresWakeupTests {
    @Test("checks planned through one store wake a worker waiting on another before its poll would")
    func wakeAcrossStores() async throws {
        try await withImporterAndWorker { importReferral, worker in
            // The listener connects in the background: a wake-up sent before it listens is missed, so the
            // worker waits for several referrals in turn, 3 s each, and one wake-up must come early.
            var woken = false
            for attempt in 0..<10 where !woken {
                let clock = ContinuousClock()
                let started = clock.now
                async let waited: Void = worker.researchMayBeDue(within: .seconds(3))
                try await Task.sleep(for: .milliseconds(200))
                try await importReferral("WAKE-\(attempt)")
                await waited
                woken = clock.now - started < .milliseconds(2500)
            }
            #expect(woken, "a worker waiting 3 s was woken by the import's NOTIFY")
        }
    }

    @Test("a wake-up that comes while no worker waits is kept: the next wait returns at once")
    func wakeWhileNobodyWaits() async throws {
        try await withImporterAndWorker { importReferral, worker in
            // As above, a first import may be missed while the listener connects; one of ten must be kept.
            var kept = false
            for attempt in 0..<10 where !kept {
                try await importReferral("KEPT-\(attempt)")
                try await Task.sleep(for: .milliseconds(300))
                let clock = ContinuousClock()
                let started = clock.now
                await worker.researchMayBeDue(within: .seconds(3))
                kept = clock.now - started < .milliseconds(2500)
            }
            #expect(kept, "the wake-up sent while nobody waited ended the next wait at once")
        }
    }

    /// Runs `body` with two running stores on a fresh database: a function that imports a P2P lead with a
    /// check to plan through the first, and the second, standing for a worker's process.
    private func withImporterAndWorker(
        _ body: (_ importReferral: (String) async throws -> Void, _ worker: PostgresStore) async throws -> Void
    ) async throws {
        try await PostgresTestDatabase.with { location in
            let key = AuditKey.generate()
            let importer = try await PostgresStore.open(location, auditKey: key)
            let worker = try await PostgresStore.open(location, auditKey: key)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await importer.run() }
                group.addTask { try await worker.run() }
                defer { group.cancelAll() }
                let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
                let ip = IPObservation(ipAddress: "198.51.100.77", at: t0 - 3600, port: 51413)
                try await body(
                    { ref in
                        _ = try await importer.importReferrals(
                            [submission(ref, source: .p2p, facts: [.distribution], research: ResearchInputs(ips: [ip]))], sources: sources, now: t0)
                    }, worker)
            }
        }
    }
}

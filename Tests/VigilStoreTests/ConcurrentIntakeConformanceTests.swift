import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// Importers sending at once, as every `Store` takes them; each test runs once per `StoreKind`.
@Suite("Store conformance: concurrent importers")
struct ConcurrentIntakeConformanceTests {
    @Test(
        "two importers sending the same batch at once: every referral stored once, the rest duplicates; referrals sharing a phone share a case",
        arguments: StoreKind.allCases)
    func sameBatchTwice(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let batch = (0..<120).map { index in
                submission(
                    "CONC-\(index)", received: t0 + Double(index), facts: [.distribution],
                    links: [LinkKey.phone("+44 7700 9\(String(format: "%05d", index / 2))")!])
            }
            let chunks = stride(from: 0, to: batch.count, by: 20).map { Array(batch[$0..<min($0 + 20, batch.count)]) }
            async let first = Self.send(chunks, to: store)
            async let second = Self.send(chunks, to: store)
            let outcomes = try await [first, second]
            let stored = outcomes.flatMap { $0 }.filter { accepted($0.outcome) != nil }
            #expect(stored.count == batch.count, "each referral accepted by one importer")
            #expect(Set(stored.map(\.ref)).count == batch.count)
            let duplicates = outcomes.flatMap { $0 }.filter { if case .duplicate = $0.outcome { true } else { false } }
            #expect(duplicates.count == batch.count, "and a duplicate for the other")
            let caseOf = Dictionary(uniqueKeysWithValues: stored.map { ($0.ref, accepted($0.outcome)!) })
            for pair in stride(from: 0, to: batch.count, by: 2) {
                #expect(caseOf["CONC-\(pair)"] == caseOf["CONC-\(pair + 1)"], "CONC-\(pair) and CONC-\(pair + 1) share a phone")
            }
            #expect(Set(caseOf.values).count == batch.count / 2)
            #expect(try await store.backlog(asOf: t0 + 3600, limit: nil).count == batch.count / 2)
        }
    }

    /// Imports the chunks one after another, returning each referral's outcome with its ref.
    private static func send(_ chunks: [[ReferralSubmission]], to store: any Store) async throws -> [(ref: String, outcome: ImportOutcome)] {
        var outcomes: [(ref: String, outcome: ImportOutcome)] = []
        for chunk in chunks {
            let results = try await store.importReferrals(chunk, sources: [], now: t0 + 3600)
            outcomes += zip(chunk, results).map { ($0.referral.ref, $1) }
        }
        return outcomes
    }
}

import Foundation
import VigilCore
import VigilStore

/// Every Store implementation the conformance suite runs against.
enum StoreKind: String, CaseIterable, CustomStringConvertible {
    case sqlite

    var description: String { rawValue }

    /// A fresh, empty store of this kind and a closure that disposes of it.
    func make() throws -> (any Store, @Sendable () -> Void) {
        switch self {
        case .sqlite:
            let (path, dispose) = try scratchDatabasePath()
            return (try SQLiteStore(path: path), dispose)
        }
    }
}

/// The path of a database file in a new temporary folder, and a closure that removes the folder.
func scratchDatabasePath() throws -> (String, @Sendable () -> Void) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return (folder.appendingPathComponent("test.sqlite").path, { try? FileManager.default.removeItem(at: folder) })
}

/// A fixed instant for tests: 2026-03-01T00:00:00Z.
let t0 = Date(timeIntervalSince1970: 1_772_323_200)
let day: TimeInterval = 86400

/// A referral submission built directly from facts, children and link keys.
func submission(_ ref: String, source: ReferralSource = .nca, received: Date = t0, facts: [FactKind] = [],
                children: [Child] = [], links: [LinkKey] = [], research: ResearchInputs = ResearchInputs(),
                content: String? = nil) -> ReferralSubmission {
    let referral = Referral(
        source: source, ref: ref, receivedAt: received,
        observations: facts.map { FactObservation(fact: $0, value: true, provenance: .referral, at: received) },
        children: children, linkKeys: links, research: research)
    let body = content ?? "{\"ref\":\"\(ref)\"}"
    return ReferralSubmission(referral: referral, raw: body, contentDigest: body)
}

/// The case id of an accepted outcome.
func accepted(_ outcome: ImportOutcome) -> CaseID? {
    if case .accepted(let id) = outcome { return id }
    return nil
}

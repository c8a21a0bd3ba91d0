#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PostgresNIO
import VigilCore
import VigilStore

extension PostgresStore {
    /// Decides and writes, together, the records of a chunk that relate to nothing: no stored referral
    /// has their identity, no stored case holds one of their link keys, they supplement nothing, and no
    /// other record of the chunk shares their identity or a link key. VigilCore decides each exactly as it
    /// would alone (it opens a case, or refuses the record); `writeOpenings` writes the cases a statement
    /// per table. Returns the outcomes by position in the chunk; the other records are left to the caller,
    /// which decides them one at a time. The whole chunk's lock names are taken first, in one statement and
    /// one order, so concurrent importers still decide overlapping records one after another.
    func openUnrelated(_ connection: PostgresConnection, _ referrals: [PlannedReferral], now: Date) async throws -> [Int: ImportOutcome] {
        let names = referrals.map { lockNames($0.submission.referral) }
        try await lock(connection, names.flatMap { $0 })
        var uses: [String: Int] = [:]
        for name in names.lazy.flatMap({ Set($0) }) { uses[name, default: 0] += 1 }
        var candidates = referrals.indices.filter { index in
            referrals[index].submission.referral.supplements == nil && names[index].allSatisfy { uses[$0] == 1 }
        }
        guard !candidates.isEmpty else { return [:] }

        let identities = candidates.map { referrals[$0].submission.referral }
        let stored = Set(
            try await connection.rows(
                """
                SELECT r.source || ':' || r.ref FROM referrals r
                JOIN unnest(\(identities.map(\.source.rawValue))::text[], \(identities.map(\.ref))::text[]) AS u(s, f) ON r.source = u.s AND r.ref = u.f
                """, logger: logger
            ).map { try $0.decode(String.self) })
        let keys = candidates.flatMap { referrals[$0].submission.referral.linkKeys.map(\.rawValue) }
        let held =
            keys.isEmpty
            ? []
            : Set(
                try await connection.rows("SELECT DISTINCT key FROM link_keys WHERE key = ANY(\(keys)::text[])", logger: logger)
                    .map { try $0.decode(String.self) })
        candidates.removeAll { index in
            let referral = referrals[index].submission.referral
            return stored.contains("\(referral.source.rawValue):\(referral.ref)") || referral.linkKeys.contains { held.contains($0.rawValue) }
        }

        var outcomes: [Int: ImportOutcome] = [:]
        var openings: [(index: Int, planned: PlannedReferral, opening: CaseOpening)] = []
        for index in candidates {
            switch IntakePlanner.decide(
                referrals[index], stored: nil, supplemented: nil, linkedCases: [], now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
            {
            case .open(let opening): openings.append((index, referrals[index], opening))
            case .refused(let field, let reason): outcomes[index] = .refused(field: field, reason: reason)
            case .duplicate, .conflict, .join: continue
            }
        }
        let ids = try await writeOpenings(connection, openings.map { ($0.planned, $0.opening) }, now: now)
        for (opening, id) in zip(openings, ids) { outcomes[opening.index] = .accepted(CaseID(id)) }
        return outcomes
    }
}

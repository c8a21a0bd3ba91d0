#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PostgresNIO
import VigilCore
import VigilStore

extension PostgresStore {
    /// Decides, together, the records of a chunk whose identity is stored already (a duplicate or a
    /// conflict, whatever else they share), and decides and writes together the records that relate to
    /// nothing: no stored referral has their identity, no stored case holds one of their link keys, they
    /// supplement nothing, and no other record of the chunk shares their identity or a link key. VigilCore
    /// decides each exactly as it would alone (it opens a case, or refuses the record); `writeOpenings`
    /// writes the cases a statement per table. Returns the outcomes by position in the chunk; the other records are left to the caller,
    /// which decides them one at a time. The whole chunk's lock names are taken first, in one statement and
    /// one order, so concurrent importers still decide overlapping records one after another.
    func openUnrelated(_ connection: PostgresConnection, _ referrals: [PlannedReferral], now: Date) async throws -> [Int: ImportOutcome] {
        let names = referrals.map { lockNames($0.submission.referral) }
        try await lock(connection, names.flatMap { $0 })
        var uses: [String: Int] = [:]
        for name in names.lazy.flatMap({ Set($0) }) { uses[name, default: 0] += 1 }
        let identities = referrals.map(\.submission.referral)
        var stored: [String: StoredReferral] = [:]
        for row in try await connection.rows(
            """
            SELECT r.source || ':' || r.ref, r.case_id, r.content_digest FROM referrals r
            JOIN unnest(\(identities.map(\.source.rawValue))::text[], \(identities.map(\.ref))::text[]) AS u(s, f) ON r.source = u.s AND r.ref = u.f
            """, logger: logger)
        {
            let (identity, caseId, digest) = try row.decode((String, Int64, String).self)
            stored[identity] = StoredReferral(caseId: CaseID(caseId), contentDigest: digest)
        }
        var outcomes: [Int: ImportOutcome] = [:]
        for (index, referral) in identities.enumerated() {
            guard let previous = stored["\(referral.source.rawValue):\(referral.ref)"] else { continue }
            // A stored identity decides the record alone: a duplicate or a conflict, whatever else it shares.
            switch IntakePlanner.decide(
                referrals[index], stored: previous, supplemented: nil, linkedCases: [], now: now, targets: targets,
                maxChecksPerCase: maxChecksPerCase)
            {
            case .duplicate(let id): outcomes[index] = .duplicate(id)
            case .conflict(let id): outcomes[index] = .conflict(id)
            case .refused, .open, .join: continue
            }
        }
        var candidates = referrals.indices.filter { index in
            outcomes[index] == nil && identities[index].supplements == nil && names[index].allSatisfy { uses[$0] == 1 }
        }
        guard !candidates.isEmpty else { return outcomes }

        let keys = candidates.flatMap { identities[$0].linkKeys.map(\.rawValue) }
        let held =
            keys.isEmpty
            ? []
            : Set(
                try await connection.rows("SELECT DISTINCT key FROM link_keys WHERE key = ANY(\(keys)::text[])", logger: logger)
                    .map { try $0.decode(String.self) })
        candidates.removeAll { index in identities[index].linkKeys.contains { held.contains($0.rawValue) } }

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

import PostgresNIO
import VigilStore

extension PostgresStore {
    /// Every case with its referral and its assessment. PostgreSQL checks its own pages (with data
    /// checksums) and enforces every foreign key as it writes, and this store keeps no counts twice, so
    /// there is nothing else to recompute.
    public func integrityProblems() async throws -> [String] {
        let row = try await rows(
            """
            SELECT (SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id)),
                   (SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM assessments a WHERE a.case_id = c.id))
            """
        ).first!
        let (caseless, ungraded) = try row.decode((Int64, Int64).self)
        return [(caseless, "case(s) without a referral"), (ungraded, "case(s) without an assessment")].compactMap { count, what in
            count > 0 ? "\(count) \(what)" : nil
        }
    }
}

import VigilCore

extension MemoryStore {
    /// Checks that every case has a referral and an assessment and that the indexes a case keeps (its
    /// referrals, its checks) and the identity index agree with the rows they point at.
    public func integrityProblems() async throws -> [String] {
        var problems: [String] = []
        let caseless = cases.values.filter { $0.referralIndexes.isEmpty }.count
        if caseless > 0 { problems.append("\(caseless) case(s) without a referral") }
        let ungraded = cases.values.filter { $0.assessments.isEmpty }.count
        if ungraded > 0 { problems.append("\(ungraded) case(s) without an assessment") }
        let misfiled = cases.values.reduce(0) { count, row in
            count + row.referralIndexes.filter { referrals[$0].caseId != row.id }.count + row.checkIds.filter { checks[$0]?.caseId != row.id }.count
        }
        if misfiled > 0 { problems.append("\(misfiled) referral or check index entries point at another case") }
        let unindexed = referrals.indices.filter { index in
            let referral = referrals[index].submission.referral
            return referralsByIdentity[ReferralIdentity(source: referral.source, ref: referral.ref)] != index
        }.count
        if unindexed > 0 { problems.append("\(unindexed) referral(s) missing from the identity index") }
        return problems
    }
}

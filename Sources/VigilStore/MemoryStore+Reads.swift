#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

extension MemoryStore {
    public func backlog(asOf: Date, offset: Int, limit: Int?) async throws -> [BacklogEntry] {
        let ordered = openCasesInOrder(asOf: asOf).dropFirst(offset).prefix(limit ?? .max)
        return ordered.enumerated().map { index, row in
            var entry = entry(row, asOf: asOf)
            entry.position = offset + index + 1
            return entry
        }
    }

    /// Open cases in listing order at `asOf`.
    func openCasesInOrder(asOf: Date) -> [MemoryCase] {
        cases.values.filter(\.isOpen).map { ($0, $0.orderKey(asOf: asOf)) }.sorted { $0.1 < $1.1 }.map(\.0)
    }

    public func backlogStatistics(asOf: Date) async throws -> BacklogStatistics {
        var statistics = BacklogStatistics(byGrade: [:], byEffectiveGrade: [:], overdue: 0, openFlags: [:], overdueFlags: 0, checks: [:])
        for row in cases.values where row.isOpen {
            statistics.byGrade[row.grade, default: 0] += 1
            statistics.byEffectiveGrade[row.effectiveGrade(asOf: asOf), default: 0] += 1
            if row.dueAt < asOf { statistics.overdue += 1 }
        }
        for flag in flags where FlagLifecycle.standing(state: flag.state, dueAt: flag.dueAt, asOf: asOf).state == .open {
            statistics.openFlags[flag.kind, default: 0] += 1
            if flag.dueAt < asOf { statistics.overdueFlags += 1 }
        }
        statistics.checks = checkCounts(includingDone: true)
        return statistics
    }

    /// The case's backlog entry at `asOf` (unnumbered).
    func entry(_ row: MemoryCase, asOf: Date) -> BacklogEntry {
        let due = targets.dueAt(grade: row.grade, receivedAt: row.receivedAt)
        return BacklogEntry(
            position: nil, caseId: CaseID(row.id), refs: row.referralIndexes.map { referrals[$0].submission.referral.ref },
            grade: row.grade, effectiveGrade: targets.effectiveGrade(grade: row.grade, receivedAt: row.receivedAt, asOf: asOf),
            provisional: row.provisional, imminentDanger: row.imminentDanger, childAccess: row.childAccess, youngestChildAge: row.youngestChildAge,
            receivedAt: row.receivedAt, dueAt: due, overdue: row.isOpen && asOf > due, claimedBy: row.claimedBy,
            flags: flags.filter { $0.caseId == row.id }.map { flag in
                let standing = FlagLifecycle.standing(state: flag.state, dueAt: flag.dueAt, asOf: asOf)
                return FlagSummary(
                    kind: flag.kind, state: standing.state, raisedAt: flag.raisedAt, dueAt: standing.dueAt, overdue: standing.overdue,
                    raisedBy: flag.raisedBy, about: flag.about)
            }, researchFailed: row.researchFailed)
    }

    public func caseDetail(_ id: CaseID, asOf: Date) async throws -> CaseDetail {
        let row = try requireCase(id)
        var summary = entry(row, asOf: asOf)
        if row.isOpen {
            let key = row.orderKey(asOf: asOf)
            summary.position = cases.values.filter { $0.isOpen && $0.orderKey(asOf: asOf) < key }.count + 1
        }
        let state = loadCase(id.rawValue).state
        return CaseDetail(
            summary: summary, status: row.isOpen ? "open" : "closed",
            referrals: row.referralIndexes.map { index in
                let stored = referrals[index]
                let referral = stored.submission.referral
                return ReferralRecord(
                    source: referral.source, ref: referral.ref, receivedAt: referral.receivedAt.storedInstant, importedAt: stored.importedAt,
                    payload: stored.submission.raw, supplements: referral.supplements)
            },
            facts: FactKind.allCases.map { kind in
                return FactRecord(kind, state.facts[kind])
            },
            children: state.children, assessments: row.assessments, checks: row.checkIds.map { checks[$0]!.record },
            claims: row.claims, decisions: decisions.filter { $0.caseId == id.rawValue }.map(\.record),
            notifications: row.notifications, strategyDiscussions: row.strategies.sorted { $0.discussion.heldAt < $1.discussion.heldAt },
            previousCases: row.previousCases, addresses: AddressStanding.summarise(row.addresses))
    }

    public func recordNotification(
        _ id: CaseID, flag: FlagKey, by officer: AuditActor, method: String, reference: String, at: Date
    ) async throws {
        let at = at.storedInstant
        let flag = try act(.notify, on: id, flag, at: at)
        cases[id.rawValue]!.notifications.append(NotificationRecord(flag: flag, by: officer.name, at: at, method: method, reference: reference))
        appendAuditEntry(AuditEvent(at: at, by: officer, .flagNotify, caseId: id, detail: "\(flag) via \(method), ref \(reference)"))
    }

    public func recordDeferral(
        _ id: CaseID, flag: FlagKey, by officer: AuditActor, reason: String, reviewBy: Date, at: Date
    ) async throws {
        let at = at.storedInstant
        let flag = try act(.deferral(reviewAt: reviewBy.storedInstant), on: id, flag, at: at)
        record(id, DecisionRecord(kind: "defer", by: officer.name, at: at, flag: flag, detail: reason, reviewBy: reviewBy.storedInstant))
        appendAuditEntry(
            AuditEvent(at: at, by: officer, .flagDefer, caseId: id, detail: "\(flag): \(reason); review by \(Timestamp.format(reviewBy))"))
    }

    public func withdrawFlag(_ id: CaseID, flag: FlagKey, reason: String, by officer: AuditActor, at: Date) async throws {
        let at = at.storedInstant
        let flag = try act(.withdraw, on: id, flag, at: at)
        record(id, DecisionRecord(kind: "withdraw", by: officer.name, at: at, flag: flag, detail: reason, reviewBy: nil))
        appendAuditEntry(AuditEvent(at: at, by: officer, .flagWithdraw, caseId: id, detail: "\(flag): \(reason)"))
    }

    /// Takes `action` on the case's flag `named` picks (`FlagLifecycle`), returning the flag acted on.
    private func act(_ action: FlagAction, on id: CaseID, _ named: FlagKey, at: Date) throws -> FlagKey {
        _ = try requireCase(id)
        let indexes = flags.indices.filter { flags[$0].caseId == id.rawValue }
        do {
            let index = indexes[try FlagLifecycle.choose(named, of: id, among: indexes.map { flags[$0].key })]
            let flag = flags[index]
            if let refusal = FlagLifecycle.refusal(action, on: flag.key, of: id, state: flag.state, dueAt: flag.dueAt, now: at) { throw refusal }
            (flags[index].state, flags[index].dueAt) = FlagLifecycle.after(action, dueAt: flag.dueAt)
            return flag.key
        } catch let refusal as FlagRefusal {
            throw StoreError(refusal)
        }
    }

    /// Appends a decision to the case's history.
    private func record(_ id: CaseID, _ decision: DecisionRecord) {
        decisions.append(MemoryDecision(caseId: id.rawValue, record: decision))
    }

    public func recordFinding(_ id: CaseID, _ finding: OfficerFinding, by officer: AuditActor, at: Date) async throws {
        let at = at.storedInstant
        guard try requireCase(id).isOpen else { throw StoreError(.invalidState, "case \(id) is closed") }
        cases[id.rawValue]!.facts += finding.observations.map { $0.recorded(at: at) }
        cases[id.rawValue]!.children += finding.children.map { MemoryChild(child: $0, at: at) }
        reassess(id.rawValue, trigger: .officer(officer.name), now: at)
        appendAuditEntry(AuditEvent(at: at, by: officer, .caseFact, caseId: id, detail: finding.summary))
    }

    public func recordStrategyDiscussion(_ id: CaseID, _ discussion: StrategyDiscussion, by officer: AuditActor, at: Date) async throws {
        let at = at.storedInstant
        _ = try requireCase(id)
        var stored = discussion
        stored.heldAt = discussion.heldAt.storedInstant
        cases[id.rawValue]!.strategies.append(StrategyRecord(discussion: stored, by: officer.name, recordedAt: at))
        appendAuditEntry(AuditEvent(at: at, by: officer, .caseStrategy, caseId: id, detail: StrategyText.audit(stored)))
    }

    public func recordDecision(_ id: CaseID, decision: String, rationale: String, by officer: AuditActor, at: Date) async throws {
        let at = at.storedInstant
        guard try requireCase(id).isOpen else { throw StoreError(.invalidState, "case \(id) is closed") }
        record(id, DecisionRecord(kind: decision, by: officer.name, at: at, flag: nil, detail: rationale, reviewBy: nil))
        appendAuditEntry(AuditEvent(at: at, by: officer, .caseDecide, caseId: id, detail: "\(decision): \(rationale)"))
    }

    public func close(_ id: CaseID, outcome: CaseOutcome, overrideReason: String?, by officer: AuditActor, at: Date) async throws {
        let at = at.storedInstant
        guard try requireCase(id).isOpen else { throw StoreError(.invalidState, "case \(id) is already closed") }
        let unsettled = flags.filter { $0.caseId == id.rawValue && FlagLifecycle.isUnsettled($0.state) }.map(\.key)
        if let refusal = ClosingRules.refusal(caseId: id, unsettled: unsettled, overrideReason: overrideReason) {
            throw StoreError(.invalidState, refusal)
        }
        cases[id.rawValue]!.releaseClaim(at: at)
        cases[id.rawValue]!.isOpen = false
        record(id, DecisionRecord(kind: "close", by: officer.name, at: at, flag: nil, detail: outcome.text, reviewBy: nil))
        let override = unsettled.isEmpty ? nil : overrideReason
        if let override {
            record(id, DecisionRecord(kind: "close-override", by: officer.name, at: at, flag: nil, detail: override, reviewBy: nil))
        }
        appendAuditEntry(
            AuditEvent(
                at: at, by: officer, .caseClose, caseId: id,
                detail: ClosingRules.auditDetail(outcome, override: override)))
    }

    public func reopen(_ id: CaseID, reason: String, by officer: AuditActor, at: Date) async throws {
        let at = at.storedInstant
        guard try !requireCase(id).isOpen else { throw StoreError(.invalidState, "case \(id) is open") }
        cases[id.rawValue]!.isOpen = true
        cases[id.rawValue]!.updatedAt = at
        record(id, DecisionRecord(kind: "reopen", by: officer.name, at: at, flag: nil, detail: reason, reviewBy: nil))
        reassess(id.rawValue, trigger: .officer(officer.name), now: at)
        appendAuditEntry(AuditEvent(at: at, by: officer, .caseReopen, caseId: id, detail: reason))
    }
}

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

extension MemoryStore {
    public func supervisorOverview(asOf: Date, limit: Int) async throws -> SupervisorOverview {
        let open = cases.values.filter(\.isOpen)
        let byReceipt = open.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
        let urgent = byReceipt.filter { row in
            Grade.urgent.contains(row.grade) && asOf > targets.dueAt(grade: row.grade, receivedAt: row.receivedAt)
        }
        let calls = calls(asOf: asOf)
        return SupervisorOverview(
            aged: aged(asOf: asOf),
            openFlags: Array(calls.prefix(limit)),
            openFlagCount: calls.count,
            deferrals: deferrals(asOf: asOf),
            oldest: byReceipt.prefix(limit).map { line($0, asOf: asOf) },
            overdueUrgent: urgent.prefix(limit).map { line($0, asOf: asOf) },
            overdueUrgentCount: urgent.count,
            held: open.filter { $0.claimedBy != nil }
                .sorted { ($0.claimedBy!, $0.claimedAt!, $0.id) < ($1.claimedBy!, $1.claimedAt!, $1.id) }
                .map { line($0, asOf: asOf) },
            checks: checkCounts(includingDone: false),
            failingSources: failingSources(),
            strategyOverdue: strategyOverdue(asOf: asOf, limit: limit),
            alerts: alertRows.reduce(into: [:]) { $0[$1.state, default: 0] += 1 },
            failedAlerts: Array(alertRows.reversed().filter { $0.state == .failed }.prefix(limit)))
    }

    public func agedBacklog(asOf: Date) async throws -> AgedBacklog { aged(asOf: asOf) }

    /// Open Very High cases with child access, flagged more than `StrategyRules.window` ago and with no
    /// strategy discussion, longest overdue first.
    private func strategyOverdue(asOf: Date, limit: Int) -> [StrategyLine] {
        cases.values.compactMap { row -> StrategyLine? in
            guard row.isOpen, row.strategies.isEmpty, StrategyRules.required(grade: row.grade, childAccess: row.childAccess),
                let flagged = flags.filter({ $0.caseId == row.id }).map(\.raisedAt).min(), flagged + StrategyRules.window < asOf
            else { return nil }
            return StrategyLine(caseId: CaseID(row.id), flaggedAt: flagged, dueAt: flagged + StrategyRules.window, claimedBy: row.claimedBy)
        }.sorted { ($0.flaggedAt, $0.caseId) < ($1.flaggedAt, $1.caseId) }.prefix(limit).map { $0 }
    }

    public func openCalls(asOf: Date) async throws -> [OpenFlagLine] { calls(asOf: asOf) }

    /// Calls to make at `asOf`, in `CallOrder`.
    private func calls(asOf: Date) -> [OpenFlagLine] {
        flags.compactMap { flag -> OpenFlagLine? in
            let standing = FlagLifecycle.standing(state: flag.state, dueAt: flag.dueAt, asOf: asOf)
            guard standing.state == .open, let row = cases[flag.caseId] else { return nil }
            return OpenFlagLine(
                caseId: CaseID(flag.caseId), flag: flag.key, raisedAt: flag.raisedAt, dueAt: flag.dueAt, overdue: standing.overdue,
                claimedBy: row.claimedBy, caseClosed: !row.isOpen,
                grade: row.effectiveGrade(asOf: asOf), imminentDanger: row.imminentDanger, childAccess: row.childAccess,
                youngestChildAge: row.youngestChildAge,
                receivedAt: row.receivedAt, contact: flag.kind.contact(at: asOf, calendar: targets.calendar))
        }.sorted { $0.order < $1.order }
    }

    /// Open cases counted by effective grade and waiting band at `asOf`, overdue ones counted apart.
    private func aged(asOf: Date) -> AgedBacklog {
        var cells: [[Int]: AgedBacklogCell] = [:]
        for row in cases.values where row.isOpen {
            let overdue = asOf > targets.dueAt(grade: row.grade, receivedAt: row.receivedAt)
            let effective = targets.effectiveGrade(grade: row.grade, receivedAt: row.receivedAt, asOf: asOf)
            let band = WaitingBand(waited: Double(asOf.millis - row.receivedAt.millis) / 1000)
            var cell = cells[[effective.rawValue, band.rawValue]] ?? AgedBacklogCell(effectiveGrade: effective, band: band, cases: 0, overdue: 0)
            cell.cases += 1
            cell.overdue += overdue ? 1 : 0
            cells[[effective.rawValue, band.rawValue]] = cell
        }
        return AgedBacklog(asOf: asOf, counted: Array(cells.values))
    }

    /// Flags still deferred at `asOf` with their latest deferral, earliest review first.
    private func deferrals(asOf: Date) -> [DeferralLine] {
        flags.filter { FlagLifecycle.standing(state: $0.state, dueAt: $0.dueAt, asOf: asOf).state == .deferred }.compactMap {
            flag -> (Int, DeferralLine)? in
            guard
                let index = decisions.lastIndex(where: {
                    $0.caseId == flag.caseId && $0.record.kind == "defer" && $0.record.flag == flag.kind && $0.record.flagAbout == flag.about
                }),
                let reviewBy = decisions[index].record.reviewBy
            else { return nil }
            let record = decisions[index].record
            return (
                index,
                DeferralLine(caseId: CaseID(flag.caseId), flag: flag.key, by: record.by, at: record.at, reason: record.detail, reviewBy: reviewBy)
            )
        }.sorted { ($0.1.reviewBy, $0.0) < ($1.1.reviewBy, $1.0) }.map(\.1)
    }

    /// The case's report line at `asOf`.
    private func line(_ row: MemoryCase, asOf: Date) -> CaseLine {
        let due = targets.dueAt(grade: row.grade, receivedAt: row.receivedAt)
        return CaseLine(
            caseId: CaseID(row.id), grade: row.grade, effectiveGrade: row.effectiveGrade(asOf: asOf), provisional: row.provisional,
            researchIncomplete: !row.researchFailed.isEmpty, receivedAt: row.receivedAt, dueAt: due, overdue: asOf > due, claimedBy: row.claimedBy,
            claimedAt: row.claimedAt)
    }

    public func caseLines(_ filter: CaseFilter, asOf: Date, offset: Int, limit: Int) async throws -> CaseLinePage {
        let matching = cases.values.filter { row in
            guard row.isOpen else { return false }
            if let grade = filter.effectiveGrade, row.effectiveGrade(asOf: asOf) != grade { return false }
            if let band = filter.band {
                let waited = asOf.millis - row.receivedAt.millis
                if waited < Int64(band.lowerBound * 1000) { return false }
                if let upper = band.upperBound, waited >= Int64(upper * 1000) { return false }
            }
            if filter.overdueOnly, !(row.dueAt < asOf) { return false }
            if let holder = filter.holder, row.claimedBy != holder { return false }
            return true
        }.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
        return CaseLinePage(lines: matching.dropFirst(offset).prefix(limit).map { line($0, asOf: asOf) }, total: matching.count)
    }

    public func recordDailySnapshots(now: Date, maxDays: Int) async throws {
        let today = DayText.start(of: now)
        let earliest = cases.values.map(\.receivedAt).min() ?? now
        var day = max(DayText.start(of: earliest), today.addingTimeInterval(-Double(maxDays) * 86_400))
        let closedAt = Dictionary(decisions.filter { $0.record.kind == "close" }.map { ($0.caseId, $0.record.at) }, uniquingKeysWith: min)
        while day <= today {
            let live = day == today
            if live || snapshots[DayText.format(day)] == nil {
                let end = live ? now : day.addingTimeInterval(86_400)
                var open: [Grade: Int] = [:]
                for row in cases.values where row.receivedAt < end && (closedAt[row.id].map { $0 >= end } ?? true) {
                    open[row.effectiveGrade(asOf: end), default: 0] += 1
                }
                let received = referrals.filter { (day..<end).contains($0.submission.referral.receivedAt) }.count
                let closed = closedAt.values.filter { (day..<end).contains($0) }.count
                snapshots[DayText.format(day)] = DailySnapshot(
                    day: DayText.format(day), open: Grade.allCases.reduce(into: [:]) { $0[$1] = open[$1] ?? 0 }, referralsIn: received,
                    closed: closed, reconstructed: !live)
            }
            day = day.addingTimeInterval(86_400)
        }
    }

    public func dailySnapshots(since: String) async throws -> [DailySnapshot] {
        snapshots.values.filter { $0.day >= since }.sorted { $0.day < $1.day }
    }

    public func reassign(_ id: CaseID, to officer: String, by actor: AuditActor, at: Date) async throws {
        let at = at.storedInstant
        guard try requireCase(id).isOpen else { throw StoreError(.invalidState, "case \(id) is closed") }
        cases[id.rawValue]!.releaseClaim(at: at)
        cases[id.rawValue]!.claim(by: officer, at: at)
        appendAuditEntry(AuditEvent(at: at, by: actor, .caseReassign, caseId: id, detail: "to \(officer)"))
    }
}

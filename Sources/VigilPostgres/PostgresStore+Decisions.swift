#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import PostgresNIO
public import VigilCore
public import VigilStore

extension PostgresStore {
    /// Records a notification and marks the flag notified.
    public func recordNotification(
        _ id: CaseID, flag named: FlagKey, by officer: AuditActor, method: String, reference: String, at: Date
    ) async throws {
        try await audited { connection in
            let flag = try await self.act(connection, .notify, on: id, named, at: at)
            try await connection.run(
                """
                INSERT INTO notifications (case_id, flag_kind, flag_about, officer, at, method, reference)
                VALUES (\(id.rawValue), \(flag.kind.rawValue), \(flag.about?.rawValue), \(officer.name), \(at.millis), \(method), \(reference))
                """, logger: self.logger)
            try await self.insertAudit(
                connection, AuditEvent(at: at, by: officer, .flagNotify, caseId: id, detail: "\(flag) via \(method), ref \(reference)"))
        }
    }

    /// Records a deferral decision and marks the flag deferred until its review time.
    public func recordDeferral(
        _ id: CaseID, flag named: FlagKey, by officer: AuditActor, reason: String, reviewBy: Date, at: Date
    ) async throws {
        try await audited { connection in
            let flag = try await self.act(connection, .deferral(reviewAt: reviewBy), on: id, named, at: at)
            try await connection.run(
                """
                INSERT INTO decisions (case_id, kind, officer, at, flag_kind, flag_about, detail, review_by)
                VALUES (\(id.rawValue), 'defer', \(officer.name), \(at.millis), \(flag.kind.rawValue), \(flag.about?.rawValue), \(reason),
                    \(reviewBy.millis))
                """, logger: self.logger)
            try await self.insertAudit(
                connection,
                AuditEvent(at: at, by: officer, .flagDefer, caseId: id, detail: "\(flag): \(reason); review by \(Timestamp.format(reviewBy))"))
        }
    }

    /// Records a withdrawal and marks the flag withdrawn.
    public func withdrawFlag(_ id: CaseID, flag named: FlagKey, reason: String, by officer: AuditActor, at: Date) async throws {
        try await audited { connection in
            let flag = try await self.act(connection, .withdraw, on: id, named, at: at)
            try await connection.run(
                """
                INSERT INTO decisions (case_id, kind, officer, at, flag_kind, flag_about, detail)
                VALUES (\(id.rawValue), 'withdraw', \(officer.name), \(at.millis), \(flag.kind.rawValue), \(flag.about?.rawValue), \(reason))
                """, logger: self.logger)
            try await self.insertAudit(connection, AuditEvent(at: at, by: officer, .flagWithdraw, caseId: id, detail: "\(flag): \(reason)"))
        }
    }

    public func recordFinding(_ id: CaseID, _ finding: OfficerFinding, by officer: AuditActor, at: Date) async throws {
        try await audited { connection in
            guard try await self.requireCase(connection, id).status == "open" else { throw StoreError(.invalidState, "case \(id) is closed") }
            try await self.insertFacts(connection, finding.observations.map { (id.rawValue, $0.recorded(at: at)) })
            try await self.insertChildren(connection, finding.children.map { (id.rawValue, $0) }, at: at)
            try await self.reassess(connection, caseId: id.rawValue, trigger: .officer(officer.name), now: at)
            try await self.insertAudit(connection, AuditEvent(at: at, by: officer, .caseFact, caseId: id, detail: finding.summary))
        }
    }

    public func recordStrategyDiscussion(_ id: CaseID, _ discussion: StrategyDiscussion, by officer: AuditActor, at: Date) async throws {
        try await audited { connection in
            _ = try await self.requireCase(connection, id)
            try await connection.run(
                """
                INSERT INTO strategy_discussions (case_id, held_at, attendees, outcome, note, officer, recorded_at)
                VALUES (\(id.rawValue), \(discussion.heldAt.millis), \(discussion.attendees.joined(separator: ", ")),
                    \(discussion.outcome.rawValue), \(discussion.note), \(officer.name), \(at.millis))
                """, logger: self.logger)
            try await self.insertAudit(connection, AuditEvent(at: at, by: officer, .caseStrategy, caseId: id, detail: StrategyText.audit(discussion)))
        }
    }

    public func recordDecision(_ id: CaseID, decision: String, rationale: String, by officer: AuditActor, at: Date) async throws {
        try await audited { connection in
            guard try await self.requireCase(connection, id).status == "open" else { throw StoreError(.invalidState, "case \(id) is closed") }
            try await self.insertDecision(connection, id, kind: decision, by: officer, at: at, detail: rationale)
            try await self.insertAudit(connection, AuditEvent(at: at, by: officer, .caseDecide, caseId: id, detail: "\(decision): \(rationale)"))
        }
    }

    /// Closes the case, as `ClosingRules` allow; it leaves the backlog and can no longer be claimed or joined.
    public func close(_ id: CaseID, outcome: CaseOutcome, overrideReason: String?, by officer: AuditActor, at: Date) async throws {
        try await audited { connection in
            guard try await self.requireCase(connection, id).status == "open" else {
                throw StoreError(.invalidState, "case \(id) is already closed")
            }
            let unsettled = try await self.flagRows(connection, id).filter { FlagLifecycle.isUnsettled($0.state) }.map(\.key)
            if let refusal = ClosingRules.refusal(caseId: id, unsettled: unsettled, overrideReason: overrideReason) {
                throw StoreError(.invalidState, refusal)
            }
            try await connection.run(
                "UPDATE cases SET status = 'closed', claimed_by = NULL, promote_at = NULL, updated_at = \(at.millis) WHERE id = \(id.rawValue)",
                logger: self.logger)
            try await connection.run(
                "UPDATE claims SET released_at = \(at.millis) WHERE case_id = \(id.rawValue) AND released_at IS NULL", logger: self.logger)
            try await self.insertDecision(connection, id, kind: "close", by: officer, at: at, detail: outcome.text)
            let override = unsettled.isEmpty ? nil : overrideReason
            if let override { try await self.insertDecision(connection, id, kind: "close-override", by: officer, at: at, detail: override) }
            try await self.insertAudit(
                connection,
                AuditEvent(
                    at: at, by: officer, .caseClose, caseId: id,
                    detail: ClosingRules.auditDetail(outcome, override: override)))
        }
    }

    /// Reopens a closed case: open and unclaimed again, graded again from what it holds.
    public func reopen(_ id: CaseID, reason: String, by officer: AuditActor, at: Date) async throws {
        try await audited { connection in
            guard try await self.requireCase(connection, id).status == "closed" else { throw StoreError(.invalidState, "case \(id) is open") }
            try await connection.run("UPDATE cases SET status = 'open', updated_at = \(at.millis) WHERE id = \(id.rawValue)", logger: self.logger)
            try await self.insertDecision(connection, id, kind: "reopen", by: officer, at: at, detail: reason)
            try await self.reassess(connection, caseId: id.rawValue, trigger: .officer(officer.name), now: at)
            try await self.insertAudit(connection, AuditEvent(at: at, by: officer, .caseReopen, caseId: id, detail: reason))
        }
    }

    /// Inserts a decision that concerns no flag.
    private func insertDecision(
        _ connection: PostgresConnection, _ id: CaseID, kind: String, by officer: AuditActor, at: Date, detail: String
    ) async throws {
        try await connection.run(
            "INSERT INTO decisions (case_id, kind, officer, at, detail) VALUES (\(id.rawValue), \(kind), \(officer.name), \(at.millis), \(detail))",
            logger: logger)
    }

    /// Takes `action` on the case's flag `named` picks (`FlagLifecycle`), returning the flag acted on.
    private func act(_ connection: PostgresConnection, _ action: FlagAction, on id: CaseID, _ named: FlagKey, at: Date) async throws -> FlagKey {
        _ = try await requireCase(connection, id)
        let rows = try await flagRows(connection, id)
        do {
            let flag = rows[try FlagLifecycle.choose(named, of: id, among: rows.map(\.key))]
            if let refusal = FlagLifecycle.refusal(action, on: flag.key, of: id, state: flag.state, dueAt: flag.dueAt, now: at) { throw refusal }
            let after = FlagLifecycle.after(action, dueAt: flag.dueAt)
            try await connection.run(
                "UPDATE flags SET state = \(after.state.rawValue), due_at = \(after.dueAt.millis) WHERE id = \(flag.rowId)", logger: logger)
            return flag.key
        } catch let refusal as FlagRefusal {
            throw StoreError(refusal)
        }
    }

    /// The case's flags as stored: row id, key, state and due time.
    private func flagRows(
        _ connection: PostgresConnection, _ id: CaseID
    ) async throws -> [(rowId: Int64, key: FlagKey, state: FlagState, dueAt: Date)] {
        try await connection.rows("SELECT id, kind, about, state, due_at FROM flags WHERE case_id = \(id.rawValue) ORDER BY id", logger: logger)
            .compactMap { row in
                let (rowId, kind, about, state, due) = try row.decode((Int64, String, String?, String, Int64).self)
                guard let kind = FlagKind(rawValue: kind), let state = FlagState(rawValue: state) else { return nil }
                return (rowId, FlagKey(kind, about: about.map(Subject.init(rawValue:))), state, Date(millis: due))
            }
    }
}

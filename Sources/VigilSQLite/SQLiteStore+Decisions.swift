#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB
public import VigilCore
public import VigilStore

extension SQLiteStore {
    /// Records a notification and marks the flag notified.
    public func recordNotification(
        _ id: CaseID, flag named: FlagKey, by officer: AuditActor, method: String, reference: String,
        at: Date
    ) async throws {
        try await writeImmediate { db in
            let flag = try Self.act(db, .notify, on: id, named, at: at)
            try db.execute(
                sql: """
                    INSERT INTO notifications (case_id, flag_kind, officer, at, method, reference, flag_about) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id.rawValue, flag.kind.rawValue, officer.name, at.millis, method, reference, flag.about?.rawValue])
            try self.appendAudit(
                db,
                AuditEvent(
                    at: at, by: officer, .flagNotify, caseId: id,
                    detail: "\(flag) via \(method), ref \(reference)"))
        }
    }

    /// Records a deferral decision and marks the flag deferred until its review time.
    public func recordDeferral(
        _ id: CaseID, flag named: FlagKey, by officer: AuditActor, reason: String, reviewBy: Date,
        at: Date
    ) async throws {
        try await writeImmediate { db in
            let flag = try Self.act(db, .deferral(reviewAt: reviewBy), on: id, named, at: at)
            try db.execute(
                sql: """
                    INSERT INTO decisions (case_id, kind, officer, at, flag_kind, detail, review_by, flag_about)
                    VALUES (?, 'defer', ?, ?, ?, ?, ?, ?)
                    """, arguments: [id.rawValue, officer.name, at.millis, flag.kind.rawValue, reason, reviewBy.millis, flag.about?.rawValue])
            try self.appendAudit(
                db,
                AuditEvent(
                    at: at, by: officer, .flagDefer, caseId: id,
                    detail: "\(flag): \(reason); review by \(Timestamp.format(reviewBy))"))
        }
    }

    /// Records a withdrawal and marks the flag withdrawn.
    public func withdrawFlag(_ id: CaseID, flag named: FlagKey, reason: String, by officer: AuditActor, at: Date) async throws {
        try await writeImmediate { db in
            let flag = try Self.act(db, .withdraw, on: id, named, at: at)
            try db.execute(
                sql: "INSERT INTO decisions (case_id, kind, officer, at, flag_kind, detail, flag_about) VALUES (?, 'withdraw', ?, ?, ?, ?, ?)",
                arguments: [id.rawValue, officer.name, at.millis, flag.kind.rawValue, reason, flag.about?.rawValue])
            try self.appendAudit(db, AuditEvent(at: at, by: officer, .flagWithdraw, caseId: id, detail: "\(flag): \(reason)"))
        }
    }

    /// Records a decision on an open case.
    public func recordFinding(_ id: CaseID, _ finding: OfficerFinding, by officer: AuditActor, at: Date) async throws {
        try await writeImmediate { db in
            let row = try Self.requireCase(db, id)
            guard row["status"] == "open" else { throw StoreError(.invalidState, "case \(id) is closed") }
            try Self.insertFacts(
                db, caseId: id.rawValue,
                finding.observations.map { $0.recorded(at: at) })
            try Self.insertChildren(db, caseId: id.rawValue, finding.children, at: at)
            try self.reassess(db, caseId: id.rawValue, trigger: .officer(officer.name), now: at)
            try self.appendAudit(db, AuditEvent(at: at, by: officer, .caseFact, caseId: id, detail: finding.summary))
        }
    }

    public func recordStrategyDiscussion(_ id: CaseID, _ discussion: StrategyDiscussion, by officer: AuditActor, at: Date) async throws {
        try await writeImmediate { db in
            _ = try Self.requireCase(db, id)
            try db.execute(
                sql: """
                    INSERT INTO strategy_discussions (case_id, held_at, attendees, outcome, note, officer, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id.rawValue, discussion.heldAt.millis, discussion.attendees.joined(separator: ", "), discussion.outcome.rawValue,
                    discussion.note, officer.name, at.millis,
                ])
            try self.appendAudit(db, AuditEvent(at: at, by: officer, .caseStrategy, caseId: id, detail: StrategyText.audit(discussion)))
        }
    }

    public func recordDecision(_ id: CaseID, decision: String, rationale: String, by officer: AuditActor, at: Date) async throws {
        try await writeImmediate { db in
            let row = try Self.requireCase(db, id)
            guard row["status"] == "open" else { throw StoreError(.invalidState, "case \(id) is closed") }
            try db.execute(
                sql: "INSERT INTO decisions (case_id, kind, officer, at, detail) VALUES (?, ?, ?, ?, ?)",
                arguments: [id.rawValue, decision, officer.name, at.millis, rationale])
            try self.appendAudit(db, AuditEvent(at: at, by: officer, .caseDecide, caseId: id, detail: "\(decision): \(rationale)"))
        }
    }

    /// Closes the case, as `ClosingRules` allow; it leaves the backlog and can no longer be claimed or joined.
    public func close(_ id: CaseID, outcome: CaseOutcome, overrideReason: String?, by officer: AuditActor, at: Date) async throws {
        try await writeImmediate { db in
            let row = try Self.requireCase(db, id)
            guard row["status"] == "open" else { throw StoreError(.invalidState, "case \(id) is already closed") }
            let unsettled = try Self.flagRows(db, id).filter { FlagLifecycle.isUnsettled($0.state) }.map(\.key)
            if let refusal = ClosingRules.refusal(caseId: id, unsettled: unsettled, overrideReason: overrideReason) {
                throw StoreError(.invalidState, refusal)
            }
            try db.execute(
                sql: """
                    UPDATE cases SET status = 'closed', claimed_by = NULL, promote_at = NULL, updated_at = ? WHERE id = ?
                    """, arguments: [at.millis, id.rawValue])
            try db.execute(
                sql: "UPDATE claims SET released_at = ? WHERE case_id = ? AND released_at IS NULL",
                arguments: [at.millis, id.rawValue])
            try db.execute(
                sql: "INSERT INTO decisions (case_id, kind, officer, at, detail) VALUES (?, 'close', ?, ?, ?)",
                arguments: [id.rawValue, officer.name, at.millis, outcome.text])
            let override = unsettled.isEmpty ? nil : overrideReason
            if let override {
                try db.execute(
                    sql: "INSERT INTO decisions (case_id, kind, officer, at, detail) VALUES (?, 'close-override', ?, ?, ?)",
                    arguments: [id.rawValue, officer.name, at.millis, override])
            }
            try self.appendAudit(
                db,
                AuditEvent(
                    at: at, by: officer, .caseClose, caseId: id,
                    detail: ClosingRules.auditDetail(outcome, override: override)))
        }
    }

    /// Reopens a closed case: open and unclaimed again, graded again from what it holds.
    public func reopen(_ id: CaseID, reason: String, by officer: AuditActor, at: Date) async throws {
        try await writeImmediate { db in
            let row = try Self.requireCase(db, id)
            guard row["status"] == "closed" else { throw StoreError(.invalidState, "case \(id) is open") }
            try db.execute(sql: "UPDATE cases SET status = 'open', updated_at = ? WHERE id = ?", arguments: [at.millis, id.rawValue])
            try db.execute(
                sql: "INSERT INTO decisions (case_id, kind, officer, at, detail) VALUES (?, 'reopen', ?, ?, ?)",
                arguments: [id.rawValue, officer.name, at.millis, reason])
            try self.reassess(db, caseId: id.rawValue, trigger: .officer(officer.name), now: at)
            try self.appendAudit(db, AuditEvent(at: at, by: officer, .caseReopen, caseId: id, detail: reason))
        }
    }

    /// Takes `action` on the case's flag `named` picks (`FlagLifecycle`), returning the flag acted on.
    private static func act(_ db: Database, _ action: FlagAction, on id: CaseID, _ named: FlagKey, at: Date) throws -> FlagKey {
        _ = try requireCase(db, id)
        let rows = try flagRows(db, id)
        do {
            let flag = rows[try FlagLifecycle.choose(named, of: id, among: rows.map(\.key))]
            if let refusal = FlagLifecycle.refusal(action, on: flag.key, of: id, state: flag.state, dueAt: flag.dueAt, now: at) { throw refusal }
            let after = FlagLifecycle.after(action, dueAt: flag.dueAt)
            try db.execute(
                sql: "UPDATE flags SET state = ?, due_at = ? WHERE id = ?", arguments: [after.state.rawValue, after.dueAt.millis, flag.rowId])
            return flag.key
        } catch let refusal as FlagRefusal {
            throw StoreError(refusal)
        }
    }

    /// The case's flags as stored: row id, key, state and due time.
    private static func flagRows(_ db: Database, _ id: CaseID) throws -> [(rowId: Int64, key: FlagKey, state: FlagState, dueAt: Date)] {
        try Row.fetchAll(db, sql: "SELECT id, kind, about, state, due_at FROM flags WHERE case_id = ? ORDER BY id", arguments: [id.rawValue])
            .compactMap { row in
                guard let kind = FlagKind(rawValue: row[1]), let state = FlagState(rawValue: row[3]) else { return nil }
                return (row[0], FlagKey(kind, about: (row[2] as String?).map(Subject.init(rawValue:))), state, Date(millis: row[4]))
            }
    }
}

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
        _ id: CaseID, flag: FlagKind, by officer: AuditActor, method: String, reference: String,
        at: Date
    ) async throws {
        try await writeImmediate { db in
            try Self.act(db, .notify, on: id, flag, at: at)
            try db.execute(
                sql: """
                    INSERT INTO notifications (case_id, flag_kind, officer, at, method, reference) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [id.rawValue, flag.rawValue, officer.name, at.millis, method, reference])
            try self.appendAudit(
                db,
                AuditEvent(
                    at: at, by: officer, .flagNotify, caseId: id,
                    detail: "\(flag.rawValue) via \(method), ref \(reference)"))
        }
    }

    /// Records a deferral decision and marks the flag deferred until its review time.
    public func recordDeferral(
        _ id: CaseID, flag: FlagKind, by officer: AuditActor, reason: String, reviewBy: Date,
        at: Date
    ) async throws {
        try await writeImmediate { db in
            try Self.act(db, .deferral(reviewAt: reviewBy), on: id, flag, at: at)
            try db.execute(
                sql: """
                    INSERT INTO decisions (case_id, kind, officer, at, flag_kind, detail, review_by) VALUES (?, 'defer', ?, ?, ?, ?, ?)
                    """, arguments: [id.rawValue, officer.name, at.millis, flag.rawValue, reason, reviewBy.millis])
            try self.appendAudit(
                db,
                AuditEvent(
                    at: at, by: officer, .flagDefer, caseId: id,
                    detail: "\(flag.rawValue): \(reason); review by \(Timestamp.format(reviewBy))"))
        }
    }

    /// Records a withdrawal and marks the flag withdrawn.
    public func withdrawFlag(_ id: CaseID, flag: FlagKind, reason: String, by officer: AuditActor, at: Date) async throws {
        try await writeImmediate { db in
            try Self.act(db, .withdraw, on: id, flag, at: at)
            try db.execute(
                sql: "INSERT INTO decisions (case_id, kind, officer, at, flag_kind, detail) VALUES (?, 'withdraw', ?, ?, ?, ?)",
                arguments: [id.rawValue, officer.name, at.millis, flag.rawValue, reason])
            try self.appendAudit(db, AuditEvent(at: at, by: officer, .flagWithdraw, caseId: id, detail: "\(flag.rawValue): \(reason)"))
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
            let unsettled = try Self.flagRows(db, id).filter { FlagLifecycle.isUnsettled($0.state) }.map(\.kind)
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
                    detail: outcome.text + (override.map { "; override with calls still to make: \($0)" } ?? "")))
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

    /// Takes `action` on the case's flag of `kind`, as `FlagLifecycle` allows.
    private static func act(_ db: Database, _ action: FlagAction, on id: CaseID, _ kind: FlagKind, at: Date) throws {
        _ = try requireCase(db, id)
        let flag = try flagRows(db, id).first { $0.kind == kind }
        if let refusal = FlagLifecycle.refusal(action, kind: kind, of: id, state: flag?.state, dueAt: flag?.dueAt, now: at) {
            throw StoreError(refusal.reason == .missing ? .notFound : refusal.reason == .invalid ? .invalidInput : .invalidState, refusal.message)
        }
        let after = FlagLifecycle.after(action, dueAt: flag!.dueAt)
        try db.execute(
            sql: "UPDATE flags SET state = ?, due_at = ? WHERE case_id = ? AND kind = ?",
            arguments: [after.state.rawValue, after.dueAt.millis, id.rawValue, kind.rawValue])
    }

    /// The case's flags as stored: kind, state and due time.
    private static func flagRows(_ db: Database, _ id: CaseID) throws -> [(kind: FlagKind, state: FlagState, dueAt: Date)] {
        try Row.fetchAll(db, sql: "SELECT kind, state, due_at FROM flags WHERE case_id = ?", arguments: [id.rawValue]).compactMap { row in
            guard let kind = FlagKind(rawValue: row[0]), let state = FlagState(rawValue: row[1]) else { return nil }
            return (kind, state, Date(millis: row[2]))
        }
    }
}

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
            try Self.closeFlag(db, id, flag, to: .notified)
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

    /// Records a deferral decision and marks the flag deferred.
    public func recordDeferral(
        _ id: CaseID, flag: FlagKind, by officer: AuditActor, reason: String, reviewBy: Date,
        at: Date
    ) async throws {
        try await writeImmediate { db in
            try Self.closeFlag(db, id, flag, to: .deferred)
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

    /// Records a decision on an open case.
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

    /// Closes the case; it leaves the backlog and can no longer be claimed or joined.
    public func close(_ id: CaseID, outcome: String, by officer: AuditActor, at: Date) async throws {
        try await writeImmediate { db in
            let row = try Self.requireCase(db, id)
            guard row["status"] == "open" else { throw StoreError(.invalidState, "case \(id) is already closed") }
            try db.execute(
                sql: """
                    UPDATE cases SET status = 'closed', claimed_by = NULL, promote_at = NULL, updated_at = ? WHERE id = ?
                    """, arguments: [at.millis, id.rawValue])
            try db.execute(
                sql: "UPDATE claims SET released_at = ? WHERE case_id = ? AND released_at IS NULL",
                arguments: [at.millis, id.rawValue])
            try db.execute(
                sql: """
                    INSERT INTO decisions (case_id, kind, officer, at, detail) VALUES (?, 'close', ?, ?, ?)
                    """, arguments: [id.rawValue, officer.name, at.millis, outcome])
            try self.appendAudit(db, AuditEvent(at: at, by: officer, .caseClose, caseId: id, detail: outcome))
        }
    }

    private static func closeFlag(_ db: Database, _ id: CaseID, _ flag: FlagKind, to state: FlagState) throws {
        _ = try requireCase(db, id)
        let current = try String.fetchOne(
            db, sql: "SELECT state FROM flags WHERE case_id = ? AND kind = ?", arguments: [id.rawValue, flag.rawValue])
        if let refusal = FlagSettlement.refusal(kind: flag, of: id, current: current.flatMap(FlagState.init(rawValue:)), target: state) {
            throw StoreError(refusal.missing ? .notFound : .invalidState, refusal.message)
        }
        try db.execute(
            sql: "UPDATE flags SET state = ? WHERE case_id = ? AND kind = ?",
            arguments: [state.rawValue, id.rawValue, flag.rawValue])
    }
}

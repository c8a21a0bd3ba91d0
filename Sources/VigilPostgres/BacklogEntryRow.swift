#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PostgresNIO
import VigilCore
import VigilStore

/// How one statement reads whole backlog entries: a case's columns with its refs and its flags gathered in
/// arrays, for any row source shaped like `cases` (the table, or the rows a claim's `UPDATE` returned).
enum BacklogEntryRow {
    /// The select list for the row source `alias`.
    static func columns(_ alias: String) -> String {
        let flags = { (column: String) in "ARRAY(SELECT \(column) FROM flags f WHERE f.case_id = \(alias).id ORDER BY f.id)" }
        return """
            \(alias).id, \(alias).status, \(alias).grade_rank, \(alias).access_rank, \(alias).youngest_rank, \(alias).received_at,
            \(alias).provisional, \(alias).claimed_by, \(alias).imminent_rank, \(alias).research_failed,
            ARRAY(SELECT r.ref FROM referrals r WHERE r.case_id = \(alias).id ORDER BY r.id),
            \(flags("f.kind")), \(flags("f.state")), \(flags("f.raised_at")), \(flags("f.due_at")), \(flags("f.raised_by")),
            \(flags("COALESCE(f.about, '')"))
            """
    }

    /// The entry (unnumbered) a row of `columns` describes, as of `asOf`.
    static func decode(_ row: PostgresRow, targets: ActionTargets, asOf: Date) throws -> BacklogEntry {
        let (
            id, status, gradeRank, access, youngest, receivedAt, provisional, claimedBy, imminent, failed, refs, kinds, states, raised, due, raisedBy,
            about
        ) =
            try row.decode(
                (Int64, String, Int, Int, Int, Int64, Bool, String?, Int, String, [String], [String], [String], [Int64], [Int64], [String], [String])
                    .self)
        var flags: [FlagSummary] = []
        for index in kinds.indices {
            guard let kind = FlagKind(rawValue: kinds[index]), let state = FlagState(rawValue: states[index]) else { continue }
            let standing = FlagLifecycle.standing(state: state, dueAt: Date(millis: due[index]), asOf: asOf)
            flags.append(
                FlagSummary(
                    kind: kind, state: standing.state, raisedAt: Date(millis: raised[index]), dueAt: standing.dueAt, overdue: standing.overdue,
                    raisedBy: Provenance(rawValue: raisedBy[index]), about: about[index].isEmpty ? nil : Subject(rawValue: about[index])))
        }
        let grade = Grade(rawValue: gradeRank) ?? .low
        let received = Date(millis: receivedAt)
        let dueAt = targets.dueAt(grade: grade, receivedAt: received)
        return BacklogEntry(
            position: nil, caseId: CaseID(id), refs: refs, grade: grade,
            effectiveGrade: targets.effectiveGrade(grade: grade, receivedAt: received, asOf: asOf), provisional: provisional,
            imminentDanger: imminent == BacklogKey.imminentRank(true), childAccess: TriState(backlogRank: access) ?? .unknown,
            youngestChildAge: youngest == BacklogKey.unknownAgeRank ? nil : youngest, receivedAt: received, dueAt: dueAt,
            overdue: status == "open" && asOf > dueAt, claimedBy: claimedBy, flags: flags,
            researchFailed: failed.split(separator: ",").map(String.init))
    }
}

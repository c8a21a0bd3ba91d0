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
/// A statement selects `columns(alias)` from `source(table, alias)`: the flags are gathered by one lateral
/// scan of the case's flags, not one per array.
enum BacklogEntryRow {
    /// The select list for the row source `alias`.
    static func columns(_ alias: String) -> String {
        """
        \(alias).id, \(alias).status, \(alias).grade_rank, \(alias).access_rank, \(alias).youngest_rank, \(alias).received_at,
        \(alias).provisional, \(alias).claimed_by, \(alias).imminent_rank, \(alias).research_failed,
        ARRAY(SELECT r.ref FROM referrals r WHERE r.case_id = \(alias).id ORDER BY r.id),
        fl.kinds, fl.states, fl.raised, fl.due, fl.raised_by, fl.about
        """
    }

    /// The row source `table AS alias` joined to its case's flags, gathered in id order (empty arrays for none).
    static func source(_ table: String, _ alias: String) -> String {
        let gathered = { (column: String, name: String) in "COALESCE(array_agg(\(column) ORDER BY f.id), '{}') AS \(name)" }
        return """
            \(table) \(alias) CROSS JOIN LATERAL (
                SELECT \(gathered("f.kind", "kinds")), \(gathered("f.state", "states")), \(gathered("f.raised_at", "raised")),
                    \(gathered("f.due_at", "due")), \(gathered("f.raised_by", "raised_by")), \(gathered("COALESCE(f.about, '')", "about"))
                FROM flags f WHERE f.case_id = \(alias).id) fl
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

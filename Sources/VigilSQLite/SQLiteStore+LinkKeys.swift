#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB
import VigilCore
import VigilStore

/// How link keys are stored. Each key is a row holding its text, a 32-bit hash of the text and its case
/// (migration v7); an index on the hash finds it. Keys arrive in random hash order, so every import
/// transaction that inserted them into one large hash index rewrote most of that index's pages (at
/// 100,000 referrals, a quarter of all the bytes the import wrote). New keys therefore go to
/// `recent_link_keys`, whose index stays small, and are moved into `link_keys` in hash order once that
/// many have gathered (migration v8): the large index is rewritten once per move instead of once per
/// transaction. Look-ups read both through the view `all_link_keys`. A look-up compares the key's text
/// too, so two keys whose hashes collide only cost one more row read, never a wrong link.
extension SQLiteStore {
    /// FNV-1a over the key's UTF-8, folded to 32 bits: stable across processes and versions (Swift's
    /// `Hasher` is seeded per process), and small enough to store in four bytes.
    static func linkKeyHash(_ key: LinkKey) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.rawValue.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int64((hash >> 32) ^ (hash & 0xFFFF_FFFF))
    }

    /// The cases, open or closed, sharing any of the keys (which one a referral joins, and which make its
    /// subject previously known, is `IntakePlanner`'s rule): one indexed look-up per key (an `IN (…)` list
    /// would make SQLite 3.40 build a temporary B-tree on every call).
    func linkedCases(_ db: Database, _ keys: [LinkKey]) throws -> [ConnectedCase] {
        guard !keys.isEmpty else { return [] }
        let statement = try db.cachedStatement(
            sql: """
                SELECT l.case_id, c.status = 'open' FROM all_link_keys l JOIN cases c ON c.id = l.case_id
                WHERE l.key_hash = ? AND l.key = ?
                """)
        var open = Set<Int64>()
        var closed = Set<Int64>()
        for key in keys {
            try statement.forEachRow(.integer(Self.linkKeyHash(key)), .text(key.rawValue)) { row in
                if row.integer(1) == 1 { open.insert(row.integer(0)) } else { closed.insert(row.integer(0)) }
            }
        }
        return try open.sorted().map { ConnectedCase(caseId: CaseID($0), closed: nil) }
            + closed.sorted().map { try closedCase(db, $0) }
    }

    /// A closed case as intake sees it: its latest closing (a case closed without a recorded decision, as
    /// only an edited database holds, reads as closed when it was last updated, outcome `closed`).
    func closedCase(_ db: Database, _ id: Int64) throws -> ConnectedCase {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT COALESCE(d.at, c.updated_at), COALESCE(d.detail, 'closed') FROM cases c
                LEFT JOIN (SELECT at, detail FROM decisions WHERE case_id = ?1 AND kind = 'close' ORDER BY at DESC, id DESC LIMIT 1) d
                WHERE c.id = ?1
                """, arguments: [id])
        return ConnectedCase(
            caseId: CaseID(id), closed: PreviousCase(caseId: CaseID(id), closedAt: Date(millis: row?[0] ?? 0), outcome: row?[1] ?? "closed"))
    }

    /// Links `keys` to the case. A new case's keys are distinct and cannot be linked yet, so they are
    /// inserted without looking; an existing case gets only the keys it does not have.
    func addLinkKeys(_ db: Database, _ keys: [LinkKey], caseId: Int64, newCase: Bool) throws {
        if newCase {
            var rowValues: [BoundValue] = []
            rowValues.reserveCapacity(keys.count * Self.newCaseKeyInsert.rowWidth)
            for key in keys {
                rowValues.append(.text(key.rawValue))
                rowValues.append(.integer(Self.linkKeyHash(key)))
            }
            try Self.newCaseKeyInsert.run(db, shared: [.integer(caseId)], rowValues: rowValues)
            return
        }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO recent_link_keys (key, key_hash, case_id) SELECT ?1, ?2, ?3
                WHERE NOT EXISTS (SELECT 1 FROM all_link_keys WHERE key_hash = ?2 AND case_id = ?3 AND key = ?1)
                """)
        for key in keys {
            try statement.run(.text(key.rawValue), .integer(Self.linkKeyHash(key)), .integer(caseId))
        }
    }

    /// A new case's (`?1`) keys.
    private static let newCaseKeyInsert = MultiRowInsert(
        "INSERT OR FAIL INTO recent_link_keys (key, key_hash, case_id)",
        rowTemplate: "(?, ?, ?1)", sharedCount: 1)

    /// Moves the recent keys into `link_keys`, in hash order so each page of its index is written once,
    /// when at least `linkKeysSettleAt` have gathered (16,384 by default: about every sixth chunk of 1,000
    /// referrals). Runs at the end of each import transaction. (Research adds a key only now and
    /// then; those wait in the recent table, where look-ups find them all the same.)
    func settleLinkKeys(_ db: Database) throws {
        var recent = 0
        try db.cachedStatement(sql: "SELECT count(*) FROM recent_link_keys").forEachRow { recent = Int($0.integer(0)) }
        guard recent >= linkKeysSettleAt else { return }
        try db.execute(
            sql: """
                INSERT INTO link_keys (key, key_hash, case_id) SELECT key, key_hash, case_id FROM recent_link_keys ORDER BY key_hash;
                DELETE FROM recent_link_keys;
                """)
    }
}

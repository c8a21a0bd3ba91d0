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

    /// The open cases sharing any of the keys (which one a referral joins is `IntakePlanner`'s rule): one
    /// indexed look-up per key (an `IN (…)` list would make SQLite 3.40 build a temporary B-tree on every call).
    func linkedOpenCases(_ db: Database, _ keys: [LinkKey]) throws -> [CaseID] {
        guard !keys.isEmpty else { return [] }
        let statement = try db.cachedStatement(
            sql: """
                SELECT l.case_id FROM all_link_keys l JOIN cases c ON c.id = l.case_id
                WHERE l.key_hash = ? AND l.key = ? AND c.status = 'open'
                """)
        var cases: [CaseID] = []
        for key in keys {
            try statement.forEachRow(.integer(Self.linkKeyHash(key)), .text(key.rawValue)) { row in
                cases.append(CaseID(row.integer(0)))
            }
        }
        return cases
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

import GRDB
import VigilCore

/// How link keys are stored (migration v7). Each key is a row appended to `link_keys`; the index that
/// finds it, `link_keys_hash`, orders a 32-bit hash of the key's text rather than the text. Keys arrive in
/// random order, so every import transaction rewrote most pages of a text-ordered index: at 100,000
/// referrals that index was half of all the bytes written. Hash entries take less than half the room, so a
/// transaction dirties fewer pages. A look-up compares the key's text too, so two keys whose hashes
/// collide only cost one more row read, never a wrong link.
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

    /// The oldest open case sharing any of the keys: one indexed look-up per key (an `IN (…)` list would
    /// make SQLite 3.40 build a temporary B-tree on every call).
    func linkedOpenCase(_ db: Database, _ keys: [LinkKey]) throws -> Int64? {
        let statement = try db.cachedStatement(sql: """
            SELECT l.case_id FROM link_keys l JOIN cases c ON c.id = l.case_id
            WHERE l.key_hash = ? AND l.key = ? AND c.status = 'open' ORDER BY l.case_id LIMIT 1
            """)
        var oldest: Int64?
        for key in keys {
            try statement.forEachRow(.integer(Self.linkKeyHash(key)), .text(key.rawValue)) { row in
                oldest = min(oldest ?? .max, row.integer(0))
            }
        }
        return oldest
    }

    /// Links `keys` to the case. A new case's keys are distinct and cannot be linked yet, so they are
    /// inserted without looking; an existing case gets only the keys it does not have.
    func addLinkKeys(_ db: Database, _ keys: [LinkKey], caseId: Int64, newCase: Bool) throws {
        let statement = try db.cachedStatement(sql: newCase
            ? "INSERT INTO link_keys (key, key_hash, case_id) VALUES (?1, ?2, ?3)"
            : """
            INSERT INTO link_keys (key, key_hash, case_id) SELECT ?1, ?2, ?3
            WHERE NOT EXISTS (SELECT 1 FROM link_keys WHERE key_hash = ?2 AND case_id = ?3 AND key = ?1)
            """)
        for key in keys {
            try statement.run(.text(key.rawValue), .integer(Self.linkKeyHash(key)), .integer(caseId))
        }
    }
}

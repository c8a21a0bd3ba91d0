#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB
public import VigilCore
public import VigilStore

extension SQLiteStore {
    public func addUser(name: String, role: Role, tokenHash: String, now: Date) async throws -> UserRecord {
        try await writeImmediate { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) == nil else {
                throw StoreError(.invalidState, "a user named \(name) exists already")
            }
            try db.execute(
                sql: "INSERT INTO users (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, role.rawValue, tokenHash, now.millis])
            return UserRecord(name: name, role: role, createdAt: Date(millis: now.millis), revokedAt: nil)
        }
    }

    public func users() async throws -> [UserRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, role, created_at, revoked_at FROM users ORDER BY name").map(Self.user)
        }
    }

    public func revokeUser(name: String, now: Date) async throws {
        try await writeImmediate { db in
            try db.execute(sql: "UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", arguments: [now.millis, name])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no active user named \(name)") }
        }
    }

    public func user(tokenHash: String) async throws -> UserRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT name, role, created_at, revoked_at FROM users WHERE token_hash = ? AND revoked_at IS NULL",
                arguments: [tokenHash]
            ).map(Self.user)
        }
    }

    private static func user(_ row: Row) -> UserRecord {
        UserRecord(
            name: row[0], role: Role(rawValue: row[1]) ?? .investigator, createdAt: Date(millis: row[2]),
            revokedAt: (row[3] as Int64?).map(Date.init(millis:)))
    }
}

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import PostgresNIO
public import VigilCore
public import VigilStore

extension PostgresStore {
    public func addUser(name: String, role: Role, tokenHash: String, now: Date) async throws -> UserRecord {
        let inserted = try await rows(
            """
            INSERT INTO users (name, role, token_hash, created_at) VALUES (\(name), \(role.rawValue), \(tokenHash), \(now.millis))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """)
        guard !inserted.isEmpty else { throw StoreError(.invalidState, "a user named \(name) exists already") }
        return UserRecord(name: name, role: role, createdAt: Date(millis: now.millis), revokedAt: nil)
    }

    public func users() async throws -> [UserRecord] {
        try await rows("SELECT name, role, created_at, revoked_at FROM users ORDER BY name").map(Self.user)
    }

    public func revokeUser(name: String, now: Date) async throws {
        let revoked = try await rows("UPDATE users SET revoked_at = \(now.millis) WHERE name = \(name) AND revoked_at IS NULL RETURNING name")
        guard revoked.count == 1 else { throw StoreError(.notFound, "no active user named \(name)") }
    }

    public func user(tokenHash: String) async throws -> UserRecord? {
        try await rows("SELECT name, role, created_at, revoked_at FROM users WHERE token_hash = \(tokenHash) AND revoked_at IS NULL")
            .first.map(Self.user)
    }

    private static func user(_ row: PostgresRow) throws -> UserRecord {
        let (name, role, created, revoked) = try row.decode((String, String, Int64, Int64?).self)
        return UserRecord(
            name: name, role: Role(rawValue: role) ?? .investigator, createdAt: Date(millis: created), revokedAt: revoked.map(Date.init(millis:)))
    }
}

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// A person who may use Vigil.
public struct UserRecord: Sendable, Hashable, Encodable {
    /// Unique name.
    public var name: String
    /// Role, which decides permissions.
    public var role: Role
    /// When the user was added.
    public var createdAt: Date
    /// When the token was revoked, if it was.
    public var revokedAt: Date?

    /// Creates a user record.
    public init(name: String, role: Role, createdAt: Date, revokedAt: Date?) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// Users and their tokens (only token hashes are stored).
public protocol UserStore: Sendable {
    /// Adds a user; a name already in use (revoked or not) is refused.
    func addUser(name: String, role: Role, tokenHash: String, now: Date) async throws -> UserRecord
    /// Every user, by name.
    func users() async throws -> [UserRecord]
    /// Revokes a user's token.
    func revokeUser(name: String, now: Date) async throws
    /// The active user holding the token with this hash.
    func user(tokenHash: String) async throws -> UserRecord?
}

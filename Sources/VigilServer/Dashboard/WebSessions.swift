public import Foundation
import VigilCore
public import VigilStore

/// A signed-in person's server-side session.
public struct WebSession: Sendable {
    /// The user it belongs to.
    public var user: UserRecord
    /// The hash of the token they signed in with: every request checks it is still valid (not revoked).
    public var tokenHash: String
    /// The token every form of the session must carry (CSRF protection).
    public var csrfToken: String
    /// When the person signed in.
    public var createdAt: Date
    /// Their last request.
    public var lastSeen: Date
}

/// How long sessions live: they end `idle` after the last request, and `absolute` after sign-in at the latest.
public struct SessionLifetime: Sendable {
    /// Longest gap between requests.
    public var idle: TimeInterval
    /// Longest session.
    public var absolute: TimeInterval

    /// Creates a lifetime.
    public init(idle: TimeInterval = 30 * 60, absolute: TimeInterval = 8 * 3600) {
        self.idle = idle
        self.absolute = absolute
    }

    /// Whether a session has ended at `now`.
    public func hasEnded(_ session: WebSession, at now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeen) > idle || now.timeIntervalSince(session.createdAt) > absolute
    }
}

/// The dashboard's sessions, kept in the server's memory under the SHA-256 of their random ids (a
/// restart signs everyone out). Time is passed in.
public actor WebSessions {
    private var sessions: [String: WebSession] = [:]
    /// How long its sessions live.
    public let lifetime: SessionLifetime

    /// An empty registry.
    public init(lifetime: SessionLifetime = SessionLifetime()) { self.lifetime = lifetime }

    /// Starts a session for `user`; returns the id for the cookie and the session.
    public func start(for user: UserRecord, tokenHash: String, now: Date) -> (id: String, session: WebSession) {
        removeEnded(now: now)
        let id = AccessToken.generate()
        let session = WebSession(user: user, tokenHash: tokenHash, csrfToken: AccessToken.generate(), createdAt: now, lastSeen: now)
        sessions[AccessToken.hash(id)] = session
        return (id, session)
    }

    /// The live session with this id, its last request moved to `now`; nil if unknown or ended.
    public func session(id: String, now: Date) -> WebSession? {
        let key = AccessToken.hash(id)
        guard var session = sessions[key] else { return nil }
        guard !lifetime.hasEnded(session, at: now) else {
            sessions[key] = nil
            return nil
        }
        session.lastSeen = now
        sessions[key] = session
        return session
    }

    /// Ends the session with this id.
    public func end(id: String) {
        sessions[AccessToken.hash(id)] = nil
    }

    private func removeEnded(now: Date) {
        sessions = sessions.filter { !lifetime.hasEnded($0.value, at: now) }
    }
}

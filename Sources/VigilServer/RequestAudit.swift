import Foundation
import Hummingbird
import VigilActions
import VigilCore
import VigilStore

extension APIContext {
    /// The request's user (`anonymous` before authentication) and the client's address, as the audit log
    /// records them.
    var actor: AuditActor { AuditActor(name: user?.name ?? "anonymous", remote: remote) }

    /// `user`, from the client's address, as `CaseActions` takes them: bound by the holder rule unless
    /// their role may act on any case.
    func caseActor(_ user: UserRecord) -> CaseActor {
        CaseActor(audit: AuditActor(name: user.name, remote: remote), role: user.role)
    }

    /// Appends a read (or a refusal) by the request's user — or by `name`, when a refusal knows who was
    /// refused — to the audit log. Changes to cases are audited by the store, in their own transaction.
    func audit(
        _ store: any Store, at: Date, _ action: AuditAction, caseId: CaseID? = nil, detail: String = "", actor name: String? = nil
    ) async throws {
        let who = name.map { AuditActor(name: $0, remote: remote) } ?? actor
        _ = try await store.appendAudit(AuditEvent(at: at, by: who, action, caseId: caseId, detail: detail))
    }
}

/// Writes every refused request (401 and 403) to the audit log as `access.refused` — who, what they
/// asked for and why it was refused — then lets the refusal go on to the error middleware. Refusals are
/// what an intrusion looks like; the log is where a supervisor looks for one.
struct RefusalAuditMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let store: any Store
    /// The server's clock: every instant a request is stamped or judged with.
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError where error.status == .unauthorized || error.status == .forbidden {
            try await context.audit(
                store, at: now(), .accessRefused,
                detail: "\(request.method.rawValue) \(request.uri.path): \(error.status.code) \(error.message)",
                actor: error.refusedUser)
            throw error
        }
    }
}

import Foundation
import Hummingbird
import VigilCore
import VigilStore

extension APIContext {
    /// Appends what the request's user did (or `actor`, or before sign-in `anonymous`) to the audit log,
    /// from the client's address.
    func audit(_ store: any Store, _ action: String, caseId: CaseID? = nil, detail: String = "", actor: String? = nil) async throws {
        _ = try await store.appendAudit(AuditEvent(at: Date(), actor: actor ?? user?.name ?? "anonymous", action: action, caseId: caseId,
                                                   detail: detail, remote: remote))
    }
}

/// Writes every refused request (401 and 403) to the audit log as `access.refused` — who, what they
/// asked for and why it was refused — then lets the refusal go on to the error middleware. Refusals are
/// what an intrusion looks like; the log is where a supervisor looks for one.
struct RefusalAuditMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let store: any Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError where error.status == .unauthorized || error.status == .forbidden {
            try await context.audit(store, "access.refused",
                                    detail: "\(request.method.rawValue) \(request.uri.path): \(error.status.code) \(error.message)",
                                    actor: error.refusedUser)
            throw error
        }
    }
}

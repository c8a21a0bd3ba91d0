import Hummingbird
import Foundation
import VigilCore
import VigilStore

/// Authenticates every API request by its bearer token (only the token's hash is looked up).
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = APIContext
    let store: any Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
            case let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces), !token.isEmpty
        else {
            throw APIError(.unauthorized, "unauthorized", "send 'Authorization: Bearer <token>' (tokens come from 'vigil user add')")
        }
        guard let user = try await store.user(tokenHash: AccessToken.hash(token)) else {
            throw APIError(.unauthorized, "unauthorized", "the token is unknown or revoked")
        }
        var authenticated = context
        authenticated.user = user
        return try await next(request, authenticated)
    }
}

extension APIContext {
    /// The user, if their role grants `permission`; 403 otherwise.
    func require(_ permission: Permission) throws -> UserRecord {
        guard let user else { throw APIError(.unauthorized, "unauthorized", "not authenticated") }
        guard user.role.allows(permission) else {
            throw APIError.forbidden(user, "the \(user.role.rawValue) role may not \(permission.rawValue)")
        }
        return user
    }
}

import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// Lets a dashboard request through only with a live session whose token is still valid; otherwise
/// redirects to the sign-in form (remembering where the person was going). A script may instead `GET` a
/// page or export with `Authorization: Bearer <token>`, as on the API (no forms: posts need a session).
struct SessionAuthenticator: RouterMiddleware {
    typealias Context = APIContext
    let store: any Store
    let sessions: WebSessions
    /// The server's clock: every instant a request is stamped or judged with.
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .get, request.headers[.authorization] != nil {
            return try await TokenAuthenticator(store: store).handle(request, context: context, next: next)
        }
        guard let id = request.cookies[WebCookies.session]?.value, let session = await sessions.session(id: id, now: now()) else {
            return WebResponses.redirect(to: "/sign-in?next=" + WebForm.percentEncoded(request.uri.path))
        }
        guard let user = try await store.user(tokenHash: session.tokenHash) else {
            await sessions.end(id: id)
            return WebResponses.redirect(to: "/sign-in")
        }
        var signedIn = context
        signedIn.user = user
        signedIn.session = session
        return try await next(request, signedIn)
    }
}

/// The dashboard's cookie names.
enum WebCookies {
    /// The session id (HttpOnly, SameSite=Strict).
    static let session = "vigil_session"
    /// The sign-in form's CSRF value (double submit: the cookie and the form field must match).
    static let signIn = "vigil_sign_in"
}

/// Reading `application/x-www-form-urlencoded` bodies and checking their CSRF token.
enum WebForm {
    /// Largest form body accepted.
    static let maxBytes = 64 << 10

    /// The form's fields (the last value of a repeated name wins).
    static func fields(_ request: Request) async throws -> [String: String] {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw APIError(.unsupportedMediaType, "unsupportedMediaType", "send the form as application/x-www-form-urlencoded")
        }
        let body = String(buffer: try await request.body.collect(upTo: maxBytes))
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }

    /// The form's fields, after checking its `csrf` field against the session's token (403 otherwise).
    static func checkedFields(_ request: Request, context: APIContext) async throws -> [String: String] {
        let fields = try await fields(request)
        guard let session = context.session, let token = fields["csrf"], AccessToken.secretsEqual(token, session.csrfToken) else {
            throw APIError(.forbidden, "csrf", "the form has expired or did not come from Vigil; reload the page and try again")
        }
        return fields
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// `text` safe inside a query value.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// Responses the dashboard sends besides pages.
enum WebResponses {
    /// 303 to `location` (after a form, or to sign in).
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// An HTML page.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

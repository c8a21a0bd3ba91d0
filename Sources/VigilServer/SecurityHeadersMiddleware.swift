import HTTPTypes
import Hummingbird
import Logging

/// Sets the headers that keep a browser from running, framing or sniffing anything the server did not mean
/// it to, on every response (pages, errors and JSON alike): a Content-Security-Policy that allows no script
/// at all (the dashboard has none) and styles only from the page itself, `frame-ancestors 'none'`,
/// `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` (case URLs never leave in a
/// `Referer`). Errors are turned into their responses here, so those carry the headers too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The policy: nothing by default; inline styles (the pages' own `<style>`) and same-origin forms only.
    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error: \(error)")
            response = try HTTPError(.internalServerError).response(from: request, context: context)
        }
        response.headers[HTTPField.Name("Content-Security-Policy")!] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }
}

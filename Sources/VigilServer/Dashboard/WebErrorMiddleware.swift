import Hummingbird
import Logging
import NIOCore
import VigilActions
import VigilStore

/// Turns errors of dashboard pages into HTML pages with the right status (the API's JSON errors are
/// for programs): 401 goes back to sign-in; 403, 404, 409 and 400 explain themselves.
struct WebErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let templates: WebTemplates

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            if error.status == .unauthorized { return WebResponses.redirect(to: "/sign-in") }
            return try page(context, status: error.status, heading: Self.heading(error.status), message: error.message)
        } catch let error as CaseActionError {
            let refusal = APIError(error)
            return try page(context, status: refusal.status, heading: Self.heading(refusal.status), message: refusal.message)
        } catch let error as StoreError {
            let status: HTTPResponse.Status = error.code == .notFound ? .notFound : .conflict
            return try page(context, status: status, heading: Self.heading(status), message: error.message)
        } catch let error as HTTPError {
            return try page(context, status: error.status, heading: Self.heading(error.status), message: error.body ?? error.status.reasonPhrase)
        } catch is NIOTooManyBytesError {
            return try page(context, status: .contentTooLarge, heading: "Too large", message: "The form is larger than Vigil accepts.")
        } catch {
            context.logger.error("unexpected error on a dashboard page: \(error)")
            return try page(
                context, status: .internalServerError, heading: "Something went wrong",
                message: "An unexpected error occurred; it has been logged.")
        }
    }

    private func page(_ context: Context, status: HTTPResponse.Status, heading: String, message: String) throws -> Response {
        let view = MessageView(chrome: PageChrome(title: heading, session: context.session), heading: heading, message: message)
        return WebResponses.html(try templates.render(view, "message"), status: status)
    }

    private static func heading(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .forbidden: "Not allowed"
        case .notFound: "Not found"
        case .conflict: "Not possible now"
        case .badRequest: "Please check the form"
        default: status.reasonPhrase
        }
    }
}

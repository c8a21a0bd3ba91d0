import Foundation
import Logging
public import Hummingbird
import NIOCore
import VigilActions
import VigilCore
import VigilIntake
import VigilStore

/// An error answered as `{"error": {"code", "message"}}` with its HTTP status.
public struct APIError: HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable machine-readable code, e.g. `forbidden`.
    public var code: String
    /// A sentence a person can act on.
    public var message: String
    /// The signed-in user a 403 refused, for the audit log (the refusal is logged outside the middleware
    /// that knows the user).
    public var refusedUser: String?

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, refusedUser: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.refusedUser = refusedUser
    }

    /// 403: `user` may not do this.
    static func forbidden(_ user: UserRecord, _ message: String) -> APIError {
        APIError(.forbidden, "forbidden", message, refusedUser: user.name)
    }

    /// The JSON error response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = JSONText.object([("error", JSONText.object([("code", JSONText.string(code)), ("message", JSONText.string(message))]))])
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A refused case action: 409 `notYourCase` for the holder rule, 403 when the role does not permit it,
    /// 400 for invalid input.
    init(_ error: CaseActionError) {
        switch error.code {
        case .notYourCase: self = APIError(.conflict, "notYourCase", error.message)
        case .forbidden: self = APIError(.forbidden, "forbidden", error.message)
        default: self = .badRequest(error.message)
        }
    }

    /// 400: the request cannot be understood.
    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "badRequest", message) }
}

/// Turns every error a route throws into the API's JSON error format, so clients always get
/// `{"error": {"code", "message"}}` and the right status.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as CaseActionError {
            throw APIError(error)
        } catch let error as StoreError {
            switch error.code {
            case .notFound: throw APIError(.notFound, "notFound", error.message)
            case .invalidState: throw APIError(.conflict, "conflict", error.message)
            case .invalidInput: throw APIError.badRequest(error.message)
            default: throw APIError(.internalServerError, "storeError", error.message)
            }
        } catch let error as HTTPError {
            throw APIError(error.status, "http\(error.status.code)", error.body ?? error.status.reasonPhrase)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "contentTooLarge", "the body is larger than \(VigilAPI.maxBodyBytes >> 20) MiB")
        } catch let error as DecodingError {
            throw APIError.badRequest("the JSON body does not fit: \(Self.describe(error))")
        } catch {
            context.logger.error("unexpected error: \(error)")
            throw APIError(.internalServerError, "internal", "an unexpected error occurred; it has been logged")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "member '\(key.stringValue)' is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath.map(\.stringValue).joined(separator: ".") + " " + context.debugDescription)
                .trimmingCharacters(in: .whitespaces)
        @unknown default: "\(error)"
        }
    }
}

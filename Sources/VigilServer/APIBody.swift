import Foundation
import Hummingbird
import NIOCore
import VigilCore
import VigilImport
import VigilStore

/// Reading and writing API bodies.
enum APIBody {
    /// A JSON response encoded like every Vigil output.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(bytes: try VigilJSON.encoder.encode(value), status: status)
    }

    /// A response of JSON text already written.
    static func json(bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A finished import report, streamed from its spool.
    static func json(report: SpooledImportReport.SpooledJSON, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                try await report.write { try await writer.write(ByteBuffer(bytes: $0)) }
                try await writer.finish(nil)
            })
    }

    /// Decodes a JSON body strictly: the content type must be JSON, the body an object of only the
    /// `allowed` members, and the members of the right types.
    static func decode<Body: Decodable>(_ type: Body.Type, from request: Request, allowed: Set<String>) async throws -> Body {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw APIError(.unsupportedMediaType, "unsupportedMediaType", "send the body as Content-Type: application/json")
        }
        let data = Data(try await request.body.collect(upTo: VigilAPI.maxBodyBytes).readableBytesView)
        do {
            return try StrictJSONBody.decode(Body.self, from: data, allowed: allowed)
        } catch let refusal as StrictJSONBody.Refusal {
            throw APIError.badRequest(refusal.description)
        }
    }

    /// A case id from the path.
    static func caseID(_ context: APIContext) throws -> CaseID {
        let text = context.parameters.get("id") ?? ""
        guard let id = CaseID(text: text) else { throw APIError.badRequest("'\(text)' is not a case id (e.g. C-000042)") }
        return id
    }

    /// A whole number from `minimum` to `maximum` in a query parameter, `fallback` when absent.
    static func count(_ request: Request, _ name: String, default fallback: Int, minimum: Int = 0, maximum: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return fallback }
        guard let value = Int(text), (minimum...maximum).contains(value) else {
            throw APIError.badRequest("\(name) must be a whole number from \(minimum) to \(maximum)")
        }
        return value
    }

    /// An RFC 3339 timestamp from a query parameter or body member.
    static func timestamp(_ text: String, name: String) throws -> Date {
        guard case .success(let date) = Timestamp.parse(text) else {
            throw APIError.badRequest("\(name) '\(text)' is not an RFC 3339 timestamp with an offset")
        }
        return date
    }
}

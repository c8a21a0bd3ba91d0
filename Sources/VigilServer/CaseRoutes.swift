import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// Backlog, claims and actions on cases, every case read and change audited (changes by the store, in
/// the change's own transaction).
struct CaseRoutes {
    let store: any Store
    let metrics: ServerMetrics

    func register(on api: RouterGroup<APIContext>) {
        api.get("backlog") { request, context in
            _ = try context.require(.readCases)
            let asOf = try request.uri.queryParameters.get("asOf").map { try APIBody.timestamp($0, name: "asOf") } ?? Date()
            let limit = try APIBody.count(request, "limit", default: VigilAPI.backlogPageLimit, maximum: VigilAPI.backlogPageLimit)
            let offset = try APIBody.count(request, "offset", default: 0, maximum: Int(Int32.max))
            let fetched = try await store.backlog(asOf: asOf, offset: offset, limit: limit + 1)
            try await context.audit(store, .backlogList, detail: "API, as of \(Timestamp.format(asOf)), offset \(offset), limit \(limit)")
            let next = fetched.count > limit && limit > 0
                ? "/api/v1/backlog?asOf=\(Timestamp.format(asOf))&offset=\(offset + limit)&limit=\(limit)" : nil
            return try APIBody.json(BacklogListing(asOf: asOf, cases: Array(fetched.prefix(limit)), next: next))
        }
        api.post("cases/next") { _, context in
            let user = try context.require(.claimCases)
            let entry = try await store.claimNext(by: AuditActor(name: user.name, remote: context.remote), now: Date())
            if entry != nil { metrics.claimed() }
            return try APIBody.json(ClaimResult(claimed: entry))
        }
        api.get("cases/:id") { _, context in
            _ = try context.require(.readCases)
            let id = try APIBody.caseID(context)
            let detail = try await store.caseDetail(id, asOf: Date())
            try await context.audit(store, .caseShow, caseId: id)
            return try APIBody.json(detail)
        }
        api.get("cases/:id/checks") { _, context in
            _ = try context.require(.readCases)
            let id = try APIBody.caseID(context)
            let checks = try await store.checks(of: id)
            try await context.audit(store, .caseChecks, caseId: id)
            return try APIBody.json(checks)
        }
        api.post("cases/:id/release") { _, context in
            let id = try await requireHeld(context)
            try await store.release(id, by: context.actor, now: Date())
            return try APIBody.json(try await store.caseDetail(id, asOf: Date()).summary)
        }
        api.post("cases/:id/close") { request, context in
            let id = try await requireHeld(context)
            struct Body: Decodable { var outcome: String }
            let body = try await APIBody.decode(Body.self, from: request, allowed: ["outcome"])
            guard !body.outcome.trimmingCharacters(in: .whitespaces).isEmpty else { throw APIError.badRequest("outcome must not be empty") }
            try await store.close(id, outcome: body.outcome, by: context.actor, at: Date())
            return try APIBody.json(try await store.caseDetail(id, asOf: Date()).summary)
        }
        api.post("cases/:id/notifications") { request, context in
            try await notify(request, context)
        }
        api.post("cases/:id/decisions") { request, context in
            let id = try await requireHeld(context)
            struct Body: Decodable {
                var decision: String
                var rationale: String
            }
            let body = try await APIBody.decode(Body.self, from: request, allowed: ["decision", "rationale"])
            guard !body.decision.isEmpty, !body.rationale.isEmpty else { throw APIError.badRequest("decision and rationale must not be empty") }
            try await store.recordDecision(id, decision: body.decision, rationale: body.rationale, by: context.actor, at: Date())
            return try APIBody.json(try await store.caseDetail(id, asOf: Date()).summary)
        }
    }

    /// `{flag, method, reference}` records a notification (the case's holder or a supervisor);
    /// `{flag, defer: true, reason, reviewBy}` a deferral (supervisors only).
    private func notify(_ request: Request, _ context: APIContext) async throws -> Response {
        struct Body: Decodable {
            var flag: String
            var method: String?
            var reference: String?
            var `defer`: Bool?
            var reason: String?
            var reviewBy: String?
        }
        let body = try await APIBody.decode(Body.self, from: request,
                                            allowed: ["flag", "method", "reference", "defer", "reason", "reviewBy"])
        guard let flag = FlagKind(name: body.flag) else { throw APIError.badRequest("flag must be socialCare or lado") }
        let id: CaseID
        if body.defer == true {
            _ = try context.require(.deferFlags)
            id = try APIBody.caseID(context)
            guard let reason = body.reason, !reason.isEmpty, let reviewText = body.reviewBy else {
                throw APIError.badRequest("a deferral needs reason and reviewBy")
            }
            let review = try APIBody.timestamp(reviewText, name: "reviewBy")
            try await store.recordDeferral(id, flag: flag, by: context.actor, reason: reason, reviewBy: review, at: Date())
        } else {
            id = try await requireHeld(context)
            guard let method = body.method, !method.isEmpty, let reference = body.reference, !reference.isEmpty else {
                throw APIError.badRequest("a notification needs method and reference (or defer: true with reason and reviewBy)")
            }
            try await store.recordNotification(id, flag: flag, by: context.actor, method: method, reference: reference, at: Date())
        }
        return try APIBody.json(try await store.caseDetail(id, asOf: Date()).summary)
    }

    /// The case in the path, if the user may act on it: they hold it, or they are a supervisor (409 if
    /// someone else holds it, 403 without the right to act on cases at all).
    private func requireHeld(_ context: APIContext) async throws -> CaseID {
        let user = try context.require(.actOnHeldCases)
        let id = try APIBody.caseID(context)
        let holder = try await store.caseDetail(id, asOf: Date()).summary.claimedBy
        guard holder == user.name || user.role.allows(.actOnAnyCase) else {
            throw APIError(.conflict, "notYourCase", holder.map { "case \(id) is held by \($0)" } ?? "claim case \(id) before acting on it")
        }
        return id
    }
}

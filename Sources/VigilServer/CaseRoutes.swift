import Foundation
import Hummingbird
import VigilActions
import VigilCore
import VigilStore

/// Backlog, claims and actions on cases, every case read and change audited (changes by the store, in
/// the change's own transaction).
struct CaseRoutes {
    let store: any Store
    let metrics: ServerMetrics
    /// The server's clock: every instant a request is stamped or judged with.
    let now: @Sendable () -> Date

    private var actions: CaseActions { CaseActions(store: store, now: now) }

    func register(on api: RouterGroup<APIContext>) {
        api.get("backlog") { request, context in
            _ = try context.require(.readCases)
            let asOf = try request.uri.queryParameters.get("asOf").map { try APIBody.timestamp($0, name: "asOf") } ?? now()
            let limit = try APIBody.count(request, "limit", default: VigilAPI.backlogPageLimit, maximum: VigilAPI.backlogPageLimit)
            let offset = try APIBody.count(request, "offset", default: 0, maximum: Int(Int32.max))
            let fetched = try await store.backlog(asOf: asOf, offset: offset, limit: limit + 1)
            try await context.audit(store, at: now(), .backlogList, detail: "API, as of \(Timestamp.format(asOf)), offset \(offset), limit \(limit)")
            let next =
                fetched.count > limit && limit > 0
                ? "/api/v1/backlog?asOf=\(Timestamp.format(asOf))&offset=\(offset + limit)&limit=\(limit)" : nil
            return try APIBody.json(BacklogListing(asOf: asOf, cases: Array(fetched.prefix(limit)), next: next))
        }
        api.post("cases/next") { _, context in
            let user = try context.require(.claimCases)
            let entry = try await actions.claimNext(by: context.caseActor(user))
            if entry != nil { metrics.claimed() }
            return try APIBody.json(ClaimResult(claimed: entry))
        }
        api.get("cases/:id") { _, context in
            _ = try context.require(.readCases)
            let id = try APIBody.caseID(context)
            let detail = try await store.caseDetail(id, asOf: now())
            try await context.audit(store, at: now(), .caseShow, caseId: id)
            return try APIBody.json(detail)
        }
        api.get("cases/:id/checks") { _, context in
            _ = try context.require(.readCases)
            let id = try APIBody.caseID(context)
            let checks = try await store.checks(of: id)
            try await context.audit(store, at: now(), .caseChecks, caseId: id)
            return try APIBody.json(checks)
        }
        api.post("cases/:id/release") { _, context in
            let (id, actor) = try actingUser(context)
            try await actions.release(id, by: actor)
            return try APIBody.json(try await store.caseDetail(id, asOf: now()).summary)
        }
        api.post("cases/:id/close") { request, context in
            let (id, actor) = try actingUser(context)
            struct Body: Decodable {
                var outcome: String
                var detail: String?
                var receivingAgency: String?
                var linkedCase: String?
                var childrenSafeguarded: Int?
                var overrideReason: String?
            }
            let body = try await APIBody.decode(
                Body.self, from: request,
                allowed: ["outcome", "detail", "receivingAgency", "linkedCase", "childrenSafeguarded", "overrideReason"])
            let outcome: CaseOutcome
            do throws(CaseOutcomeError) {
                outcome = try CaseOutcome.parse(
                    code: body.outcome, detail: body.detail, receivingAgency: body.receivingAgency, linkedCase: body.linkedCase,
                    childrenSafeguarded: body.childrenSafeguarded)
            } catch {
                throw APIError.badRequest(error.message)
            }
            try await actions.close(id, outcome: outcome, overrideReason: body.overrideReason, by: actor)
            return try APIBody.json(try await store.caseDetail(id, asOf: now()).summary)
        }
        api.post("cases/:id/reopen") { request, context in
            let user = try context.require(.overrideCaseRules)
            let id = try APIBody.caseID(context)
            struct Body: Decodable { var reason: String }
            let body = try await APIBody.decode(Body.self, from: request, allowed: ["reason"])
            try await actions.reopen(id, reason: body.reason, by: context.caseActor(user))
            return try APIBody.json(try await store.caseDetail(id, asOf: now()).summary)
        }
        api.post("cases/:id/notifications") { request, context in
            try await notify(request, context)
        }
        api.post("cases/:id/strategy") { request, context in
            let (id, actor) = try actingUser(context)
            struct Body: Decodable {
                var heldAt: String
                var with: [String]
                var outcome: String
                var note: String?
            }
            let body = try await APIBody.decode(Body.self, from: request, allowed: ["heldAt", "with", "outcome", "note"])
            try await actions.recordStrategy(
                id, heldAt: try APIBody.timestamp(body.heldAt, name: "heldAt"), with: body.with.joined(separator: ","), outcome: body.outcome,
                note: body.note ?? "", by: actor)
            return try APIBody.json(try await store.caseDetail(id, asOf: now()))
        }
        api.post("cases/:id/facts") { request, context in
            let (id, actor) = try actingUser(context)
            let body = try await APIBody.decode(FindingRequest.self, from: request, allowed: FindingRequest.members)
            try await actions.recordFinding(
                id, facts: (body.set ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value ? "yes" : "no")" },
                children: (body.children ?? []).map { "\($0.age.map(String.init) ?? "?"):\($0.relation)" }, note: body.note,
                subject: body.subject, address: body.address, by: actor)
            return try APIBody.json(try await store.caseDetail(id, asOf: now()))
        }
        api.get("flags") { request, context in
            _ = try context.require(.readCases)
            let asOf = try request.uri.queryParameters.get("asOf").map { try APIBody.timestamp($0, name: "asOf") } ?? now()
            let listing = CallListing(asOf: asOf, calls: try await store.openCalls(asOf: asOf))
            try await context.audit(store, at: now(), .flagsList, detail: "as of \(Timestamp.format(asOf))")
            return try APIBody.json(listing)
        }
        api.post("cases/:id/decisions") { request, context in
            let (id, actor) = try actingUser(context)
            struct Body: Decodable {
                var decision: String
                var rationale: String
            }
            let body = try await APIBody.decode(Body.self, from: request, allowed: ["decision", "rationale"])
            try await actions.decide(id, decision: body.decision, rationale: body.rationale, by: actor)
            return try APIBody.json(try await store.caseDetail(id, asOf: now()).summary)
        }
    }

    /// `{flag, method, reference}` records a notification (the case's holder or a supervisor);
    /// `{flag, defer: true, reason, reviewBy}` a deferral and `{flag, withdraw: true, reason}` a withdrawal
    /// (supervisors only). `about` names the household or subject when the case has several calls of the
    /// kind.
    private func notify(_ request: Request, _ context: APIContext) async throws -> Response {
        struct Body: Decodable {
            var flag: String
            var about: String?
            var method: String?
            var reference: String?
            var `defer`: Bool?
            var withdraw: Bool?
            var reason: String?
            var reviewBy: String?
        }
        let body = try await APIBody.decode(
            Body.self, from: request,
            allowed: ["flag", "about", "method", "reference", "defer", "withdraw", "reason", "reviewBy"])
        guard let flag = FlagKind(name: body.flag).map({ FlagKey($0, named: body.about) }) else {
            throw APIError.badRequest("flag must be socialCare or lado")
        }
        let id: CaseID
        if body.withdraw == true {
            let user = try context.require(.deferFlags)
            id = try APIBody.caseID(context)
            guard let reason = body.reason else { throw APIError.badRequest("a withdrawal needs a reason") }
            try await actions.withdraw(id, flag: flag, reason: reason, by: context.caseActor(user))
        } else if body.defer == true {
            let user = try context.require(.deferFlags)
            id = try APIBody.caseID(context)
            guard let reason = body.reason, let reviewText = body.reviewBy else {
                throw APIError.badRequest("a deferral needs reason and reviewBy")
            }
            let review = try APIBody.timestamp(reviewText, name: "reviewBy")
            try await actions.deferNotification(id, flag: flag, reason: reason, reviewBy: review, by: context.caseActor(user))
        } else {
            let actor: CaseActor
            (id, actor) = try actingUser(context)
            guard let method = body.method, let reference = body.reference else {
                throw APIError.badRequest("a notification needs method and reference (or defer: true with reason and reviewBy)")
            }
            try await actions.notify(id, flag: flag, method: method, reference: reference, by: actor)
        }
        return try APIBody.json(try await store.caseDetail(id, asOf: now()).summary)
    }

    /// The case in the path and the user acting on it, if their role may act on cases at all (403
    /// otherwise); whether they hold it is `CaseActions`' holder rule (409 `notYourCase`).
    private func actingUser(_ context: APIContext) throws -> (CaseID, CaseActor) {
        let user = try context.require(.actOnHeldCases)
        return (try APIBody.caseID(context), context.caseActor(user))
    }
}

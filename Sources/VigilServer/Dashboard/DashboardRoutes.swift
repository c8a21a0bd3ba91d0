import Foundation
import Hummingbird
import VigilActions
import VigilCore
import VigilStore

/// The supervisor's web dashboard: sign-in, `/`, filtered lists, case pages, their forms and the CSV export.
struct DashboardRoutes {
    let store: any Store
    let sources: [IntelSourceSpec]
    let templates: WebTemplates
    let configuration: DashboardConfiguration
    /// The server's clock: every instant a request is stamped or judged with.
    let now: @Sendable () -> Date

    private var sessions: WebSessions { configuration.sessions }

    /// Lines in each of the dashboard's lists.
    static let listLimit = 25
    /// Cases per page of a filtered list.
    static let pageSize = 100
    /// The highest page number a list accepts (10 million cases); a larger one is refused with 400 before any
    /// arithmetic on it.
    static let maxPage = 100_000

    func register(on router: Router<APIContext>) {
        let web = router.group().add(middleware: WebErrorMiddleware(templates: templates)).add(
            middleware: RefusalAuditMiddleware(store: store, now: now))
        web.get("sign-in") { request, _ in try signInPage(next: request.uri.queryParameters.get("next") ?? "/", error: nil) }
        web.post("sign-in") { request, context in try await signIn(request, context: context) }
        let signedIn = web.group().add(middleware: SessionAuthenticator(store: store, sessions: sessions, now: now))
        signedIn.post("sign-out") { request, context in
            _ = try await WebForm.checkedFields(request, context: context)
            if let id = request.cookies[WebCookies.session]?.value { await sessions.end(id: id) }
            var response = WebResponses.redirect(to: "/sign-in")
            response.setCookie(cookie(WebCookies.session, "", maxAge: 0))
            return response
        }
        signedIn.get("/") { _, context in try await dashboard(context) }
        signedIn.get("my-cases") { request, context in
            let user = try context.require(.claimCases)
            return try await list(request, context, filter: CaseFilter(holder: user.name), heading: "Cases you hold", action: .casesMine)
        }
        signedIn.get("cases") { request, context in
            try Self.requireSupervisorPages(context)
            let query = request.uri.queryParameters
            let grade = try query.get("grade").map { name in
                guard let grade = Grade(name: name) else { throw APIError.badRequest("grade '\(name)' is not veryHigh, high, medium or low") }
                return grade
            }
            let band = try query.get("band").map { name in
                guard let band = WaitingBand(name: name) else {
                    throw APIError.badRequest("band '\(name)' is not one of \(WaitingBand.allCases.map(\.name).joined(separator: ", "))")
                }
                return band
            }
            let filter = CaseFilter(effectiveGrade: grade, band: band, overdueOnly: query.get("overdue") == "1", holder: query.get("holder"))
            return try await list(request, context, filter: filter, heading: Self.heading(filter), action: .casesList)
        }
        signedIn.get("cases/:id") { _, context in try await casePage(context) }
        signedIn.post("cases/:id/reassign") { request, context in try await reassign(request, context) }
        signedIn.post("cases/:id/defer") { request, context in try await deferFlag(request, context) }
        signedIn.post("cases/:id/strategy") { request, context in try await recordStrategy(request, context) }
        signedIn.post("cases/:id/facts") { request, context in try await recordFinding(request, context) }
        signedIn.get("reports/aged-backlog.csv") { _, context in
            _ = try context.require(.viewDashboard)
            let aged = try await store.agedBacklog(asOf: now())
            try await context.audit(store, at: now(), .reportExport, detail: "aged-backlog.csv")
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: #"attachment; filename="aged-backlog.csv""#,
                ],
                body: .init(byteBuffer: ByteBuffer(string: AgedBacklogCSV.text(aged))))
        }
    }

    private func signInPage(next: String, error: String?, status: HTTPResponse.Status = .ok) throws -> Response {
        let csrf = AccessToken.generate()
        var response = WebResponses.html(
            try templates.render(
                SignInView(chrome: PageChrome(title: "Sign in", session: nil), csrf: csrf, next: Self.localPath(next), error: error), "sign-in"),
            status: status)
        response.setCookie(cookie(WebCookies.signIn, csrf, maxAge: 3600))
        return response
    }

    private func signIn(_ request: Request, context: APIContext) async throws -> Response {
        let attempts = configuration.signInAttempts
        if let retryAt = await attempts.retryAt(for: context.clientAddress, now: now()) {
            try await context.audit(
                store, at: now(), .sessionRefused, detail: "dashboard sign-in refused: too many failed attempts from this address")
            var response = try signInPage(
                next: "/", error: "Too many failed sign-ins from this address. Try again after \(Timestamp.format(retryAt)).",
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(max(1, Int(retryAt.timeIntervalSince(now()).rounded(.up))))
            return response
        }
        let fields = try await WebForm.fields(request)
        let next = fields["next"] ?? "/"
        guard let expected = request.cookies[WebCookies.signIn]?.value, let sent = fields["csrf"], AccessToken.secretsEqual(sent, expected) else {
            return try signInPage(next: next, error: "The form had expired. Please sign in again.", status: .forbidden)
        }
        let token = (fields["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let hash = AccessToken.hash(token)
        guard !token.isEmpty, let user = try await store.user(tokenHash: hash) else {
            await attempts.recordFailure(from: context.clientAddress, now: now())
            try await context.audit(store, at: now(), .sessionRefused, detail: "dashboard sign-in with an unknown or revoked token")
            return try signInPage(next: next, error: "That token is unknown or has been revoked.", status: .unauthorized)
        }
        await attempts.recordSuccess(from: context.clientAddress)
        let (id, _) = await sessions.start(for: user, tokenHash: hash, now: now())
        var signedIn = context
        signedIn.user = user
        try await signedIn.audit(store, at: now(), .sessionStart, detail: "dashboard sign-in")
        var response = WebResponses.redirect(to: Self.localPath(next))
        response.setCookie(cookie(WebCookies.session, id, maxAge: Int(sessions.lifetime.absolute)))
        response.setCookie(cookie(WebCookies.signIn, "", maxAge: 0))
        return response
    }

    private func dashboard(_ context: APIContext) async throws -> Response {
        guard let user = context.user else { return WebResponses.redirect(to: "/sign-in") }
        guard user.role.allows(.viewDashboard) else {
            if user.role.allows(.claimCases) { return WebResponses.redirect(to: "/my-cases") }
            throw APIError.forbidden(user, "the dashboard is for supervisors; the \(user.role.rawValue) role uses the API")
        }
        let moment = now()
        async let overview = store.supervisorOverview(asOf: moment, limit: Self.listLimit)
        async let snapshots = store.dailySnapshots(since: DayText.format(moment.addingTimeInterval(-Double(configuration.trendDays - 1) * 86_400)))
        try await context.audit(store, at: moment, .dashboardView, detail: "/")
        let view = DashboardPageView(
            chrome: PageChrome(title: "Aged backlog", session: context.session), overview: try await overview,
            snapshots: try await snapshots, sourceNames: sources.map(\.name), deliversAlerts: configuration.deliversAlerts, asOf: moment)
        return WebResponses.html(try templates.render(view, "dashboard"))
    }

    private func list(_ request: Request, _ context: APIContext, filter: CaseFilter, heading: String, action: AuditAction) async throws -> Response {
        let page = try APIBody.count(request, "page", default: 1, minimum: 1, maximum: Self.maxPage)
        let moment = now()
        let result = try await store.caseLines(filter, asOf: moment, offset: (page - 1) * Self.pageSize, limit: Self.pageSize)
        try await context.audit(store, at: moment, action, detail: "\(heading), page \(page)")
        let pages = max(1, (result.total + Self.pageSize - 1) / Self.pageSize)
        func link(_ number: Int) -> String {
            let others = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("page=") }.joined(separator: "&")
            return request.uri.path + "?" + (others.isEmpty ? "" : others + "&") + "page=\(number)"
        }
        let view = CaseListView(
            chrome: PageChrome(title: heading, session: context.session), heading: heading, asOf: HumanTime.moment(moment),
            total: result.total, pageText: pages > 1 ? "page \(page) of \(pages)" : nil,
            list: CaseTableView(rows: result.lines.map { CaseRowView($0, asOf: moment) }),
            previous: page > 1 ? link(page - 1) : nil, next: page < pages ? link(page + 1) : nil)
        return WebResponses.html(try templates.render(view, "cases"))
    }

    private func casePage(_ context: APIContext) async throws -> Response {
        let user = try context.require(.readCases)
        let id = try APIBody.caseID(context)
        let moment = now()
        let detail = try await store.caseDetail(id, asOf: moment)
        guard user.role.allows(.viewDashboard) || detail.summary.claimedBy == user.name else {
            throw APIError.forbidden(user, "case pages are for supervisors, and for the investigator holding the case")
        }
        try await context.audit(store, at: moment, .caseShow, caseId: id, detail: "dashboard")
        let supervisor = user.role.allows(.actOnAnyCase)
        let investigators =
            supervisor
            ? try await store.users().filter { $0.role == .investigator && $0.revokedAt == nil }.map(\.name) : []
        let view = CasePageView(
            chrome: PageChrome(title: "Case \(id)", session: context.session), detail: detail,
            audit: try await store.audit(caseId: id), sources: sources, investigators: investigators,
            supervisor: supervisor, asOf: moment)
        return WebResponses.html(try templates.render(view, "case"))
    }

    private func reassign(_ request: Request, _ context: APIContext) async throws -> Response {
        let user = try context.require(.actOnAnyCase)
        let id = try APIBody.caseID(context)
        let fields = try await WebForm.checkedFields(request, context: context)
        let officer = fields["officer"] ?? ""
        guard try await store.users().contains(where: { $0.name == officer && $0.role == .investigator && $0.revokedAt == nil }) else {
            throw APIError.badRequest("'\(officer)' is not an active investigator")
        }
        try await CaseActions(store: store, now: now).reassign(id, to: officer, by: context.caseActor(user))
        return WebResponses.redirect(to: "/cases/\(id)")
    }

    private func deferFlag(_ request: Request, _ context: APIContext) async throws -> Response {
        let user = try context.require(.deferFlags)
        let id = try APIBody.caseID(context)
        let fields = try await WebForm.checkedFields(request, context: context)
        guard let flag = fields["flag"].flatMap(FlagKind.init(rawValue:)).map({ FlagKey($0, named: fields["about"]) }) else {
            throw APIError.badRequest("choose the call to defer")
        }
        let reason = fields["reason"] ?? ""
        let text = fields["reviewBy"] ?? ""
        guard case .success(let review) = Timestamp.parse(text + (text.count == 16 ? ":00Z" : "Z")) else {
            throw APIError.badRequest("review by '\(text)' is not a date and time (UTC)")
        }
        try await CaseActions(store: store, now: now).deferNotification(
            id, flag: flag, reason: reason, reviewBy: review,
            by: context.caseActor(user))
        return WebResponses.redirect(to: "/cases/\(id)")
    }

    /// The case page's strategy-discussion form: when (UTC), with whom, the outcome and a note.
    private func recordStrategy(_ request: Request, _ context: APIContext) async throws -> Response {
        let user = try context.require(.actOnHeldCases)
        let id = try APIBody.caseID(context)
        let fields = try await WebForm.checkedFields(request, context: context)
        let text = fields["heldAt"] ?? ""
        guard case .success(let held) = Timestamp.parse(text + (text.count == 16 ? ":00Z" : "Z")) else {
            throw APIError.badRequest("held at '\(text)' is not a date and time (UTC)")
        }
        try await CaseActions(store: store, now: now).recordStrategy(
            id, heldAt: held, with: fields["with"] ?? "", outcome: fields["outcome"] ?? "", note: fields["note"] ?? "",
            by: context.caseActor(user))
        return WebResponses.redirect(to: "/cases/\(id)")
    }

    /// The case page's finding form: one fact set to yes or no and/or one child, with how it was learnt.
    private func recordFinding(_ request: Request, _ context: APIContext) async throws -> Response {
        let user = try context.require(.actOnHeldCases)
        let id = try APIBody.caseID(context)
        let fields = try await WebForm.checkedFields(request, context: context)
        let facts = (fields["fact"] ?? "").isEmpty ? [] : ["\(fields["fact"] ?? "")=\(fields["value"] ?? "")"]
        let age = fields["childAge"] ?? ""
        let children = age.isEmpty ? [] : ["\(age):\(fields["childRelation"] ?? "")"]
        try await CaseActions(store: store, now: now).recordFinding(
            id, facts: facts, children: children, note: fields["note"] ?? "", by: context.caseActor(user))
        return WebResponses.redirect(to: "/cases/\(id)")
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// Refuses the supervisor's case lists to every other role (investigators have `/my-cases`).
    static func requireSupervisorPages(_ context: APIContext) throws {
        let user = try context.require(.readCases)
        guard user.role.allows(.viewDashboard) else {
            throw APIError.forbidden(user, "case lists are for supervisors; investigators see the cases they hold at /my-cases")
        }
    }

    /// `target` if it is one of the dashboard's own pages (a route, with a query of plain characters only),
    /// else `/`: a sign-in link can never send the browser to another site, whatever it encodes.
    static func localPath(_ target: String) -> String {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0]
        let query = parts.count > 1 ? parts[1] : ""
        let plainQuery = query.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || Array("=&._-%".utf8).contains(byte)
        }
        let pages: Set<Substring> = ["/", "/my-cases", "/cases", "/reports/aged-backlog.csv"]
        let casePage = path.hasPrefix("/cases/") && CaseID(text: String(path.dropFirst("/cases/".count))) != nil
        return plainQuery && (pages.contains(path) || casePage) ? target : "/"
    }

    /// The heading of a filtered list.
    static func heading(_ filter: CaseFilter) -> String {
        var parts: [String] = []
        if filter.overdueOnly { parts.append("overdue") }
        if let grade = filter.effectiveGrade { parts.append(grade.label) }
        var text = (parts.isEmpty ? "Open" : parts.joined(separator: " ")) + " cases"
        if let band = filter.band { text += " waiting \(band.label)" }
        if let holder = filter.holder { text += " held by \(holder)" }
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}

/// Settings of the dashboard.
public struct DashboardConfiguration: Sendable {
    /// Mark cookies `Secure` (set when `vigil serve` sits behind HTTPS).
    public var secureCookies: Bool
    /// The signed-in sessions (and how long they live).
    public var sessions: WebSessions
    /// Days the trend charts show.
    public var trendDays: Int
    /// True when this process delivers alerts to webhooks (`--alert-url`).
    public var deliversAlerts: Bool
    /// Failed sign-ins per client address, and when an address is refused.
    public var signInAttempts: SignInAttempts

    /// Creates a configuration.
    public init(
        secureCookies: Bool = false, sessions: WebSessions = WebSessions(), trendDays: Int = 90, deliversAlerts: Bool = false,
        signInAttempts: SignInAttempts = SignInAttempts()
    ) {
        self.secureCookies = secureCookies
        self.sessions = sessions
        self.signInAttempts = signInAttempts
        self.trendDays = trendDays
        self.deliversAlerts = deliversAlerts
    }
}

import Foundation
import NIOCore
import HummingbirdTesting
import HTTPTypes
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTesting

@Suite("the supervisor's dashboard, its router over the memory store", .serialized)
struct DashboardTests {
    @Test("without a session every page redirects to sign-in; the form sets a CSRF cookie and checks it")
    func signIn() async throws {
        try await WebHarness.run { web in
            let browser = Browser(client: web.client)
            for path in ["/", "/cases/C-000001", "/cases?grade=high", "/my-cases", "/reports/aged-backlog.csv"] {
                let page = try await browser.get(path)
                #expect(page.status == .seeOther && page.location?.hasPrefix("/sign-in?next=") == true, "\(path)")
            }
            let form = try await browser.get("/sign-in?next=/cases")
            let csrf = try #require(form.csrf)
            #expect(await browser.cookies["vigil_sign_in"] == csrf)
            #expect(form.text.contains(#"name="next" value="/cases""#))
            // One hex digit changed (a token already starting with "0" gets a "1").
            let tampered = (csrf.hasPrefix("0") ? "1" : "0") + csrf.dropFirst()
            let forged = try await browser.post("/sign-in", ["csrf": tampered, "next": "/", "token": web.tokens["sam-supervisor"]!])
            #expect(forged.status == .forbidden && forged.text.contains("expired"))
            let retry = try #require(forged.csrf)
            let wrong = try await browser.post("/sign-in", ["csrf": retry, "next": "/", "token": "not-a-token"])
            #expect(wrong.status == .unauthorized && wrong.text.contains("unknown or has been revoked"))
            let good = try await browser.post(
                "/sign-in", ["csrf": try #require(wrong.csrf), "next": "/cases", "token": web.tokens["sam-supervisor"]!])
            #expect(good.status == .seeOther && good.location == "/cases")
            let cookie = try #require(good.headers[values: .setCookie].first { $0.hasPrefix("vigil_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(try await browser.get("/").status == .ok)
            let offsite = Browser(client: web.client)
            let offsiteForm = try await offsite.get("/sign-in")
            let redirect = try await offsite.post(
                "/sign-in", ["csrf": offsiteForm.csrf!, "next": "//evil.example/", "token": web.tokens["sam-supervisor"]!])
            #expect(redirect.location == "/", "no open redirect")
        }
    }

    @Test("the dashboard: every section, the matrix equal to the store's, links that lead to the same cases, CSRF on every form")
    func dashboard() async throws {
        try await WebHarness.run { web in
            let browser = try await web.signedIn("sam-supervisor")
            let page = try await browser.get("/")
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            for heading in [
                "matrix-heading", "flags-heading", "urgent-heading", "oldest-heading", "holders-heading", "research-heading",
                "trend-heading", "flow-heading",
            ] {
                #expect(page.text.contains(#"id="\#(heading)""#), "\(heading)")
            }
            let aged = try await web.store.agedBacklog(asOf: Date())
            let links = page.matches(#"<a href="(/cases\?grade=[a-zA-Z]+&amp;band=[^"]+)" aria-label="[^"]*">\d+</a>"#)
            let counts = page.matches(#"<a href="/cases\?grade=[a-zA-Z]+&amp;band=[^"]+" aria-label="[^"]*">(\d+)</a>"#).compactMap(Int.init)
            let nonEmpty = aged.cells.filter { $0.cases > 0 }
            #expect(counts == nonEmpty.map(\.cases), "the matrix shows the store's counts, row by row")
            #expect(links == nonEmpty.map { "/cases?grade=\($0.effectiveGrade.name)&amp;band=\($0.band.name)" })
            let overdueNotes = page.matches(#"<span class="overdue-note">(\d+) overdue</span>"#).compactMap(Int.init)
            #expect(overdueNotes == aged.cells.filter { $0.overdue > 0 }.map(\.overdue))
            #expect(
                page.text.components(separatedBy: #"class="num past""#).count - 1 == aged.cells.filter { $0.overdue > 0 }.count,
                "exactly the cells holding overdue cases are highlighted")
            let cell = try #require(nonEmpty.max { $0.cases < $1.cases })
            let list = try await browser.get("/cases?grade=\(cell.effectiveGrade.name)&band=\(cell.band.name)")
            #expect(list.status == .ok && list.text.contains("\(cell.cases) open case(s)"))
            let listed = list.matches(#"<th scope="row"><a href="/cases/(C-\d+)">"#)
            let expected = try await web.store.caseLines(
                CaseFilter(effectiveGrade: cell.effectiveGrade, band: cell.band), asOf: Date(),
                offset: 0, limit: 100)
            #expect(listed == expected.lines.map(\.caseId.description))
            let overview = try await web.store.supervisorOverview(asOf: Date(), limit: 25)
            #expect(page.text.contains("<strong>\(overview.openFlagCount)</strong>"))
            #expect(page.text.contains(#"<a href="/cases?holder=dc-one">dc-one</a></th><td class="num">3</td>"#))
            for held in overview.held { #expect(page.text.contains(#"<a href="/cases/\#(held.caseId)">\#(held.caseId)</a> <span class="muted">"#)) }
            #expect(page.text.contains("<svg") && page.text.contains(#"role="img""#), "trend charts are inline SVG")
            let tokens = page.csrfTokens
            #expect(!tokens.isEmpty && Set(tokens).count == 1 && tokens[0].count == 64, "every form carries the session's CSRF token")
            #expect(page.matches(#"(<form method="post")"#).count == tokens.count)
        }
    }

    @Test("a source failing now is shown with its error and next retry; a case whose checks failed reads research incomplete")
    func failingResearch() async throws {
        try await WebHarness.run { web in
            let now = Date()
            let leases = try await web.store.leaseChecks(owner: "w", limit: 2, now: now, leaseDuration: 30)
            #expect(leases.count == 2)
            #expect(try await web.store.failCheck(leases[0], error: "HTTP 503 from the source", retryAt: now + 3600, now: now))
            #expect(try await web.store.failCheck(leases[1], error: "gave up", retryAt: nil, now: now))
            let browser = try await web.signedIn("sam-supervisor")
            let page = try await browser.get("/")
            #expect(page.text.contains(#"<span class="late">failing now:</span> HTTP 503 from the source"#))
            #expect(page.text.contains(#"<span class="late">1</span> <span class="muted">next in "#))
            let incomplete = try await browser.get("/cases/\(leases[1].caseId)")
            #expect(incomplete.text.contains("research incomplete — checks of \(leases[1].source) failed"))
            let grade = try await web.store.caseDetail(leases[1].caseId, asOf: now).summary.effectiveGrade
            let lines = try await web.store.caseLines(CaseFilter(effectiveGrade: grade), asOf: now, offset: 0, limit: 100_000).lines
            let pageNumber = try #require(lines.firstIndex { $0.caseId == leases[1].caseId }) / 100 + 1
            let list = try await browser.get("/cases?grade=\(grade.name)&page=\(pageNumber)")
            #expect(
                list.text.contains(#"<a href="/cases/\#(leases[1].caseId)">\#(leases[1].caseId)</a> <span class="tag late" title="checks failed"#),
                "the case lists mark it")
        }
    }

    @Test("the CSV export and the matrix carry the same figures; scripts may fetch it with a bearer token")
    func csv() async throws {
        try await WebHarness.run { web in
            let browser = try await web.signedIn("sam-supervisor")
            let page = try await browser.get("/reports/aged-backlog.csv")
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = page.text.split(separator: "\r\n").map(String.init)
            #expect(lines.first == "as_of,effective_grade,waiting_band,band_label,cases,overdue" && lines.count == 29)
            let aged = try await web.store.agedBacklog(asOf: Date())
            let figures = lines.dropFirst().map { $0.split(separator: ",").suffix(4).map(String.init) }
            #expect(figures.map { [$0[0], $0[2], $0[3]] } == aged.cells.map { [$0.band.name, "\($0.cases)", "\($0.overdue)"] })
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(web.tokens["sam-supervisor"]!)"
            let scripted = try await web.client.execute(uri: "/reports/aged-backlog.csv", method: .get, headers: headers)
            #expect(scripted.status == .ok && String(buffer: scripted.body).split(separator: "\r\n").count == 29, "a script's bearer token works too")
            headers[.authorization] = "Bearer \(web.tokens["dc-one"]!)"
            #expect(try await web.client.execute(uri: "/reports/aged-backlog.csv", method: .get, headers: headers).status == .forbidden)
            headers[.authorization] = "Bearer not-a-token"
            #expect(
                try await web.client.execute(uri: "/reports/aged-backlog.csv", method: .get, headers: headers).status == .seeOther,
                "an unknown token is sent to sign in")
        }
    }

    @Test("the case page explains the grade, shows every part of the case, and audits the read")
    func casePage() async throws {
        try await WebHarness.run { web in
            let browser = try await web.signedIn("sam-supervisor")
            let held = try #require(try await web.store.caseLines(CaseFilter(holder: "dc-one"), asOf: Date(), offset: 0, limit: 1).lines.first)
            let page = try await browser.get("/cases/\(held.caseId)")
            #expect(page.status == .ok)
            let detail = try await web.store.caseDetail(held.caseId, asOf: Date())
            #expect(page.text.contains("\(detail.summary.grade.label) because "))
            for heading in [
                "flags-heading", "facts-heading", "checks-heading", "referrals-heading", "history-heading", "decisions-heading", "audit-heading",
            ] {
                #expect(page.text.contains(#"id="\#(heading)""#), "\(heading)")
            }
            for referral in detail.referrals { #expect(page.text.contains(referral.ref)) }
            #expect(page.matches(#"<td><code>([^<]*)</code></td>"#).count == detail.assessments.count)
            #expect(page.text.contains(#"action="/cases/\#(held.caseId)/reassign""#))
            let audit = try await web.store.audit(caseId: held.caseId)
            #expect(audit.last?.action == "case.show" && audit.last?.actor == "sam-supervisor")
            #expect(try await browser.get("/cases/C-999999").status == .notFound)
            #expect(try await browser.get("/cases/nonsense").status == .badRequest)
            let badFilter = try await browser.get("/cases?grade=urgent")
            #expect(badFilter.status == .badRequest && badFilter.text.contains("is not veryHigh"))
        }
    }

    @Test("calls in call order with grade, youngest child, access, owner and contact; overdue strategy discussions; failed alerts; the strategy form")
    func safeguardingPanels() async throws {
        try await WebHarness.run { web in
            let dayAgo = Date() - 86_400 - 3600
            let late = try #require(
                accepted(
                    try await web.store.importReferrals(
                        [submission("late-strategy", received: dayAgo, facts: [.childAccessHousehold, .sexualCommunicationWithChild])], sources: [],
                        now: dayAgo)[0]))
            let lease = try #require(try await web.store.leaseAlerts(now: Date(), until: Date() + 60, limit: 1).first)
            try await web.store.recordAlertAttempt(lease, outcome: .failed(error: "webhook answered HTTP 503"), at: Date())

            let browser = try await web.signedIn("sam-supervisor")
            let page = try await browser.get("/")
            let calls = try await web.store.openCalls(asOf: Date())
            let shown = page.matches(#"<tr><th scope="row"><a href="/cases/(C-\d+)">C-\d+</a></th><td>(?:Social care|LADO)[^<]*<br>"#)
            #expect(shown == calls.prefix(25).map(\.caseId.description), "the store's call order")
            #expect(calls.first?.caseId == late && calls.first?.overdue == true, "the overdue call first")
            #expect(page.text.contains("supervisors (unclaimed)") && page.text.contains("<td>dc-one</td>"), "owners: the holder or the supervisors")
            #expect(page.text.contains("children&#39;s social care") || page.text.contains("emergency duty team"))
            #expect(
                page.text.contains(#"id="strategy-heading""#) && page.text.contains(#"<a href="/cases/\#(late)">\#(late)</a></th><td class="when">"#))
            #expect(page.text.contains(#"id="alerts-heading""#) && page.text.contains("1 failed") && page.text.contains("webhook answered HTTP 503"))

            let casePage = try await browser.get("/cases/\(late)")
            let csrf = try #require(casePage.csrf)
            #expect(casePage.text.contains(#"action="/cases/\#(late)/strategy""#))
            let recorded = try await browser.post(
                "/cases/\(late)/strategy",
                [
                    "csrf": csrf, "heldAt": String(Timestamp.format(Date() - 600).prefix(16)), "with": "social care, health",
                    "outcome": "joint-investigation",
                    "note": "joint visit",
                ])
            #expect(recorded.status == .seeOther)
            #expect(try await browser.get("/cases/\(late)").text.contains("joint-investigation"))
            #expect(!(try await browser.get("/")).text.contains(#"<a href="/cases/\#(late)">\#(late)</a></th><td class="when">"#))
        }
    }

    @Test(
        "the holder records a finding from the case page: a child at home re-grades the case and raises the social-care call; bad input is refused with its reason"
    )
    func findingForm() async throws {
        try await WebHarness.run { web in
            let now = Date()
            let id = try #require(
                accepted(
                    try await web.store.importReferrals(
                        [submission("visit-finding", received: now - 60, facts: [.sexualCommunicationWithChild])], sources: [], now: now)[0]))
            try await web.store.reassign(id, to: "dc-one", by: AuditActor(name: "sam-supervisor", remote: "test"), at: now)
            let before = try await web.store.caseDetail(id, asOf: now).summary
            #expect(before.grade == .high && before.flags.isEmpty)

            let browser = try await web.signedIn("dc-one")
            let page = try await browser.get("/cases/\(id)")
            let csrf = try #require(page.csrf)
            #expect(page.text.contains(#"action="/cases/\#(id)/facts""#))
            let refused = try await browser.post(
                "/cases/\(id)/facts", ["csrf": csrf, "childAge": "19", "childRelation": "household", "note": "home visit"])
            #expect(refused.status == .badRequest && refused.text.contains("AGE 0–17"))
            let recorded = try await browser.post(
                "/cases/\(id)/facts",
                ["csrf": csrf, "fact": "", "value": "yes", "childAge": "4", "childRelation": "household", "note": "home visit"])
            #expect(recorded.status == .seeOther)
            let after = try await web.store.caseDetail(id, asOf: Date())
            #expect(after.summary.grade == .veryHigh && after.summary.flags.map(\.kind) == [.socialCare])
            #expect(after.children.map(\.provenance) == [.officer("dc-one")])
            #expect(try await browser.get("/cases/\(id)").text.contains("officer:dc-one"))

            let other = try await web.signedIn("dc-two")
            #expect(try await other.get("/cases/\(id)").status == .forbidden, "only the holder and supervisors see the form's page")
        }
    }

    @Test("supervisors reassign and defer from the case page; without the CSRF token nothing changes")
    func supervisorForms() async throws {
        try await WebHarness.run { web in
            let browser = try await web.signedIn("sam-supervisor")
            let held = try #require(try await web.store.caseLines(CaseFilter(holder: "dc-one"), asOf: Date(), offset: 0, limit: 1).lines.first)
            let page = try await browser.get("/cases/\(held.caseId)")
            let csrf = try #require(page.csrf)
            let forged = try await browser.post("/cases/\(held.caseId)/reassign", ["officer": "dc-two"])
            #expect(forged.status == .forbidden)
            #expect(try await web.store.caseDetail(held.caseId, asOf: Date()).summary.claimedBy == "dc-one")
            let unknown = try await browser.post("/cases/\(held.caseId)/reassign", ["csrf": csrf, "officer": "rita-researcher"])
            #expect(unknown.status == .badRequest)
            let moved = try await browser.post("/cases/\(held.caseId)/reassign", ["csrf": csrf, "officer": "dc-two"])
            #expect(moved.status == .seeOther && moved.location == "/cases/\(held.caseId)")
            #expect(try await web.store.caseDetail(held.caseId, asOf: Date()).summary.claimedBy == "dc-two")

            let flagged = try #require(try await web.store.supervisorOverview(asOf: Date(), limit: 1).openFlags.first)
            let flagPage = try await browser.get("/cases/\(flagged.caseId)")
            #expect(flagPage.text.contains(#"action="/cases/\#(flagged.caseId)/defer""#))
            let review = Timestamp.format(Date(timeIntervalSinceNow: 86_400 * 2)).prefix(16)
            let past = try await browser.post(
                "/cases/\(flagged.caseId)/defer", ["csrf": csrf, "flag": flagged.kind.rawValue, "reason": "r", "reviewBy": "2020-01-01T09:30"])
            #expect(past.status == .badRequest, "a review time in the past is refused")
            let deferred = try await browser.post(
                "/cases/\(flagged.caseId)/defer",
                ["csrf": csrf, "flag": flagged.kind.rawValue, "reason": "risk of tipping off", "reviewBy": String(review)])
            #expect(deferred.status == .seeOther)
            let after = try await web.store.caseDetail(flagged.caseId, asOf: Date())
            #expect(after.summary.flags.first { $0.kind == flagged.kind }?.state == .deferred)
            #expect(after.decisions.last?.reviewBy == (try Timestamp.parse(review + ":00Z").get()))
            let dashboard = try await browser.get("/")
            #expect(dashboard.text.contains("risk of tipping off"))
            #expect(try await web.store.audit(caseId: flagged.caseId).contains { $0.action == "flag.defer" })
        }
    }

    @Test("roles: investigators get their own cases, researchers no dashboard, investigators no supervisor forms")
    func roles() async throws {
        try await WebHarness.run { web in
            let investigator = try await web.signedIn("dc-one")
            let start = try await investigator.get("/")
            #expect(start.status == .seeOther && start.location == "/my-cases")
            let mine = try await investigator.get("/my-cases")
            #expect(mine.status == .ok && mine.text.contains("3 open case(s)"))
            let held = try #require(mine.matches(#"<a href="/cases/(C-\d+)">"#).first)
            let casePage = try await investigator.get("/cases/\(held)")
            #expect(casePage.status == .ok && !casePage.text.contains("/reassign"))
            let csrf = try #require(casePage.csrf)
            #expect(try await investigator.post("/cases/\(held)/reassign", ["csrf": csrf, "officer": "dc-two"]).status == .forbidden)
            #expect(try await investigator.get("/reports/aged-backlog.csv").status == .forbidden)
            let researcher = try await web.signedIn("rita-researcher")
            let denied = try await researcher.get("/")
            #expect(denied.status == .forbidden && denied.text.contains("Not allowed"))
            let admin = try await web.signedIn("ada-admin")
            #expect(try await admin.get("/").status == .ok)
        }
    }

    @Test("signing out, or revoking the user, ends the session")
    func signOut() async throws {
        try await WebHarness.run { web in
            let browser = try await web.signedIn("sam-supervisor")
            let page = try await browser.get("/")
            #expect(try await browser.post("/sign-out", [:]).status == .forbidden, "sign-out needs the CSRF token too")
            let out = try await browser.post("/sign-out", ["csrf": try #require(page.csrf)])
            #expect(out.status == .seeOther && out.location == "/sign-in")
            #expect(try await browser.get("/").status == .seeOther)
            let other = try await web.signedIn("dc-one")
            #expect(try await other.get("/my-cases").status == .ok)
            try await web.store.revokeUser(name: "dc-one", now: Date())
            #expect(try await other.get("/my-cases").status == .seeOther)
        }
    }
}

@Suite("dashboard sessions")
struct WebSessionTests {
    let user = UserRecord(name: "sam", role: .supervisor, createdAt: Date(timeIntervalSince1970: 0), revokedAt: nil)

    @Test("a session ends after the idle gap and after the absolute lifetime, whichever comes first")
    func expiry() async {
        let sessions = WebSessions(lifetime: SessionLifetime(idle: 600, absolute: 3600))
        let start = Date(timeIntervalSince1970: 1_000_000)
        let (id, session) = await sessions.start(for: user, tokenHash: "h", now: start)
        #expect(session.csrfToken.count == 64 && session.csrfToken != id)
        var now = start
        for _ in 0..<5 {
            now += 590
            #expect(await sessions.session(id: id, now: now) != nil, "kept alive by use")
        }
        now += 800
        #expect(await sessions.session(id: id, now: now) == nil, "the absolute lifetime has passed")
        let (idle, _) = await sessions.start(for: user, tokenHash: "h", now: start)
        #expect(await sessions.session(id: idle, now: start + 601) == nil, "idle too long")
        #expect(await sessions.session(id: "made-up", now: start) == nil)
    }
}

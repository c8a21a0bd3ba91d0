import Foundation
import HTTPTypes
import Testing
import VigilCore
import VigilServer
import VigilStore

/// Regression tests of a hostile test pass: numbers that overflowed, redirects that left the site, pages
/// other roles could read, reads and refusals that left no audit trail.
@Suite("hardening of the API and the dashboard", .serialized)
struct HardeningTests {
    static let hostileNumbers = [String(Int.max), "922337203685477580", "-1", "-9223372036854775808", "0x10", "abc", "1e3", ""]

    @Test("every numeric parameter of the dashboard answers 400 for Int.max, negatives and non-numbers, and the server keeps serving")
    func dashboardNumbers() async throws {
        try await WebHarness.run { web in
            let supervisor = try await web.signedIn("sam-supervisor")
            let investigator = try await web.signedIn("dc-one")
            for number in Self.hostileNumbers {
                let encoded = number.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? number
                for (browser, path) in [(supervisor, "/cases?page="), (supervisor, "/cases?grade=high&page="), (investigator, "/my-cases?page=")] {
                    let page = try await browser.get(path + encoded)
                    #expect(
                        page.status == .badRequest && page.text.contains("page must be a whole number from 1 to 100000"),
                        "\(path)\(number): \(page.status)")
                }
            }
            #expect(try await supervisor.get("/cases?page=100000").status == .ok, "the largest page is an empty page, not an error")
            #expect(try await supervisor.get("/").status == .ok, "still serving")
        }
    }

    @Test("every numeric parameter of the API answers 400 with a message for Int.max, negatives and non-numbers")
    func apiNumbers() async throws {
        try await APIHarness.run { api in
            for number in Self.hostileNumbers {
                let encoded = number.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? number
                for (path, role) in [("/api/v1/backlog?limit=", Role.supervisor), ("/api/v1/backlog?offset=", .supervisor)] {
                    let answer = try await api.call("GET", path + encoded, as: role)
                    #expect(answer.status == 400 && APIHarness.errorCode(answer.json) == "badRequest", "\(path)\(number)")
                }
                let upload = try await api.call(
                    "POST", "/api/v1/referrals?format=nca&firstLine=" + encoded, as: .importer,
                    json: "", contentType: "application/x-ndjson")
                #expect(upload.status == 400, "firstLine=\(number)")
                let check = try await api.call("POST", "/api/v1/checks/\(encoded)/retry", as: .researcher)
                #expect(check.status == 400 || check.status == 404, "checks/\(number)/retry: \(check.status)")
            }
            #expect(try await api.call("GET", "/healthz", as: nil).status == 200)
        }
    }

    @Test(
        "sign-in sends the browser only to the dashboard's own pages",
        arguments: [
            ("/%09/evil.example/phish", "/"), ("//evil.example/", "/"), ("/%5Cevil.example", "/"), ("https://evil.example/", "/"),
            ("/cases%0d%0aLocation:%20http://evil.example", "/"), ("/cases/C-000001", "/cases/C-000001"),
            ("/cases?grade=high&band=30-90d", "/cases?grade=high&band=30-90d"), ("/my-cases", "/my-cases"), ("/nowhere", "/"),
        ])
    func redirects(next: String, expected: String) async throws {
        try await WebHarness.run { web in
            let browser = Browser(client: web.client)
            let form = try await browser.get("/sign-in?next=\(next)")
            let decoded = next.removingPercentEncoding ?? next
            let page = try await browser.post("/sign-in", ["csrf": try #require(form.csrf), "next": decoded, "token": web.tokens["sam-supervisor"]!])
            #expect(page.status == .seeOther && page.location == expected, "\(next) → \(page.location ?? "none")")
        }
    }

    @Test("each role sees exactly the pages the README gives it")
    func rolesAndPages() async throws {
        try await WebHarness.run { web in
            let held = try #require(
                try await web.store.caseLines(CaseFilter(holder: "dc-one"), asOf: Date(), offset: 0, limit: 1).lines.first?.caseId)
            let unheld = try #require(try await web.store.backlog(asOf: Date(), limit: 1).first?.caseId)
            let expected: [(String, [String: HTTPResponse.Status])] = [
                ("/", ["sam-supervisor": .ok, "ada-admin": .ok, "dc-one": .seeOther, "rita-researcher": .forbidden]),
                ("/cases", ["sam-supervisor": .ok, "ada-admin": .forbidden, "dc-one": .forbidden, "rita-researcher": .forbidden]),
                (
                    "/cases/\(held)",
                    ["sam-supervisor": .ok, "ada-admin": .forbidden, "dc-one": .ok, "dc-two": .forbidden, "rita-researcher": .forbidden]
                ),
                ("/cases/\(unheld)", ["sam-supervisor": .ok, "dc-one": .forbidden, "rita-researcher": .forbidden]),
                ("/my-cases", ["dc-one": .ok, "sam-supervisor": .forbidden, "rita-researcher": .forbidden, "ada-admin": .forbidden]),
                ("/reports/aged-backlog.csv", ["sam-supervisor": .ok, "ada-admin": .ok, "dc-one": .forbidden, "rita-researcher": .forbidden]),
            ]
            var browsers: [String: Browser] = [:]
            for (name, _) in WebHarness.users { browsers[name] = try await web.signedIn(name) }
            for (path, statuses) in expected {
                for (name, status) in statuses {
                    #expect(try await browsers[name]!.get(path).status == status, "\(name) on \(path)")
                }
            }
        }
    }

    @Test("every read of case data is audited — backlog, dashboard, lists, CSV, the audit itself — and so are refusals and failed sign-ins")
    func readsAndRefusalsAudited() async throws {
        try await WebHarness.run { web in
            let supervisor = try await web.signedIn("sam-supervisor")
            let investigator = try await web.signedIn("dc-one")
            let before = try await web.store.audit(caseId: nil).count
            _ = try await supervisor.get("/")
            _ = try await supervisor.get("/cases?grade=high")
            _ = try await investigator.get("/my-cases")
            _ = try await supervisor.get("/reports/aged-backlog.csv")
            _ = try await investigator.get("/cases")
            let stranger = Browser(client: web.client)
            let form = try await stranger.get("/sign-in")
            _ = try await stranger.post("/sign-in", ["csrf": try #require(form.csrf), "next": "/", "token": "not-a-token"])
            let entries = try await web.store.audit(caseId: nil).dropFirst(before)
            #expect(
                entries.map { "\($0.actor) \($0.action)" } == [
                    "sam-supervisor dashboard.view", "sam-supervisor cases.list", "dc-one cases.mine", "sam-supervisor report.export",
                    "dc-one access.refused", "anonymous session.refused",
                ])
            #expect(entries.first { $0.action == "access.refused" }?.detail.hasPrefix("GET /cases: 403") == true)
        }
        try await APIHarness.run { api in
            _ = try await api.call("GET", "/api/v1/backlog", as: .investigator)
            _ = try await api.call("GET", "/api/v1/audit", as: .supervisor)
            _ = try await api.call("GET", "/api/v1/backlog", as: .importer)
            _ = try await api.call("GET", "/api/v1/backlog", as: nil)
            let entries = try await api.store.audit(caseId: nil)
            #expect(
                entries.map { "\($0.actor) \($0.action)" } == [
                    "investigator-1 backlog.list", "supervisor-1 audit.read", "importer-1 access.refused", "anonymous access.refused",
                ])
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import VigilCore
import VigilImport
import VigilIntake
import VigilServer
import VigilStore

@Suite("security: headers on every response, sign-in throttled per address")
struct SecurityTests {
    @Test("every page, error page, CSV and JSON response forbids scripts, framing and sniffing")
    func headers() async throws {
        try await WebHarness.run { web in
            let browser = try await web.signedIn("sam-supervisor")
            let anonymous = Browser(client: web.client)
            var pages = [try await anonymous.get("/sign-in"), try await anonymous.get("/")]
            for path in ["/", "/cases/C-000001", "/cases?grade=high", "/reports/aged-backlog.csv", "/cases/C-999999", "/api/v1/backlog"] {
                pages.append(try await browser.get(path))
            }
            #expect(pages.map(\.status.code).contains(404))
            for page in pages {
                let policy = try #require(page.headers[HTTPField.Name("Content-Security-Policy")!], "\(page.status) \(page.text.prefix(80))")
                #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'") && !policy.contains("script-src"))
                #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            }
        }
    }

    @Test("markup in a referral's free-text fields is shown as text on every page that shows it")
    func escaping() async throws {
        try await WebHarness.run { web in
            let markup = "<script>alert(1)</script><img src=x onerror=alert(2)>"
            var line = String(decoding: try sample("nca-packages.jsonl"), as: UTF8.self).split(separator: "\n")[0]
                .replacingOccurrences(of: "NCA-2026-00000", with: "NCA-MARKUP-1")
                .replacingOccurrences(of: "\"Tess\"", with: "\"Tess\(markup.replacingOccurrences(of: "\"", with: "\\\""))\"")
                .replacingOccurrences(of: "Example Social", with: "Example \(markup)")
            line += "\n"
            var caseId: CaseID?
            try await ImportPipeline(store: web.store, sources: []).run(try BatchReader.open(Array(line.utf8), format: .nca, now: Date())) {
                _, outcomes in
                if case .accepted(let id)? = outcomes.first ?? nil { caseId = id }
            }
            let id = try #require(caseId)
            let browser = try await web.signedIn("sam-supervisor")
            let entry = try #require(try await web.store.backlog(asOf: Date(), limit: nil).first { $0.caseId == id })
            for path in ["/cases/\(id)", "/", "/cases?grade=\(entry.effectiveGrade.name)"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains("<script") && !page.text.contains("<img"), "\(path)")
            }
            let casePage = try await browser.get("/cases/\(id)")
            #expect(casePage.text.contains("&lt;script&gt;"))
        }
    }

    @Test("no token, mistyped token or session id reaches the server's logs, at any level")
    func secretsStayOutOfLogs() async throws {
        let logs = CapturedLogs.Lines()
        let wrong = AccessToken.generate()
        let secrets = CapturedLogs.Lines()
        secrets.append(wrong)
        try await WebHarness.run(logs: logs) { web in
            let browser = try await web.signedIn("sam-supervisor")
            let form = try await browser.get("/sign-in")
            _ = try await browser.post("/sign-in", ["csrf": form.csrf ?? "", "next": "/", "token": wrong])
            for path in ["/", "/cases", "/reports/aged-backlog.csv"] { #expect(try await browser.get(path).status == .ok) }
            let token = try #require(web.tokens["sam-supervisor"])
            for credential in [token, wrong] {
                _ = try await web.client.execute(uri: "/api/v1/backlog?limit=1", method: .get, headers: [.authorization: "Bearer \(credential)"])
            }
            secrets.append(token)
            secrets.append(try #require(await browser.cookies.values.first))
            _ = try await browser.post("/sign-out", ["csrf": try #require(try await browser.get("/").csrf)])
        }
        let lines = logs.all
        #expect(lines.contains { $0.contains("/api/v1/backlog") }, "requests are logged: \(lines.prefix(5))")
        #expect(secrets.all.count == 3)
        for secret in secrets.all {
            #expect(!lines.contains { $0.contains(secret) }, "\(secret.prefix(6))… appears in: \(lines.filter { $0.contains(secret) }.prefix(3))")
        }
    }

    @Test("after five failed sign-ins an address is refused with 429, even with a good token, until the window passes")
    func throttledSignIn() async throws {
        try await WebHarness.run { web in
            let browser = Browser(client: web.client)
            var page = try await browser.get("/sign-in")
            for _ in 0..<5 {
                page = try await browser.post("/sign-in", ["csrf": try #require(page.csrf), "next": "/", "token": "wrong"])
                #expect(page.status == .unauthorized)
            }
            page = try await browser.post("/sign-in", ["csrf": try #require(page.csrf), "next": "/", "token": web.tokens["sam-supervisor"]!])
            #expect(page.status == .tooManyRequests && page.text.contains("Too many failed sign-ins"))
            #expect(Int(page.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }

    @Test("the throttle counts failures per address within its window and forgets them on success")
    func throttleStateMachine() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var throttle = SignInThrottle(limit: 3, window: 60, maxAddresses: 2)
        for second in 0..<3 {
            #expect(throttle.retryAt(for: "192.0.2.1", now: start + Double(second)) == nil)
            throttle.recordFailure(from: "192.0.2.1", now: start + Double(second))
        }
        #expect(throttle.retryAt(for: "192.0.2.1", now: start + 10) == start + 60)
        #expect(throttle.retryAt(for: "192.0.2.2", now: start + 10) == nil)
        #expect(throttle.retryAt(for: "192.0.2.1", now: start + 60) == nil)
        throttle.recordFailure(from: "192.0.2.2", now: start + 61)
        throttle.recordFailure(from: "192.0.2.3", now: start + 62)
        throttle.recordSuccess(from: "192.0.2.2")
        for second in 0..<3 { throttle.recordFailure(from: "192.0.2.3", now: start + 63 + Double(second)) }
        #expect(throttle.retryAt(for: "192.0.2.3", now: start + 70) == start + 123, "only the last three failures count")
        #expect(throttle.retryAt(for: "192.0.2.2", now: start + 70) == nil)
    }
}

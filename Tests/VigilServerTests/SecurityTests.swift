import Foundation
import HTTPTypes
import Testing
import VigilServer

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

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import VigilCore
import VigilImport
import VigilIntake
import VigilServer
import VigilStore

/// The dashboard's router, run in process by Hummingbird's router test framework over a `MemoryStore`
/// holding the bundled samples, with a supervisor, two investigators (one holding three cases), a
/// researcher and an admin.
struct WebHarness: Sendable {
    let store: any Store
    let client: any TestClientProtocol
    /// A token per user name.
    let tokens: [String: String]

    static let users: [(String, Role)] = [
        ("sam-supervisor", .supervisor), ("dc-one", .investigator), ("dc-two", .investigator), ("rita-researcher", .researcher),
        ("ada-admin", .admin),
    ]

    /// Runs `body` against the router; with `logs`, the server logs every line at every level into them.
    static func run(logs: CapturedLogs.Lines? = nil, _ body: @escaping @Sendable (WebHarness) async throws -> Void) async throws {
        let store = MemoryStore()
        let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
        for (file, format) in [("nca-packages.jsonl", IntakeFormat.nca), ("nca-case-studies.jsonl", .nca), ("p2p-leads.jsonl", .p2p)] {
            try await ImportPipeline(store: store, sources: sources).run(try BatchReader.open(try sample(file), format: format, now: Date())) {
                _, _ in
            }
        }
        var tokens: [String: String] = [:]
        for (name, role) in users {
            let token = AccessToken.generate()
            _ = try await store.addUser(name: name, role: role, tokenHash: AccessToken.hash(token), now: Date())
            tokens[name] = token
        }
        for _ in 0..<3 { _ = try await store.claimNext(by: AuditActor(name: "dc-one", remote: "test"), now: Date()) }
        try await store.recordDailySnapshots(now: Date(), maxDays: 60)
        var logger = Logger(label: "web-test") { _ in
            logs.map { CapturedLogs(lines: $0) as any LogHandler } ?? StreamLogHandler.standardError(label: "web-test")
        }
        logger.logLevel = logs == nil ? .critical : .trace
        let application = Application(router: try VigilAPI.router(store: store, sources: sources), logger: logger)
        let issued = tokens
        try await application.test(.router) { client in
            try await body(WebHarness(store: store, client: client, tokens: issued))
        }
    }

    /// A browser signed in as `name` (through the sign-in form).
    func signedIn(_ name: String) async throws -> Browser {
        let browser = Browser(client: client)
        let form = try await browser.get("/sign-in")
        let page = try await browser.post("/sign-in", ["csrf": form.csrf ?? "", "next": "/", "token": tokens[name] ?? ""])
        guard page.status == .seeOther else { throw HTTPError(.unauthorized, message: "sign-in failed: \(page.status)") }
        return browser
    }
}

/// A minimal browser: keeps cookies, does not follow redirects.
actor Browser {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]

    init(client: any TestClientProtocol) { self.client = client }

    /// A response as a test reads it.
    struct Page: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String

        /// Where a redirect points.
        var location: String? { headers[.location] }

        /// The `csrf` hidden field of the first form on the page.
        var csrf: String? { csrfTokens.first }

        /// The `csrf` values of every form.
        var csrfTokens: [String] { matches(#"name="csrf" value="([^"]*)""#) }

        /// Every capture of a regular expression's first group.
        func matches(_ pattern: String) -> [String] {
            let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
            return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range(at: 1), in: text).map { String(text[$0]) }
            }
        }
    }

    func get(_ path: String) async throws -> Page {
        try await send(path, method: .get, body: nil, contentType: nil)
    }

    func post(_ path: String, _ fields: [String: String]) async throws -> Page {
        let body = fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        return try await send(path, method: .post, body: body, contentType: "application/x-www-form-urlencoded")
    }

    private func send(_ path: String, method: HTTPRequest.Method, body: String?, contentType: String?) async throws -> Page {
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let contentType { headers[.contentType] = contentType }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let (name, value) = (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
            cookies[name] = header.contains("Max-Age=0") ? nil : value
        }
        return Page(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }
}

import Foundation
import Testing
import VigilCore
import VigilIntel
import VigilStore

let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Samples")

func sample(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: samples.appendingPathComponent(name))) }

@Suite("the HTTP API: its router over the memory store, and claims over a real loopback server", .serialized)
struct APITests {
    @Test("health needs no token; the API answers 401 without or with a bad token")
    func authentication() async throws {
        try await APIHarness.run { api in
            #expect(try await api.call("GET", "/healthz", as: nil).status == 200)
            let missing = try await api.call("GET", "/api/v1/backlog", as: nil)
            #expect(missing.status == 401 && APIHarness.errorCode(missing.json) == "unauthorized")
            #expect(try await api.call("GET", "/api/v1/backlog", as: nil, token: "not-a-token").status == 401)
            let revoked = AccessToken.generate()
            _ = try await api.store.addUser(name: "gone", role: .supervisor, tokenHash: AccessToken.hash(revoked), now: Date())
            try await api.store.revokeUser(name: "gone", now: Date())
            #expect(try await api.call("GET", "/api/v1/backlog", as: nil, token: revoked).status == 401)
        }
    }

    @Test("the role matrix: each endpoint answers 403 to roles without the permission and 2xx to those with it")
    func roleMatrix() async throws {
        try await APIHarness.run { api in
            let batch = try sample("nca-case-studies.jsonl")
            for role in Role.allCases where role != .importer {
                #expect(
                    try await api.call("POST", "/api/v1/referrals?format=nca", as: role, body: batch, contentType: "application/x-ndjson").status
                        == 403, "\(role)")
            }
            let imported = try await api.call("POST", "/api/v1/referrals?format=nca", as: .importer, body: batch, contentType: "application/x-ndjson")
            #expect(imported.status == 200 && (imported.json as? [String: Any])?["accepted"] as? Int == 4)

            for role in Role.allCases {
                let status = try await api.call("GET", "/api/v1/backlog", as: role).status
                #expect(status == (role.allows(.readCases) ? 200 : 403), "backlog \(role)")
                let show = try await api.call("GET", "/api/v1/cases/C-000001", as: role).status
                #expect(show == (role.allows(.readCases) ? 200 : 403), "show \(role)")
                let audit = try await api.call("GET", "/api/v1/audit", as: role).status
                #expect(audit == (role.allows(.readAudit) ? 200 : 403), "audit \(role)")
            }
            for role in [Role.importer, .researcher, .supervisor, .admin] {
                #expect(try await api.call("POST", "/api/v1/cases/next", as: role).status == 403, "next \(role)")
            }
        }
    }

    @Test("claim, act and the holder rule: another investigator gets 409, a supervisor may act; everything audited")
    func casesAndHolders() async throws {
        try await APIHarness.run { api in
            try await api.importCaseStudies()
            let claimed = try await api.call("POST", "/api/v1/cases/next", as: .investigator)
            let entry = try #require((claimed.json as? [String: Any])?["case"] as? [String: Any])
            let id = try #require(entry["caseId"] as? String)
            #expect(entry["claimedBy"] as? String == "investigator-1")

            let other = AccessToken.generate()
            _ = try await api.store.addUser(name: "investigator-2", role: .investigator, tokenHash: AccessToken.hash(other), now: Date())
            let stolen = try await api.call("POST", "/api/v1/cases/\(id)/release", as: nil, token: other)
            #expect(stolen.status == 409 && APIHarness.errorCode(stolen.json) == "notYourCase")

            let call = try #require((entry["flags"] as? [[String: Any]])?.first { $0["kind"] as? String == "socialCare" })
            #expect(call["about"] == nil, "a child reached outside any household known: one call for the case")
            let elsewhere = try await api.call(
                "POST", "/api/v1/cases/\(id)/notifications", as: .investigator,
                json: #"{"flag": "socialCare", "about": "9 Nowhere Lane, ZZ0 0ZZ", "method": "phone", "reference": "MASH-API-1"}"#)
            #expect(elsewhere.status == 404, "no call for a household the case does not have")
            let notified = try await api.call(
                "POST", "/api/v1/cases/\(id)/notifications", as: .investigator,
                json: #"{"flag": "socialCare", "method": "phone", "reference": "MASH-API-1"}"#)
            #expect(notified.status == 200)
            let deferByInvestigator = try await api.call(
                "POST", "/api/v1/cases/\(id)/notifications", as: .investigator,
                json: #"{"flag": "socialCare", "defer": true, "reason": "r", "reviewBy": "2030-01-01T00:00:00Z"}"#)
            #expect(deferByInvestigator.status == 403)
            let decided = try await api.call(
                "POST", "/api/v1/cases/\(id)/decisions", as: .investigator,
                json: #"{"decision": "visit", "rationale": "child of 7 in the household"}"#)
            #expect(decided.status == 200)
            #expect(try await api.call("POST", "/api/v1/cases/\(id)/release", as: .supervisor).status == 200)
            #expect(
                try await api.call("POST", "/api/v1/cases/\(id)/close", as: .supervisor, json: #"{"outcome": "arrested", "childrenSafeguarded": 2}"#)
                    .status == 200)
            #expect(try await api.call("GET", "/api/v1/cases/\(id)/checks", as: .researcher).status == 200)

            let audit = try await api.call("GET", "/api/v1/audit?case=\(id)", as: .supervisor)
            let actions = (audit.json as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions == ["case.claim", "flag.notify", "case.decide", "case.release", "case.close", "case.checks"])
            #expect(try await api.store.verifyAudit(against: nil).isIntact)
            let empty = try await api.call("POST", "/api/v1/checks/999/retry", as: .researcher)
            #expect(empty.status == 404 && APIHarness.errorCode(empty.json) == "notFound")
        }
    }

    @Test("closing rules over the API: a call still to make refuses the holder and a supervisor without override; reopen; deferral rules")
    func closingAndDeferral() async throws {
        try await APIHarness.run { api in
            let id = try #require(try await api.importCaseStudies(claiming: true))
            let refused = try await api.call("POST", "/api/v1/cases/\(id)/close", as: .investigator, json: #"{"outcome": "arrested"}"#)
            #expect(refused.status == 409 && "\(refused.json ?? "")".contains("socialCare"), "\(refused.json ?? "")")
            let unexplained = try await api.call("POST", "/api/v1/cases/\(id)/close", as: .supervisor, json: #"{"outcome": "arrested"}"#)
            #expect(unexplained.status == 409)
            let overriding = try await api.call(
                "POST", "/api/v1/cases/\(id)/close", as: .investigator, json: #"{"outcome": "arrested", "overrideReason": "x"}"#)
            #expect(overriding.status == 403, "only a supervisor overrides")
            let uncoded = try await api.call("POST", "/api/v1/cases/\(id)/close", as: .supervisor, json: #"{"outcome": "arrest"}"#)
            #expect(uncoded.status == 400 && "\(uncoded.json ?? "")".contains("nfa-insufficient-evidence"))
            let transfer = try await api.call("POST", "/api/v1/cases/\(id)/close", as: .supervisor, json: #"{"outcome": "transferred"}"#)
            #expect(transfer.status == 400, "a transfer names the receiving force")
            let closed = try await api.call(
                "POST", "/api/v1/cases/\(id)/close", as: .supervisor,
                json:
                    #"{"outcome": "transferred", "receivingAgency": "Example Constabulary", "overrideReason": "their MASH is told", "childrenSafeguarded": 2}"#
            )
            #expect(closed.status == 200)
            let statistics = try await api.store.backlogStatistics(asOf: Date())
            #expect(statistics.openFlags[.socialCare] == 3, "the closed case's call is still counted")
            #expect(try await api.call("POST", "/api/v1/cases/\(id)/reopen", as: .investigator, json: #"{"reason": "r"}"#).status == 403)
            #expect(try await api.call("POST", "/api/v1/cases/\(id)/reopen", as: .supervisor, json: #"{"reason": "new referral"}"#).status == 200)
            #expect(try await api.store.caseDetail(try #require(CaseID(text: id)), asOf: Date()).status == "open")

            let past = try await api.call(
                "POST", "/api/v1/cases/\(id)/notifications", as: .supervisor,
                json: #"{"flag": "socialCare", "defer": true, "reason": "warrant", "reviewBy": "2020-01-01T00:00:00Z"}"#)
            #expect(past.status == 400)
            let deferred = try await api.call(
                "POST", "/api/v1/cases/\(id)/notifications", as: .supervisor,
                json: #"{"flag": "socialCare", "defer": true, "reason": "warrant", "reviewBy": "2099-01-01T00:00:00Z"}"#)
            #expect(deferred.status == 200)
            let notified = try await api.call(
                "POST", "/api/v1/cases/\(id)/notifications", as: .supervisor,
                json: #"{"flag": "socialCare", "method": "phone", "reference": "MASH-9"}"#)
            #expect(notified.status == 200, "a deferred call can be made")
            let withdrawn = try await api.call(
                "POST", "/api/v1/cases/\(id)/notifications", as: .investigator, json: #"{"flag": "socialCare", "withdraw": true, "reason": "r"}"#)
            #expect(withdrawn.status == 403)
        }
    }

    @Test("the calls list: GET /api/v1/flags in call order with owner and contact; strategy discussions recorded by the holder")
    func callsAndStrategy() async throws {
        try await APIHarness.run { api in
            let id = try #require(try await api.importCaseStudies(claiming: true))
            let listing = try await api.call("GET", "/api/v1/flags", as: .investigator)
            let calls = try #require((listing.json as? [String: Any])?["calls"] as? [[String: Any]])
            #expect(calls.count == 4, "three social-care calls and one LADO call")
            #expect(calls.allSatisfy { $0["overdue"] as? Bool == false }, "raised at import, due later")
            #expect(Set(calls.compactMap { $0["owner"] as? String }) == ["investigator-1", "supervisors"])
            #expect(calls.allSatisfy { ($0["contact"] as? String)?.isEmpty == false && $0["grade"] != nil && $0["childAccess"] != nil })
            let expected = try await api.store.openCalls(asOf: Date()).map(\.caseId.description)
            #expect(calls.compactMap { $0["caseId"] as? String } == expected, "the store's call order")

            let body = #"{"heldAt": "2026-01-05T10:00:00Z", "with": ["social care", "health"], "outcome": "joint-investigation", "note": "s47"}"#
            #expect(try await api.call("POST", "/api/v1/cases/\(id)/strategy", as: .researcher, json: body).status == 403)
            let recorded = try await api.call("POST", "/api/v1/cases/\(id)/strategy", as: .investigator, json: body)
            #expect(recorded.status == 200)
            let strategies = (recorded.json as? [String: Any])?["strategyDiscussions"] as? [[String: Any]]
            #expect((strategies?.first?["discussion"] as? [String: Any])?["outcome"] as? String == "joint-investigation")
            let future = try await api.call(
                "POST", "/api/v1/cases/\(id)/strategy", as: .investigator,
                json: #"{"heldAt": "2099-01-01T00:00:00Z", "with": ["health"], "outcome": "single-agency"}"#)
            #expect(future.status == 400 && "\(future.json ?? "")".contains("in the future"))
        }
    }

    @Test("POST /api/v1/cases/{id}/facts records an officer's finding, re-grades at once, and refuses what it cannot read")
    func officerFindings() async throws {
        try await APIHarness.run { api in
            let id = try #require(try await api.importCaseStudies(claiming: true))
            let finding = try await api.call(
                "POST", "/api/v1/cases/\(id)/facts", as: .investigator,
                json: #"{"set": {"imminentDanger": true}, "children": [{"age": 2, "relation": "household"}], "note": "home visit"}"#)
            #expect(finding.status == 200)
            let body = finding.json as? [String: Any]
            #expect(body?["imminentDanger"] as? Bool == true && body?["grade"] as? String == "veryHigh" && body?["youngestChildAge"] as? Int == 2)
            let unreadable = try await api.call(
                "POST", "/api/v1/cases/\(id)/facts", as: .investigator, json: #"{"set": {"colour": true}, "note": "n"}"#)
            #expect(unreadable.status == 400 && "\(unreadable.json ?? "")".contains("colour"))
            #expect(
                try await api.call("POST", "/api/v1/cases/\(id)/facts", as: .researcher, json: #"{"set": {"distribution": true}, "note": "n"}"#)
                    .status == 403)
        }
    }

    @Test("bad requests get the right 4xx with a message, and the server keeps serving")
    func badRequests() async throws {
        try await APIHarness.run { api in
            try await api.importCaseStudies()
            let cases: [(String, String, Role, String?, String, Int)] = [
                ("GET", "/api/v1/cases/not-an-id", .supervisor, nil, "application/json", 400),
                ("GET", "/api/v1/cases/C-999999", .supervisor, nil, "application/json", 404),
                ("POST", "/api/v1/cases/C-000001/close", .supervisor, "{not json", "application/json", 400),
                ("POST", "/api/v1/cases/C-000001/close", .supervisor, #"{"outcome": "x"}"#, "text/plain", 415),
                ("POST", "/api/v1/cases/C-000001/close", .supervisor, #"{"outcome": "x", "sneaky": 1}"#, "application/json", 400),
                ("POST", "/api/v1/cases/C-000001/close", .supervisor, #"{"outcome": 7}"#, "application/json", 400),
                ("POST", "/api/v1/cases/C-000001/notifications", .supervisor, #"{"flag": "police"}"#, "application/json", 400),
                ("GET", "/api/v1/backlog?asOf=yesterday", .supervisor, nil, "application/json", 400),
                ("POST", "/api/v1/referrals", .importer, "{}", "application/json", 400),
                ("POST", "/api/v1/referrals?format=nca", .importer, "a,b\n1,2\n", "text/csv", 415),
                ("POST", "/api/v1/referrals?format=p2p", .importer, "leadId,tool\nL-1,x\n", "text/csv", 400),
                ("POST", "/api/v1/referrals?format=nca&firstLine=0", .importer, "{}", "application/x-ndjson", 400),
                ("POST", "/api/v1/referrals?format=nca&firstLine=two", .importer, "{}", "application/x-ndjson", 400),
                ("POST", "/api/v1/referrals?format=nca&firstLine=5", .importer, "[{}]", "application/json", 400),
            ]
            for (method, path, role, body, type, expected) in cases {
                let answer = try await api.call(method, path, as: role, json: body, contentType: type)
                #expect(answer.status == expected, "\(method) \(path) \(body ?? "")")
                let message = ((answer.json as? [String: Any])?["error"] as? [String: Any])?["message"] as? String
                #expect(message?.isEmpty == false, "\(method) \(path): a person-readable message")
            }
            let truncated = try await api.call(
                "POST", "/api/v1/referrals?format=nca", as: .importer, json: "[{\"broken\": ", contentType: "application/json")
            let rejected = ((truncated.json as? [String: Any])?["records"] as? [[String: Any]])?.first
            let reason = ((rejected?["errors"] as? [[String: Any]])?.first?["message"] as? String) ?? ""
            #expect(truncated.status == 422 && reason.contains("never closed"), "a JSON array cut short rejects its unfinished element: \(reason)")
            let mixed = try await api.call(
                "POST", "/api/v1/referrals?format=nca", as: .importer, body: try sample("bad/nca-mixed.jsonl"),
                contentType: "application/x-ndjson")
            #expect(mixed.status == 422 && (mixed.json as? [String: Any])?["rejected"] as? Int == 5)
            let part = try await api.call(
                "POST", "/api/v1/referrals?format=nca&firstLine=101", as: .importer,
                body: try sample("bad/nca-mixed.jsonl"), contentType: "application/x-ndjson")
            let lines = { (json: Any?) in ((json as? [String: Any])?["records"] as? [[String: Any]])?.compactMap { $0["line"] as? Int } }
            #expect(lines(part.json) == lines(mixed.json)?.map { $0 + 100 }, "a part's records carry the file's line numbers")
            #expect(lines(part.json)?.isEmpty == false)
            let garbageFirst = try await api.call(
                "POST", "/api/v1/referrals?format=nca&firstLine=5001", as: .importer,
                body: Array("not JSON at all\n".utf8) + (try sample("nca-packages.jsonl")), contentType: "application/x-ndjson")
            let records = (garbageFirst.json as? [String: Any])?["records"] as? [[String: Any]] ?? []
            #expect(garbageFirst.status == 422 && records.first?["line"] as? Int == 5001 && records.first?["status"] as? String == "rejected")
            #expect(
                records.count > 1 && records.dropFirst().allSatisfy { $0["status"] as? String == "accepted" },
                "a part whose first line is not JSON still lands its records")
            let padded =
                [UInt8](repeating: UInt8(ascii: " "), count: (64 << 20) + 1) + Array("\n".utf8)
                + (try sample("nca-packages.jsonl")).prefix { $0 != 0x0A }
            let large = try await api.call("POST", "/api/v1/referrals?format=nca", as: .importer, body: padded, contentType: "application/x-ndjson")
            let landed = (large.json as? [String: Any])?["records"] as? [[String: Any]] ?? []
            #expect(large.status == 200 && landed.count == 1 && landed.first?["line"] as? Int == 2, "a batch body past 64 MiB is read as it arrives")
            let tooLarge = try await api.call(
                "POST", "/api/v1/cases/C-000001/facts", as: .investigator, body: [UInt8](repeating: UInt8(ascii: " "), count: (64 << 20) + 1),
                contentType: "application/json")
            #expect(tooLarge.status == 413, "other bodies are still capped")
            #expect(try await api.call("GET", "/healthz", as: nil).status == 200, "still serving")
        }
    }

    @Test("16 concurrent clients claiming over HTTP from a 10,000-case backlog never get the same case")
    func concurrentClaims() async throws {
        try await APIHarness.run(.live) { api in
            let submissions = (0..<10_000).map { index -> ReferralSubmission in
                let referral = Referral(
                    source: .p2p, ref: "HTTP-\(index)", receivedAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)),
                    observations: [], children: [], linkKeys: [], research: ResearchInputs())
                return ReferralSubmission(referral: referral, raw: "{}", contentDigest: "{\"n\":\(index)}")
            }
            _ = try await api.store.importReferrals(submissions, sources: [], now: Date())
            let ids = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let answer = try await api.call("POST", "/api/v1/cases/next", as: .investigator)
                            guard let entry = (answer.json as? [String: Any])?["case"] as? [String: Any], let id = entry["caseId"] as? String
                            else { return mine }
                            mine.append(id)
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(ids.count == 10_000)
            #expect(Set(ids).count == 10_000)
        }
    }
}

@Suite("backlog pages")
struct BacklogPagingTests {
    @Test("following next through pages gives the store's whole listing once, numbered on; limits are bounded")
    func pages() async throws {
        try await APIHarness.run { api in
            _ = try await api.call("POST", "/api/v1/referrals?format=nca", as: .importer, body: try sample("nca-array.json"))
            let asOf = "2026-11-23T09:00:00Z"
            let moment = try Timestamp.parse(asOf).get()
            let whole = try await api.store.backlog(asOf: moment, limit: nil)
            #expect(whole.count > 7)
            var path: String? = "/api/v1/backlog?asOf=\(asOf)&limit=7"
            var received: [BacklogEntry] = []
            var pages = 0
            while let current = path {
                let answer = try await api.raw("GET", current, as: .supervisor)
                let page = try VigilJSON.decoder.decode(BacklogListing.self, from: Data(answer.body))
                #expect(page.asOf == moment)
                #expect(page.cases.count <= 7)
                received += page.cases
                path = page.next
                pages += 1
            }
            #expect(pages == (whole.count + 6) / 7)
            #expect(received.map(\.caseId) == whole.map(\.caseId))
            #expect(received.map(\.position) == Array(1...whole.count).map { Optional($0) })
            #expect(try await api.call("GET", "/api/v1/backlog?limit=1001", as: .supervisor).status == 400)
            let empty = try await api.call("GET", "/api/v1/backlog?limit=0", as: .supervisor)
            #expect(
                ((empty.json as? [String: Any])?["cases"] as? [Any])?.isEmpty == true && (empty.json as? [String: Any])?["next"] == nil,
                "a zero-size page has no next page to loop on")
            #expect(try await api.call("GET", "/api/v1/backlog?offset=-1", as: .supervisor).status == 400)
            let beyond = try await api.call("GET", "/api/v1/backlog?offset=100000", as: .supervisor)
            #expect((beyond.json as? [String: Any])?["cases"] as? [Any] != nil && (beyond.json as? [String: Any])?["next"] == nil)
        }
    }
}

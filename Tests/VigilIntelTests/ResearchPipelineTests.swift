import Foundation
import Logging
import Testing
import VigilCore
import VigilIntake
import VigilIntel
import VigilIntelStub
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("research pipeline end to end (stub, CurlEngine, SQLite)", .serialized)
struct ResearchPipelineTests {
    let seen = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("an unknown uploader: provisional Medium at intake, Very High after research, flag raised by social care")
    func unknownUploader() async throws {
        let seen = seen
        try await ResearchHarness.run(stub: .init(fixtures: try ResearchHarness.fixtures(), fixturesOnly: true)) { harness in
            let outcome = try await harness.store.importReferrals(
                [lead("P2P-UPLOADER", ip: "198.51.100.77", lastSeen: seen)],
                sources: harness.sources, now: seen + 700)
            guard case .accepted(let id) = outcome[0] else { throw StoreError(.notFound, "not accepted") }
            let intake = try await harness.store.caseDetail(id, asOf: Date())
            #expect(intake.summary.grade == .medium && intake.summary.provisional)

            try await harness.researchUntilIdle()

            let detail = try await harness.store.caseDetail(id, asOf: Date())
            #expect(detail.summary.grade == .veryHigh)
            #expect(!detail.summary.provisional)
            #expect(detail.summary.childAccess == .yes)
            #expect(detail.summary.youngestChildAge == 7)
            let flag = try #require(detail.summary.flags.first)
            #expect(flag.kind == .socialCare && flag.state == .open && flag.raisedBy == .check("social-care"))
            #expect(Set(detail.checks.map(\.source)) == ["subscriber", "occupants", "social-care", "local-records", "pnc", "visor", "employment"])
            #expect(detail.checks.allSatisfy { $0.state == .done })
            #expect(detail.assessments.count >= 2)
            #expect(detail.assessments.first?.provisional == true && detail.assessments.last?.provisional == false)
            #expect(detail.facts.first { $0.fact == .sexualOffenceHistory }?.provenance.contains(.check("visor")) == true)
        }
    }

    @Test("hostile answers — impossible ages, 20,000 children, 3,000 persons, facts another source yields — store nothing and fail with a reason")
    func hostileAnswers() async throws {
        let seen = seen
        let children = String(repeating: #"{"age": 3, "relation": "household"},"#, count: 20_000).dropLast()
        let persons = (0..<3_000).map { #"{"name": "Person Example\#($0)"}"# }.joined(separator: ",")
        let fixtures = try StubFixtures(
            data: Data(
                """
                {"subscriber": [{"match": {"ipAddress": "198.51.100.77"}, "answer": {"persons": [\(persons)]}},
                                {"match": {"ipAddress": "198.51.100.78"},
                                 "answer": {"address": {"line1": "1 Example Row", "town": "Bristol", "postcode": "BS0 0XA", "addressType": "installation"},
                                            "facts": {"childAccessHousehold": "yes"}}},
                                {"match": {"ipAddress": "198.51.100.79"},
                                 "answer": {"address": {"line1": "2 Example Row", "town": "Bristol", "postcode": "BS0 0XB", "addressType": "installation"}}}],
                 "social-care": [{"match": {"postcode": "BS0 0XA"}, "answer": {"children": [\(children)]}},
                                 {"match": {"postcode": "BS0 0XB"}, "answer": {"facts": {"childAccessHousehold": "yes"}, "children": [{"age": -5}]}}],
                 "local-records": [{"match": {"postcode": "BS0 0XA"}, "answer": {"facts": {"childAccessOther": "no"}, "children": [{"age": 4}]}}],
                 "occupants": [{"match": {"postcode": "BS0 0XA"}, "answer": {"persons": [{"name": "Pat Example", "dateOfBirth": "1980-01-01"}]}}]}
                """.utf8))
        try await ResearchHarness.run(stub: .init(fixtures: fixtures, fixturesOnly: true)) { harness in
            let outcomes = try await harness.store.importReferrals(
                [
                    lead("P2P-MANY", ip: "198.51.100.77", lastSeen: seen), lead("P2P-HOME", ip: "198.51.100.78", lastSeen: seen),
                    lead("P2P-AGE", ip: "198.51.100.79", lastSeen: seen),
                ],
                sources: harness.sources.map(Self.once), now: seen + 60)
            guard case .accepted(let many) = outcomes[0], case .accepted(let home) = outcomes[1], case .accepted(let aged) = outcomes[2] else {
                throw StoreError(.notFound, "not accepted: \(outcomes)")
            }
            try await harness.researchUntilIdle()

            let manyChecks = try await harness.store.checks(of: many)
            #expect(manyChecks.map(\.source) == ["subscriber"], "3,000 persons planned no checks")
            #expect(manyChecks[0].state == .failed && manyChecks[0].lastError?.contains("lists 3000 persons; at most 20") == true)

            let detail = try await harness.store.caseDetail(home, asOf: Date())
            #expect(detail.children.isEmpty, "neither 20,000 children nor local records' child (it yields no children) was stored")
            let care = try #require(detail.checks.first { $0.source == "social-care" })
            #expect(care.state == .failed && care.lastError?.contains("lists 20000 children; at most 50") == true)
            let records = try #require(detail.checks.first { $0.source == "local-records" })
            #expect(records.state == .done, "its facts are read, its children ignored")
            #expect(detail.facts.first { $0.fact == .childAccessOther }?.value == .no)
            #expect(
                detail.facts.first { $0.fact == .childAccessHousehold }?.value == .unknown,
                "the subscriber source does not yield childAccessHousehold: its claim is ignored")

            let agedDetail = try await harness.store.caseDetail(aged, asOf: Date())
            let agedCare = try #require(agedDetail.checks.first { $0.source == "social-care" })
            #expect(agedCare.state == .failed && agedCare.lastError?.contains("age is -5") == true)
            #expect(
                agedDetail.children.isEmpty && agedDetail.facts.first { $0.fact == .childAccessHousehold }?.value == .unknown,
                "a refused answer stores none of its facts either")
        }
    }

    /// `source` allowed one attempt and no slow retry, so a refused answer fails the check at once.
    static func once(_ source: IntelSourceSpec) -> IntelSourceSpec {
        var single = source
        single.maxAttempts = 1
        single.slowRetries = 0
        return single
    }

    @Test("dependent stages wait for their inputs; independent checks of one case and of many cases run at once")
    func concurrency() async throws {
        let seen = seen
        try await ResearchHarness.run(stub: .init(latencyMs: 1_500)) { harness in
            let leads = (1...6).map { lead("L\($0)", ip: "192.0.2.\($0)", lastSeen: seen) }
            _ = try await harness.store.importReferrals(leads, sources: harness.sources, now: seen + 700)
            try await harness.researchUntilIdle()

            let log = harness.stub.log.entries
            let subscribers = log.filter { $0.source == "subscriber" }
            #expect(subscribers.count == 6)
            let lastSubscriberArrival = try #require(subscribers.map(\.receivedAt).max())
            let firstSubscriberAnswer = try #require(subscribers.compactMap(\.answeredAt).min())
            #expect(lastSubscriberArrival < firstSubscriberAnswer, "the six cases' subscriber checks overlapped")

            let firstAnswer = try #require(subscribers.compactMap(\.answeredAt).min())
            let followOn = log.filter { $0.source != "subscriber" }
            #expect(followOn.count >= 6 * 6)
            #expect(followOn.allSatisfy { $0.receivedAt >= firstAnswer }, "address and person checks wait for the subscriber answer")
            #expect(harness.stub.log.peakInFlight >= 12, "independent checks ran together (peak \(harness.stub.log.peakInFlight))")
        }
    }

    @Test("failing sources are retried with backoff, and research still completes")
    func retries() async throws {
        let seen = seen
        try await ResearchHarness.run(stub: .init(failRate: 0.3)) { harness in
            var fast = harness.sources
            for index in fast.indices {
                fast[index].backoffBaseMs = 20
                fast[index].backoffMaxMs = 50
                fast[index].maxAttempts = 10
            }
            let retrying = ResearchHarness(store: harness.store, stub: harness.stub, engine: harness.engine, sources: fast)
            let outcomes = try await harness.store.importReferrals(
                (1...5).map { lead("R\($0)", ip: "192.0.2.\($0)", lastSeen: seen) },
                sources: fast, now: seen + 700)
            try await retrying.researchUntilIdle()
            #expect(harness.stub.log.entries.contains { $0.status == 500 }, "the stub injected failures")
            for case .accepted(let id) in outcomes {
                let checks = try await harness.store.checks(of: id)
                #expect(checks.allSatisfy { $0.state == .done }, "\(checks)")
            }
            let retried = harness.stub.log.entries.filter { $0.attempt > 1 }
            #expect(!retried.isEmpty)
        }
    }

    @Test("with every source down, research settles incomplete and provisional; a slow retry an hour on, with the sources back, completes it")
    func slowRetryCompletes() async throws {
        let seen = seen
        try await ResearchHarness.run(stub: .init(failRate: 1)) { harness in
            var slow = harness.sources
            for index in slow.indices {
                slow[index].maxAttempts = 1
                slow[index].slowRetries = 2
            }
            let down = ResearchHarness(store: harness.store, stub: harness.stub, engine: harness.engine, sources: slow)
            let outcomes = try await harness.store.importReferrals([lead("DOWN", ip: "192.0.2.44", lastSeen: seen)], sources: slow, now: seen + 700)
            let id = try #require(accepted(outcomes[0]))
            try await down.researchUntilIdle()
            let waiting = try await harness.store.caseDetail(id, asOf: Date())
            #expect(waiting.summary.provisional, "no case is shown as research complete")
            #expect(waiting.checks.allSatisfy { $0.state == .pending && $0.attempts == 1 && ($0.nextAttemptAt ?? .distantPast) > Date() + 1700 })

            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let healthy = IntelStubServer(options: .init(), logger: logger)
            try await withRunningServices([healthy], logger: logger) {
                let base = "http://127.0.0.1:\(await healthy.port())"
                let back = slow.map { source in
                    var moved = source
                    moved.url = "\(base)/\(source.name)"
                    return moved
                }
                try await ResearchWorker(
                    store: harness.store, engine: harness.engine, sources: back,
                    configuration: .init(concurrency: 16, untilIdle: true, pollInterval: .milliseconds(20)), now: { Date() + 7200 },
                    logger: logger
                ).run()
            }
            let done = try await harness.store.caseDetail(id, asOf: Date() + 7200)
            #expect(!done.summary.provisional && done.summary.researchFailed.isEmpty, "the slow retry finished research")
            #expect(done.checks.allSatisfy { $0.state == .done }, "\(done.checks)")
            #expect(done.checks.first { $0.source == "subscriber" }?.attempts == 2)
        }
    }

    @Test(
        "the teacher case study: each of its two children once, at the teacher's address, told of by the referral and social care; the address corroborated; the explanation says where and whose"
    )
    func teacherHousehold() async throws {
        try await ResearchHarness.run(stub: .init(fixtures: try ResearchHarness.fixtures(), fixturesOnly: true)) { harness in
            let data = try Array(Data(contentsOf: ResearchHarness.samples.appendingPathComponent("nca-case-studies.jsonl")))
            let batch = try BatchReader.open(data, format: .nca, now: Date())
            let teacher = try #require(batch.records(0..<batch.count).first { $0.ref == "NCA-CS-TEACHER" })
            let id = try #require(
                accepted(try await harness.store.importReferrals([try teacher.result.get()], sources: harness.sources, now: Date())[0]))
            try await harness.researchUntilIdle()
            let detail = try await harness.store.caseDetail(id, asOf: Date())
            let home = "12 Placeholder Close, Sampleford, ZZ1 1AA"
            #expect(detail.children.count == 4, "the referral and social care each told of both children")
            #expect(detail.knownChildren.map(\.age) == [8, 11], "each child once")
            #expect(detail.knownChildren.allSatisfy { $0.about?.label == home && $0.provenance == [.check("social-care"), .referral] })
            #expect(detail.addresses.map(\.address.label) == [home] && detail.addresses[0].corroborated)
            #expect(detail.addresses[0].provenance == [.check("subscriber"), .referral] && !detail.addresses[0].billingOnly)
            let occupation = try #require(detail.facts.first { $0.fact == .childAccessOccupation })
            #expect(occupation.about.contains(.person(PersonIdentity(name: "Tess Testcase", dateOfBirth: "1984-04-04"))))
            let explanation = GradeExplanation.text(
                grade: detail.summary.grade, facts: Dictionary(uniqueKeysWithValues: detail.facts.map { ($0.fact, $0.combined) }),
                children: detail.children, pendingChecks: [], sources: harness.sources)
            #expect(explanation.contains("children of 11 and 8 living at \(home)"), "\(explanation)")
            #expect(explanation.contains("that Tess Testcase (DOB 1984-04-04) works with children"), "\(explanation)")
        }
    }
}

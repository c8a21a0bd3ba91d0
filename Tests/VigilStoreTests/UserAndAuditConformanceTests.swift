import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

@Suite("Store conformance: users and audit")
struct UserAndAuditConformanceTests {
    @Test("users: tokens are found by hash only, names are unique, revoked tokens stop working", arguments: StoreKind.allCases)
    func users(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let token = AccessToken.generate()
            #expect(token.count == 64 && token != AccessToken.generate())
            _ = try await store.addUser(name: "sup", role: .supervisor, tokenHash: AccessToken.hash(token), now: t0)
            #expect(try await store.user(tokenHash: AccessToken.hash(token))?.role == .supervisor)
            #expect(try await store.user(tokenHash: AccessToken.hash("guess")) == nil)
            await #expect(throws: StoreError.self) {
                try await store.addUser(name: "sup", role: .admin, tokenHash: AccessToken.hash("other"), now: t0)
            }
            try await store.revokeUser(name: "sup", now: t0 + 60)
            #expect(try await store.user(tokenHash: AccessToken.hash(token)) == nil)
            #expect(try await store.users().map(\.revokedAt) == [t0 + 60])
            await #expect(throws: StoreError.self) { try await store.revokeUser(name: "sup", now: t0 + 61) }
        }
    }

    @Test("audit entries chain by hash, are listed per case and verify intact", arguments: StoreKind.allCases)
    func chain(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let empty = try await store.verifyAudit(against: nil)
            #expect(empty.entries == 0 && empty.isIntact)
            let first = try await store.appendAudit(
                AuditEvent(
                    at: t0, actor: "ann", action: "case.show", caseId: CaseID(1),
                    detail: "", remote: "cli@host"))
            let second = try await store.appendAudit(
                AuditEvent(
                    at: t0 + 1, actor: "bob", action: "case.claim", caseId: CaseID(2),
                    detail: "next", remote: "cli@host"))
            #expect(first.previousHash == AuditChain.genesis && second.previousHash == first.hash)
            #expect(try await store.audit(caseId: CaseID(2)).map(\.actor) == ["bob"])
            #expect(try await store.audit(caseId: nil).count == 2)
            #expect(try await store.verifyAudit(against: nil).isIntact)
        }
    }

    @Test("against a checkpoint: intact while the log holds its entries; a forged or foreign checkpoint is refused", arguments: StoreKind.allCases)
    func checkpoints(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let empty = try await store.auditCheckpoint(at: t0)
            #expect(empty.entries == 0 && empty.lastId == 0 && empty.lastHash == AuditChain.genesis)
            for second in 0..<3 {
                _ = try await store.appendAudit(
                    AuditEvent(
                        at: t0 + Double(second), actor: "ann", action: "case.show", caseId: nil, detail: "",
                        remote: "cli@host"))
            }
            let checkpoint = try await store.auditCheckpoint(at: t0 + 10)
            #expect(checkpoint.entries == 3 && checkpoint.lastId == 3)
            #expect(try await store.verifyAudit(against: empty).isIntact, "a log that grew still holds an older checkpoint's entries")
            _ = try await store.appendAudit(AuditEvent(at: t0 + 11, actor: "bob", action: "case.show", caseId: nil, detail: "", remote: "x"))
            let later = try await store.verifyAudit(against: checkpoint)
            #expect(later.isIntact && later.checkpointEntries == 3)
            var forged = checkpoint
            forged.entries = 2
            #expect(try await store.verifyAudit(against: forged).reason?.contains("signature") == true)
            let foreign = AuditCheckpoint(entries: 3, lastId: 3, lastHash: checkpoint.lastHash, at: t0 + 10, key: AuditKey.generate())
            #expect(try await store.verifyAudit(against: foreign).isIntact == false)
            var ahead = AuditCheckpoint(entries: 9, lastId: 9, lastHash: checkpoint.lastHash, at: t0 + 10, key: AuditKey.generate())
            ahead.mac = ""
            #expect(try await store.verifyAudit(against: ahead).isIntact == false)
        }
    }

    @Test("the hash covers every field and the key: changing any one of them changes the hash")
    func hashCoversContent() {
        let key = AuditKey.generate()
        let event = AuditEvent(at: t0, actor: "ann", action: "case.show", caseId: CaseID(1), detail: "d", remote: "r")
        let base = AuditChain.hash(previous: AuditChain.genesis, event, key: key)
        var variants: [AuditEvent] = []
        for change in 0..<6 {
            var copy = event
            switch change {
            case 0: copy.at = t0 + 1
            case 1: copy.actor = "eve"
            case 2: copy.action = "case.close"
            case 3: copy.caseId = CaseID(2)
            case 4: copy.detail = "e"
            default: copy.remote = "s"
            }
            variants.append(copy)
        }
        #expect(variants.allSatisfy { AuditChain.hash(previous: AuditChain.genesis, $0, key: key) != base })
        #expect(AuditChain.hash(previous: String(repeating: "1", count: 64), event, key: key) != base)
        #expect(AuditChain.hash(previous: AuditChain.genesis, event, key: AuditKey.generate()) != base)
    }

    @Test("a change to a case and its audit entry commit together; a refused change writes no entry", arguments: StoreKind.allCases)
    func changesAuditedAtomically(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.importReferrals([submission("A", facts: [.childAccessHousehold])], sources: [], now: t0)
            let dc = AuditActor(name: "dc-one", remote: "198.51.100.9:5000")
            let claimed = try #require(try await store.claimNext(by: dc, now: t0 + 1))
            try await store.recordDecision(claimed.caseId, decision: "visit", rationale: "child at home", by: dc, at: t0 + 2)
            try await store.recordNotification(claimed.caseId, flag: .socialCare, by: dc, method: "phone", reference: "MASH-1", at: t0 + 3)
            try await store.release(claimed.caseId, by: dc, now: t0 + 4)
            try await store.close(claimed.caseId, outcome: outcome(), overrideReason: nil, by: dc, at: t0 + 5)
            await #expect(throws: StoreError.self) {
                try await store.close(claimed.caseId, outcome: outcome(), overrideReason: nil, by: dc, at: t0 + 6)
            }
            await #expect(throws: StoreError.self) { try await store.release(claimed.caseId, by: dc, now: t0 + 6) }
            let entries = try await store.audit(caseId: claimed.caseId)
            #expect(entries.map(\.action) == ["case.claim", "case.decide", "flag.notify", "case.release", "case.close"])
            #expect(entries.allSatisfy { $0.actor == "dc-one" && $0.remote == "198.51.100.9:5000" })
            #expect(entries.map(\.at) == [t0 + 1, t0 + 2, t0 + 3, t0 + 4, t0 + 5])
            #expect(
                entries[2].detail == "socialCare via phone, ref MASH-1" && entries[4].detail == "nfa-insufficient-evidence; 0 children safeguarded")
            #expect(try await store.verifyAudit(against: nil).isIntact)
        }
    }

    @Test("docs/DECISIONS.md names every audited action, and no other")
    func decisionsListEveryAction() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/DECISIONS.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let paragraph = try #require(text.components(separatedBy: "- Audited actions:").dropFirst().first?.components(separatedBy: "\n- ").first)
        let named = Set(
            try NSRegularExpression(pattern: "`([a-z]+\\.[a-z]+)`")
                .matches(in: paragraph, range: NSRange(paragraph.startIndex..., in: paragraph))
                .compactMap { Range($0.range(at: 1), in: paragraph).map { String(paragraph[$0]) } })
        #expect(named == Set(AuditAction.allCases.map(\.rawValue)))
    }
}

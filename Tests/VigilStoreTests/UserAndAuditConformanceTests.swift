import Foundation
import Testing
import VigilCore
import VigilStore

@Suite("Store conformance: users and audit")
struct UserAndAuditConformanceTests {
    @Test("users: tokens are found by hash only, names are unique, revoked tokens stop working", arguments: StoreKind.allCases)
    func users(kind: StoreKind) async throws {
        let (store, dispose) = try kind.make()
        defer { dispose() }
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

    @Test("audit entries chain by hash, are listed per case and verify intact", arguments: StoreKind.allCases)
    func chain(kind: StoreKind) async throws {
        let (store, dispose) = try kind.make()
        defer { dispose() }
        let empty = try await store.verifyAudit(against: nil)
        #expect(empty.entries == 0 && empty.isIntact)
        let first = try await store.appendAudit(AuditEvent(at: t0, actor: "ann", action: "case.show", caseId: CaseID(1),
                                                           detail: "", remote: "cli@host"))
        let second = try await store.appendAudit(AuditEvent(at: t0 + 1, actor: "bob", action: "case.claim", caseId: CaseID(2),
                                                            detail: "next", remote: "cli@host"))
        #expect(first.previousHash == AuditChain.genesis && second.previousHash == first.hash)
        #expect(try await store.audit(caseId: CaseID(2)).map(\.actor) == ["bob"])
        #expect(try await store.audit(caseId: nil).count == 2)
        #expect(try await store.verifyAudit(against: nil).isIntact)
    }

    @Test("against a checkpoint: intact while the log holds its entries; a forged or foreign checkpoint is refused", arguments: StoreKind.allCases)
    func checkpoints(kind: StoreKind) async throws {
        let (store, dispose) = try kind.make()
        defer { dispose() }
        let empty = try await store.auditCheckpoint(at: t0)
        #expect(empty.entries == 0 && empty.lastId == 0 && empty.lastHash == AuditChain.genesis)
        for second in 0..<3 {
            _ = try await store.appendAudit(AuditEvent(at: t0 + Double(second), actor: "ann", action: "case.show", caseId: nil, detail: "",
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
}

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
        let empty = try await store.verifyAudit()
        #expect(empty.entries == 0 && empty.isIntact)
        let first = try await store.appendAudit(AuditEvent(at: t0, actor: "ann", action: "case.show", caseId: CaseID(1),
                                                           detail: "", remote: "cli@host"))
        let second = try await store.appendAudit(AuditEvent(at: t0 + 1, actor: "bob", action: "case.claim", caseId: CaseID(2),
                                                            detail: "next", remote: "cli@host"))
        #expect(first.previousHash == AuditChain.genesis && second.previousHash == first.hash)
        #expect(try await store.audit(caseId: CaseID(2)).map(\.actor) == ["bob"])
        #expect(try await store.audit(caseId: nil).count == 2)
        #expect(try await store.verifyAudit().isIntact)
    }

    @Test("the hash covers every field: changing any one of them changes the hash")
    func hashCoversContent() {
        let event = AuditEvent(at: t0, actor: "ann", action: "case.show", caseId: CaseID(1), detail: "d", remote: "r")
        let base = AuditChain.hash(previous: AuditChain.genesis, event)
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
        #expect(variants.allSatisfy { AuditChain.hash(previous: AuditChain.genesis, $0) != base })
        #expect(AuditChain.hash(previous: String(repeating: "1", count: 64), event) != base)
    }
}

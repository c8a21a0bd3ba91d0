import Foundation
import GRDB
import Testing
import VigilCore
@testable import VigilSQLite
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("SQLite migrations")
struct SQLiteMigrationTests {
    @Test("v5 rebuilds the checks table: rows, ids and states survive, an unknown state is still refused, the wide unique index is gone")
    func checksRebuildKeepsRowsAndRule() async throws {
        let (path, dispose) = try await scratchDatabase(
            migratedUpTo: "v4-drop-redundant-check-index",
            rows: """
                    INSERT INTO cases (grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at)
                    VALUES (1, 1, 3, 99, 0, 1, 0);
                    INSERT INTO checks (id, case_id, source, query, state, max_attempts, next_attempt_at, created_at)
                    VALUES (41, 1, 'pnc', '{"person":{"name":"Sam Sample"}}', 'pending', 4, 0, 0),
                           (42, 1, 'subscriber', '{"ip":{"ipAddress":"198.51.100.7"}}', 'done', 4, 0, 0);
                """)
        defer { dispose() }

        let store = try SQLiteStore(path: path)
        let detail = try await store.caseDetail(CaseID(1), asOf: t0)
        #expect(detail.checks.map(\.id).sorted() == [41, 42])
        #expect(Set(detail.checks.map(\.state)) == [.pending, .done])
        let reopened = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) {
            try reopened.write { try $0.execute(sql: "UPDATE checks SET state = 'forgotten' WHERE id = 41") }
        }
        let indexes = try await reopened.read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'checks' ORDER BY name")
        }
        #expect(indexes == ["checks_case", "checks_leases"], "(v9 dropped checks_runnable)")
        let table = try await reopened.read { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'checks'") }
        #expect(table?.contains(" IN (") == false, "the state rule is comparisons, not an IN list (a temporary B-tree per insert)")
    }

    @Test("v6: re-assessment reads a case's facts from a covering index, and counts exactly pending and running checks as unfinished")
    func reassessmentReadsCoveringIndexes() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        _ = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO cases (grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at)
                    VALUES (1, 1, 3, 99, 0, 1, 0);
                    INSERT INTO facts (case_id, fact, value, provenance, at) VALUES (1, 'sexualOffenceHistory', 1, 'check:pnc', 0);
                    INSERT INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at)
                    VALUES (1, 'a-done', '{}', 'done', 4, 0, 0), (1, 'b-failed', '{}', 'failed', 4, 0, 0),
                           (1, 'c-pending', '{}', 'pending', 4, 0, 0), (1, 'd-running', '{}', 'running', 4, 0, 0);
                    """)
        }
        let state = try await queue.read { try SQLiteStore.loadCase($0, 1).state }
        #expect(state.pendingChecks.sorted() == ["c-pending", "d-running"])
        #expect(state.facts[.sexualOffenceHistory].value == .yes)
        let plan = try await queue.read { db in
            try String.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT fact, value, provenance, at FROM facts WHERE case_id = 1",
                adapter: SuffixRowAdapter(fromIndex: 3)
            ).joined()
        }
        #expect(plan.contains("COVERING INDEX facts_case"))
    }

    @Test("v7 keeps every link key, looks keys up through the hash index, and a referral still joins an open case by a key stored before v7")
    func hashedLinkKeysKeepLinks() async throws {
        let (path, dispose) = try await scratchDatabase(
            migratedUpTo: "v6-covering-facts-index",
            rows: """
                    INSERT INTO cases (grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at)
                    VALUES (1, 1, 3, 99, 0, 1, 0);
                    INSERT INTO cases (status, grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at)
                    VALUES ('closed', 1, 1, 3, 99, 0, 1, 0);
                    INSERT INTO link_keys (key, case_id)
                    VALUES ('email:sam@example.com', 1), ('phone:447700900001', 1), ('email:other@example.com', 2);
                """)
        defer { dispose() }

        let store = try SQLiteStore(path: path)
        let outcomes = try await store.importReferrals(
            [
                submission("A", links: [LinkKey.phone("07700 900001")!]),
                submission("B", links: [LinkKey.email("other@example.com")!]),
            ], sources: [], now: t0)
        #expect(outcomes.map(accepted) == [CaseID(1), CaseID(3)], "joins open case 1; closed case 2 is not joined")

        let reopened = try DatabaseQueue(path: path)
        let rows = try await reopened.read { db in
            try Row.fetchAll(db, sql: "SELECT key, key_hash, case_id FROM all_link_keys ORDER BY case_id, key").map {
                "\($0[0] as String)@\($0[2] as Int64)#\(($0[1] as Int64) == SQLiteStore.linkKeyHash(LinkKey(rawValue: $0[0])))"
            }
        }
        #expect(
            rows == [
                "email:sam@example.com@1#true", "phone:447700900001@1#true", "email:other@example.com@2#true",
                "email:other@example.com@3#true",
            ])
        let plan = try await reopened.read { db in
            try String.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT l.case_id FROM all_link_keys l JOIN cases c ON c.id = l.case_id
                    WHERE l.key_hash = 1 AND l.key = 'x' AND c.status = 'open' ORDER BY l.case_id LIMIT 1
                    """, adapter: SuffixRowAdapter(fromIndex: 3)
            ).joined(separator: "; ")
        }
        #expect(plan.contains("INDEX link_keys_hash") && plan.contains("INDEX recent_link_keys_hash"))
        #expect(!plan.contains("TEMP B-TREE"))
    }

    @Test("two link keys whose stored hashes collide never link each other's cases")
    func hashCollisionDoesNotLink() async throws {
        let first = LinkKey.email("user55569@example.com")!
        let second = LinkKey.email("user60555@example.com")!
        #expect(SQLiteStore.linkKeyHash(first) == SQLiteStore.linkKeyHash(second), "the two keys are a known collision")
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path)
        let outcomes = try await store.importReferrals(
            [
                submission("A", links: [first]), submission("B", links: [second]), submission("C", links: [first]),
                submission("D", links: [first, second]), submission("E", links: [first, second]),
            ], sources: [], now: t0)
        #expect(
            outcomes.map(accepted) == [CaseID(1), CaseID(2), CaseID(1), CaseID(1), CaseID(1)],
            "B's key collides with A's but opens its own case; D shares both keys, so it joins the oldest")
        let links = try await DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT key, case_id FROM all_link_keys ORDER BY case_id, key").map { "\($0[0] as String)@\($0[1] as Int64)" }
        }
        #expect(
            links == ["\(first)@1", "\(second)@1", "\(second)@2"],
            "case 1 gains B's key beside A's colliding one, once; keys a case has are not stored again")
    }

    @Test(
        "new link keys gather in recent_link_keys and move into link_keys once enough have: links hold across both, and a key a case has is never stored twice"
    )
    func recentLinkKeysSettle() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path, targets: .standard, linkKeysSettleAt: 4, auditKey: AuditKey.generate())
        let (a, b, c, d) = (
            LinkKey.email("a@example.com")!, LinkKey.email("b@example.com")!,
            LinkKey.email("c@example.com")!, LinkKey.email("d@example.com")!
        )
        func tables() async throws -> [String] {
            try await DatabaseQueue(path: path).read { db in
                try ["link_keys", "recent_link_keys"].map { table in
                    try String.fetchAll(db, sql: "SELECT key || '@' || case_id FROM \(table) ORDER BY case_id, key").joined(separator: " ")
                }
            }
        }

        #expect(
            try await store.importReferrals([submission("A", links: [a]), submission("B", links: [b, c])], sources: [], now: t0)
                .map(accepted) == [CaseID(1), CaseID(2)])
        #expect(try await tables() == ["", "\(a)@1 \(b)@2 \(c)@2"], "three keys wait in the recent table")

        #expect(try await store.importReferrals([submission("C", links: [d])], sources: [], now: t0).map(accepted) == [CaseID(3)])
        let settled = try await tables()
        #expect(settled == ["\(a)@1 \(b)@2 \(c)@2 \(d)@3", ""], "the fourth key moves all four at the end of the chunk")
        let hashes = try await DatabaseQueue(path: path).read { try Int64.fetchAll($0, sql: "SELECT key_hash FROM link_keys ORDER BY id") }
        #expect(hashes == hashes.sorted(), "moved in hash order")

        let joins = try await store.importReferrals(
            [
                submission("D", links: [c]),  // settled key of case 2
                submission("E", links: [a, d]),  // settled keys of cases 1 and 3: the oldest wins
                submission("F", links: [LinkKey.email("e@example.com")!]),
                submission("G", links: [LinkKey.email("e@example.com")!, b]),  // recent key of case 4, settled key of case 2
            ], sources: [], now: t0)
        #expect(joins.map(accepted) == [CaseID(2), CaseID(1), CaseID(4), CaseID(2)])
        let after = try await tables()
        #expect(
            after[1] == "\(d)@1 email:e@example.com@2 email:e@example.com@4",
            "only keys a case lacked were added; nothing settled yet (3 < 4)")
    }

    @Test("a new database has 8 KiB pages in WAL mode; a database made with 4 KiB pages keeps them and still opens")
    func pageSize() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        _ = try SQLiteStore(path: path)
        let settings = try await DatabaseQueue(path: path).read { db in
            "\(try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0) \(try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "")"
        }
        #expect(settings == "8192 wal")

        let (oldPath, disposeOld) = try scratchDatabasePath()
        defer { disposeOld() }
        let old = try DatabaseQueue(path: oldPath)
        try await old.write { try $0.execute(sql: "PRAGMA page_size = 4096; CREATE TABLE earlier (x)") }
        try old.close()
        let store = try SQLiteStore(path: oldPath)
        #expect(try await store.importReferrals([submission("A")], sources: [], now: t0).map(accepted) == [CaseID(1)])
        #expect(try await DatabaseQueue(path: oldPath).read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 4096)
    }

    @Test("v10 keeps every check, fact and recent link key; a row whose case does not exist still fails, at the commit")
    func deferredChildKeys() async throws {
        let (path, dispose) = try await scratchDatabase(
            migratedUpTo: "v9-case-research-queue",
            rows: """
                    INSERT INTO cases (grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at)
                    VALUES (1, 1, 3, 99, 0, 1, 0);
                    INSERT INTO checks (id, case_id, source, query, state, max_attempts, next_attempt_at, created_at)
                    VALUES (41, 1, 'pnc', '{"person":{"name":"Sam Sample"}}', 'pending', 4, 0, 0);
                    INSERT INTO facts (case_id, fact, value, provenance, at) VALUES (1, 'imminentDanger', 1, 'referral', 0);
                    INSERT INTO recent_link_keys (key, key_hash, case_id) VALUES ('email:sam@example.com', 7, 1);
                """)
        defer { dispose() }

        let store = try SQLiteStore(path: path)
        let detail = try await store.caseDetail(CaseID(1), asOf: t0)
        #expect(detail.checks.map(\.id) == [41])
        #expect(detail.facts.first { $0.fact == .imminentDanger }?.value == .yes)
        let reopened = try DatabaseQueue(path: path)
        #expect(try await reopened.read { try String.fetchAll($0, sql: "SELECT key FROM all_link_keys") } == ["email:sam@example.com"])
        for orphan in [
            "INSERT INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at) VALUES (9, 'pnc', '{}', 'pending', 4, 0, 0)",
            "INSERT INTO facts (case_id, fact, value, provenance, at) VALUES (1, 'imminentDanger', 0, 'referral', 0), (9, 'imminentDanger', 1, 'referral', 0)",
            "INSERT INTO recent_link_keys (key, key_hash, case_id) VALUES ('email:nobody@example.com', 8, 9)",
        ] {
            #expect(throws: DatabaseError.self, "\(orphan)") { try reopened.write { try $0.execute(sql: orphan) } }
        }
        #expect(
            try await reopened.read { try Int.fetchOne($0, sql: "SELECT (SELECT count(*) FROM checks) + (SELECT count(*) FROM facts)") } == 2,
            "a refused transaction leaves nothing behind")
    }

    @Test("v12 gives existing cases the due instant and promotion rank VigilCore computes; ageing then promotes them as before")
    func duePromotionColumns() async throws {
        let day: Int64 = 86_400_000
        let received = t0.millis - 40 * day
        let (path, dispose) = try await scratchDatabase(
            migratedUpTo: "v11-keyed-audit-chain",
            rows: """
                INSERT INTO cases (id, grade_rank, effective_rank, promote_at, access_rank, youngest_rank, received_at, provisional, updated_at)
                VALUES (1, \(Grade.low.rawValue), \(Grade.low.rawValue), \(received + 30 * day), 1, 99, \(received), 0, 0),
                       (2, \(Grade.high.rawValue), \(Grade.high.rawValue), NULL, 0, 99, \(received), 0, 0);
                """)
        defer { dispose() }
        let store = try SQLiteStore(path: path, auditKey: AuditKey.generate())
        let rows = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, due_at, promoted_rank FROM cases ORDER BY id").map { [$0[0], $0[1], $0[2]] as [Int64?] }
        }
        #expect(rows == [[1, received + 30 * day, Int64(Grade.medium.rawValue)], [2, received + 7 * day, nil]])
        let statistics = try await store.backlogStatistics(asOf: t0)
        #expect(statistics.byEffectiveGrade[.medium] == 1 && statistics.overdue == 2, "\(statistics)")
        let first = try #require(try await store.claimNext(by: AuditActor(name: "ann", remote: "test"), now: t0))
        #expect(first.caseId == CaseID(2), "High first; the promoted Low is Medium")
        #expect(try await store.caseDetail(CaseID(1), asOf: t0).summary.effectiveGrade == .medium)
        let lookingBack = try await store.backlogStatistics(asOf: t0 - 20 * 86_400)
        #expect(
            lookingBack.byEffectiveGrade[.low] == 1 && lookingBack.byEffectiveGrade[.medium] == nil,
            "before its due instant the swept case is still Low: \(lookingBack)")
    }

    @Test("v13 puts a case whose facts say a child is in imminent danger first, and leads the order index with it")
    func imminentDangerRank() async throws {
        let (path, dispose) = try await scratchDatabase(
            migratedUpTo: "v12-case-due-and-promotion",
            rows: """
                INSERT INTO cases (id, grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at, due_at)
                VALUES (1, \(Grade.veryHigh.rawValue), \(Grade.veryHigh.rawValue), 0, 0, \(t0.millis), 0, 0, \(t0.millis)),
                       (2, \(Grade.veryHigh.rawValue), \(Grade.veryHigh.rawValue), 1, 99, \(t0.millis + 1000), 0, 0, \(t0.millis)),
                       (3, \(Grade.low.rawValue), \(Grade.low.rawValue), 1, 99, \(t0.millis), 0, 0, \(t0.millis));
                INSERT INTO facts (case_id, fact, value, provenance, at) VALUES
                    (2, 'imminentDanger', 1, 'referral', 0), (3, 'imminentDanger', 0, 'check:pnd', 0);
                """)
        defer { dispose() }
        let store = try SQLiteStore(path: path, auditKey: AuditKey.generate())
        let backlog = try await store.backlog(asOf: t0, limit: nil)
        #expect(backlog.map(\.caseId) == [CaseID(2), CaseID(1), CaseID(3)], "a 'no' from a source is not imminent danger")
        #expect(backlog.map(\.imminentDanger) == [true, false, false])
        let plan = try await store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT id FROM cases WHERE status = 'open' AND claimed_by IS NULL
                    ORDER BY imminent_rank, effective_rank DESC, access_rank, youngest_rank, received_at, id LIMIT 1
                    """
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("cases_backlog") } && !plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        #expect(try await store.claimNext(by: AuditActor(name: "ann", remote: "test"), now: t0)?.caseId == CaseID(2))
    }

    @Test("v18 places a case's existing call on its first household, with the notification on it; the next grading raises the other household's")
    func callsPerHousehold() async throws {
        let south = "address:12 Placeholder Close, Sampleford, ZZ1 1AA"
        let north = "address:41 Sample Street, Northtown, ZZ9 9ZZ"
        let teacher = "person:Tess Testcase (DOB 1984-04-04)"
        let (path, dispose) = try await scratchDatabase(
            migratedUpTo: "v17-subjects-addresses",
            rows: """
                INSERT INTO cases (id, grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at, due_at)
                VALUES (1, \(Grade.veryHigh.rawValue), \(Grade.veryHigh.rawValue), 0, 3, \(t0.millis), 0, 0, \(t0.millis)),
                       (2, \(Grade.low.rawValue), \(Grade.low.rawValue), 0, 99, \(t0.millis), 0, 0, \(t0.millis));
                INSERT INTO facts (case_id, fact, value, provenance, at, about) VALUES
                    (1, 'distribution', 1, 'referral', 0, NULL), (1, 'childAccessHousehold', 1, 'referral', 0, '\(north)'),
                    (1, 'childAccessHousehold', 1, 'check:social-care', 0, '\(south)'), (2, 'childAccessOccupation', 1, 'referral', 0, '\(teacher)');
                INSERT INTO children (case_id, age, relation, provenance, at, about) VALUES
                    (1, 3, 'household', 'referral', 0, '\(north)'), (1, 7, 'household', 'check:social-care', 0, '\(south)');
                INSERT INTO flags (case_id, kind, state, raised_at, due_at, raised_by) VALUES
                    (1, 'socialCare', 'notified', \(t0.millis), \(t0.millis + 86_400_000), 'referral'),
                    (2, 'lado', 'open', \(t0.millis), \(t0.millis + 86_400_000), 'referral');
                INSERT INTO notifications (case_id, flag_kind, officer, at, method, reference) VALUES (1, 'socialCare', 'dc', 0, 'phone', 'SC-1');
                """)
        defer { dispose() }
        let store = try SQLiteStore(path: path, auditKey: AuditKey.generate())
        let migrated = try await store.caseDetail(CaseID(1), asOf: t0)
        #expect(migrated.summary.flags.map(\.key) == [FlagKey(.socialCare, about: Subject(rawValue: south))], "the first household in sort order")
        #expect(migrated.notifications.map(\.flagKey) == [FlagKey(.socialCare, about: Subject(rawValue: south))])
        #expect(try await store.caseDetail(CaseID(2), asOf: t0).summary.flags.map(\.about) == [Subject(rawValue: teacher)])

        let finding = try OfficerFinding(facts: [], children: ["9:household"], note: "visit", by: "dc", at: t0 + 60, about: Subject(rawValue: north))
        try await store.recordFinding(CaseID(1), finding, by: AuditActor(name: "dc", remote: "test"), at: t0 + 60)
        let graded = try await store.caseDetail(CaseID(1), asOf: t0 + 60).summary.flags
        #expect(graded.map(\.key) == [FlagKey(.socialCare, about: Subject(rawValue: south)), FlagKey(.socialCare, about: Subject(rawValue: north))])
        #expect(graded.map(\.state) == [.notified, .open])
    }

    @Test("v11 re-anchors an audit chain made before the key, once its unkeyed links check out; a broken one is refused")
    func keyedAuditChain() async throws {
        var rows: [String] = []
        var previous = AuditChain.genesis
        for id in 1...3 {
            let event = AuditEvent(
                at: Date(millis: Int64(id) * 1000), actor: "ann", action: "case.show", caseId: CaseID(Int64(id)),
                detail: "", remote: "cli@host")
            let hash = AuditChain.legacyHash(previous: previous, event)
            rows.append(
                "INSERT INTO audit_log (id, at, actor, action, case_id, detail, remote, previous_hash, hash) "
                    + "VALUES (\(id), \(id * 1000), 'ann', 'case.show', \(id), '', 'cli@host', '\(previous)', '\(hash)');")
            previous = hash
        }
        let (path, dispose) = try await scratchDatabase(migratedUpTo: "v10-deferred-child-keys", rows: rows.joined())
        defer { dispose() }
        let key = AuditKey.generate()
        let store = try SQLiteStore(path: path, auditKey: key)
        let verified = try await store.verifyAudit(against: nil)
        #expect(verified.isIntact && verified.entries == 3)
        let entries = try await store.audit(caseId: nil)
        #expect(entries.last?.hash == AuditChain.hash(previous: entries[1].hash, entries[2].event, key: key))
        #expect(
            try await SQLiteStore(path: path, auditKey: AuditKey.generate()).verifyAudit(against: nil).firstBrokenId == 1,
            "the same log under another key does not verify")

        let broken = rows.joined().replacingOccurrences(of: "VALUES (2, 2000, 'ann'", with: "VALUES (2, 2000, 'eve'")
        let (brokenPath, disposeBroken) = try await scratchDatabase(migratedUpTo: "v10-deferred-child-keys", rows: broken)
        defer { disposeBroken() }
        #expect { try SQLiteStore(path: brokenPath, auditKey: key) } throws: { "\($0)".contains("broken at entry 2") }
    }
}

/// A scratch database migrated up to `migration` with `rows` (SQL) written into it, and closed: the state an
/// older version left behind, for testing the migrations after it.
func scratchDatabase(migratedUpTo migration: String, rows: String) async throws -> (String, @Sendable () -> Void) {
    let (path, dispose) = try scratchDatabasePath()
    let queue = try DatabaseQueue(path: path)
    try SQLiteSchema.migrator(auditKey: AuditKey.generate(), targets: .standard).migrate(queue, upTo: migration)
    try await queue.write { try $0.execute(sql: rows) }
    try queue.close()
    return (path, dispose)
}

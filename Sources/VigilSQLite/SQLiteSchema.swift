#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB
import VigilCore
import VigilStore

/// The versioned migrations of the SQLite store. Times are integer milliseconds since 1970 (UTC).
enum SQLiteSchema {
    /// The migrations; `auditKey` re-anchors an audit chain made before the key (v11), `targets` gives
    /// existing cases their due and promotion instants (v12).
    static func migrator(auditKey: AuditKey, targets: ActionTargets) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-cases-referrals-checks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cases (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
                        grade_rank INTEGER NOT NULL,
                        effective_rank INTEGER NOT NULL,
                        promote_at INTEGER,
                        access_rank INTEGER NOT NULL,
                        youngest_rank INTEGER NOT NULL,
                        received_at INTEGER NOT NULL,
                        provisional INTEGER NOT NULL,
                        claimed_by TEXT,
                        claimed_at INTEGER,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX cases_backlog ON cases (effective_rank DESC, access_rank, youngest_rank, received_at, id)
                        WHERE status = 'open' AND claimed_by IS NULL;
                    CREATE INDEX cases_promotion ON cases (promote_at) WHERE promote_at IS NOT NULL;

                    CREATE TABLE referrals (
                        id INTEGER PRIMARY KEY,
                        source TEXT NOT NULL,
                        ref TEXT NOT NULL,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        received_at INTEGER NOT NULL,
                        imported_at INTEGER NOT NULL,
                        payload TEXT NOT NULL,
                        content_digest TEXT NOT NULL,
                        UNIQUE (source, ref)
                    );
                    CREATE INDEX referrals_case ON referrals (case_id);

                    CREATE TABLE link_keys (
                        key TEXT NOT NULL,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        PRIMARY KEY (key, case_id)
                    ) WITHOUT ROWID;

                    CREATE TABLE facts (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        fact TEXT NOT NULL,
                        value INTEGER NOT NULL,
                        provenance TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX facts_case ON facts (case_id);

                    CREATE TABLE children (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        age INTEGER,
                        relation TEXT NOT NULL,
                        provenance TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX children_case ON children (case_id);

                    CREATE TABLE assessments (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        grade_rank INTEGER NOT NULL,
                        policy TEXT NOT NULL,
                        path TEXT NOT NULL,
                        provisional INTEGER NOT NULL,
                        pending_checks TEXT NOT NULL,
                        facts_used TEXT NOT NULL,
                        trigger TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX assessments_case ON assessments (case_id);

                    CREATE TABLE flags (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        kind TEXT NOT NULL,
                        state TEXT NOT NULL,
                        raised_at INTEGER NOT NULL,
                        due_at INTEGER NOT NULL,
                        raised_by TEXT NOT NULL,
                        UNIQUE (case_id, kind)
                    );

                    CREATE TABLE notifications (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        flag_kind TEXT NOT NULL,
                        officer TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        method TEXT NOT NULL,
                        reference TEXT NOT NULL
                    );
                    CREATE INDEX notifications_case ON notifications (case_id);

                    CREATE TABLE decisions (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        kind TEXT NOT NULL,
                        officer TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        flag_kind TEXT,
                        detail TEXT NOT NULL,
                        review_by INTEGER
                    );
                    CREATE INDEX decisions_case ON decisions (case_id);

                    CREATE TABLE claims (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        officer TEXT NOT NULL,
                        claimed_at INTEGER NOT NULL,
                        released_at INTEGER
                    );
                    CREATE INDEX claims_case ON claims (case_id);

                    CREATE TABLE checks (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        source TEXT NOT NULL,
                        query TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        max_attempts INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_until INTEGER,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        summary TEXT,
                        created_at INTEGER NOT NULL,
                        finished_at INTEGER,
                        UNIQUE (case_id, source, query)
                    );
                    CREATE INDEX checks_runnable ON checks (next_attempt_at) WHERE state = 'pending';
                    CREATE INDEX checks_leases ON checks (lease_until) WHERE state = 'running';
                    CREATE INDEX checks_case ON checks (case_id);
                    """)
        }
        migrator.registerMigration("v2-users-audit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        name TEXT PRIMARY KEY,
                        role TEXT NOT NULL,
                        token_hash TEXT NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    );

                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        case_id INTEGER,
                        detail TEXT NOT NULL,
                        remote TEXT NOT NULL,
                        previous_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX audit_case ON audit_log (case_id);
                    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """)
        }
        migrator.registerMigration("v3-dashboard") { db in
            try db.execute(
                sql: """
                    CREATE TABLE daily_snapshots (
                        day TEXT PRIMARY KEY,
                        taken_at INTEGER NOT NULL,
                        very_high INTEGER NOT NULL,
                        high INTEGER NOT NULL,
                        medium INTEGER NOT NULL,
                        low INTEGER NOT NULL,
                        referrals_in INTEGER NOT NULL,
                        closed INTEGER NOT NULL,
                        reconstructed INTEGER NOT NULL
                    );
                    CREATE INDEX cases_open_received ON cases (received_at) WHERE status = 'open';
                    CREATE INDEX cases_open_grade_received ON cases (grade_rank, received_at) WHERE status = 'open';
                    CREATE INDEX cases_held ON cases (claimed_by, claimed_at) WHERE status = 'open' AND claimed_by IS NOT NULL;
                    CREATE INDEX decisions_close ON decisions (at) WHERE kind = 'close';
                    CREATE TABLE check_counts (
                        source TEXT NOT NULL,
                        state TEXT NOT NULL,
                        n INTEGER NOT NULL,
                        PRIMARY KEY (source, state)
                    ) WITHOUT ROWID;
                    INSERT INTO check_counts (source, state, n) SELECT source, state, COUNT(*) FROM checks GROUP BY source, state;
                    """)
        }
        migrator.registerMigration("v4-drop-redundant-check-index") { db in
            // UNIQUE (case_id, source, query) already serves lookups by case; a second index on case_id
            // only cost every planned check one more B-tree insert.
            try db.execute(sql: "DROP INDEX checks_case")
        }
        migrator.registerMigration("v5-lean-checks-table") { db in
            // SQLite 3.40 evaluates `CHECK (state IN (…four values…))` by building a temporary B-tree on
            // every insert and update of a check; the same rule written as comparisons costs nothing. The
            // wide UNIQUE (case_id, source, query) index, which copied every query's text, becomes a plain
            // index on case_id: the store itself skips a check its case already has (one writer at a time).
            try db.execute(
                sql: """
                    CREATE TABLE checks_v5 (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        source TEXT NOT NULL,
                        query TEXT NOT NULL,
                        state TEXT NOT NULL
                            CHECK (state = 'pending' OR state = 'running' OR state = 'done' OR state = 'failed'),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        max_attempts INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_until INTEGER,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        summary TEXT,
                        created_at INTEGER NOT NULL,
                        finished_at INTEGER
                    );
                    INSERT INTO checks_v5 SELECT * FROM checks;
                    DROP TABLE checks;
                    ALTER TABLE checks_v5 RENAME TO checks;
                    CREATE INDEX checks_runnable ON checks (next_attempt_at) WHERE state = 'pending';
                    CREATE INDEX checks_leases ON checks (lease_until) WHERE state = 'running';
                    CREATE INDEX checks_case ON checks (case_id);
                    """)
        }
        migrator.registerMigration("v6-covering-facts-index") { db in
            // Re-assessing a case that a new referral joins reads all its facts. An index holding those
            // columns answers from one contiguous run of index entries instead of one table-row look-up per
            // fact. (The same for `checks_case` made every check insert and state change dearer and the
            // import with checks ~5% slower, so that index stays on case_id alone.)
            try db.execute(
                sql: """
                    DROP INDEX facts_case;
                    CREATE INDEX facts_case ON facts (case_id, fact, value, provenance, at);
                    """)
        }
        migrator.registerMigration("v7-hashed-link-keys") { db in
            // Link keys were a table ordered by their text, so the random order in which keys arrive made
            // every import transaction rewrite most of its pages. Rows are now appended, and the index
            // orders a 32-bit hash of the text (SQLiteStore+LinkKeys.swift).
            try db.execute(
                sql: """
                    CREATE TABLE link_keys_v7 (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL,
                        key_hash INTEGER NOT NULL,
                        case_id INTEGER NOT NULL REFERENCES cases(id)
                    )
                    """)
            let insert = try db.makeStatement(sql: "INSERT INTO link_keys_v7 (key, key_hash, case_id) VALUES (?, ?, ?)")
            let rows = try Row.fetchCursor(db, sql: "SELECT key, case_id FROM link_keys ORDER BY case_id, key")
            while let row = try rows.next() {
                let key: String = row[0]
                try insert.execute(arguments: [key, SQLiteStore.linkKeyHash(LinkKey(rawValue: key)), row[1] as Int64])
            }
            try db.execute(
                sql: """
                    DROP TABLE link_keys;
                    ALTER TABLE link_keys_v7 RENAME TO link_keys;
                    CREATE INDEX link_keys_hash ON link_keys (key_hash, case_id);
                    """)
        }
        migrator.registerMigration("v8-recent-link-keys") { db in
            // New link keys gather in a small table of their own and move into `link_keys` in hash order
            // tens of thousands at a time, so an import transaction no longer rewrites most pages of the
            // large hash index (SQLiteStore+LinkKeys.swift). Look-ups read both through the view.
            try db.execute(
                sql: """
                    CREATE TABLE recent_link_keys (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL,
                        key_hash INTEGER NOT NULL,
                        case_id INTEGER NOT NULL REFERENCES cases(id)
                    );
                    CREATE INDEX recent_link_keys_hash ON recent_link_keys (key_hash, case_id);
                    CREATE VIEW all_link_keys AS
                        SELECT key, key_hash, case_id FROM link_keys
                        UNION ALL SELECT key, key_hash, case_id FROM recent_link_keys;
                    """)
        }
        migrator.registerMigration("v9-case-research-queue") { db in
            // Each case keeps the earliest due time of its pending checks, and the cases that have one are
            // indexed in backlog order, so a lease no longer sorts every pending check (SQLiteStore+ResearchQueue).
            // `checks_runnable` only served the old lease query: dropping it spares every planned check an
            // index insert.
            try db.execute(
                sql: """
                    ALTER TABLE cases ADD COLUMN research_at INTEGER;
                    UPDATE cases SET research_at = (SELECT MIN(next_attempt_at) FROM checks WHERE case_id = cases.id AND state = 'pending');
                    CREATE INDEX cases_research ON cases (effective_rank DESC, access_rank, youngest_rank, received_at, id)
                        WHERE research_at IS NOT NULL;
                    DROP INDEX checks_runnable;
                    """)
        }
        migrator.registerMigration("v10-deferred-child-keys") { db in
            // An import inserts a case's checks, facts and link keys several rows per statement. SQLite gives
            // such a statement a statement journal (a copy of every page it touches, to undo half a statement)
            // whenever a row could fail it halfway; an immediate foreign key is such a place, and inserting
            // `OR FAIL` cannot lift it. Deferred to the commit, the key is still checked for every row, and the
            // statement needs no journal. These three tables are only ever filled beside their case, in the
            // same transaction.
            try db.execute(
                sql: """
                    DROP VIEW all_link_keys;
                    CREATE TABLE checks_v10 (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED,
                        source TEXT NOT NULL,
                        query TEXT NOT NULL,
                        state TEXT NOT NULL
                            CHECK (state = 'pending' OR state = 'running' OR state = 'done' OR state = 'failed'),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        max_attempts INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_until INTEGER,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        summary TEXT,
                        created_at INTEGER NOT NULL,
                        finished_at INTEGER
                    );
                    INSERT INTO checks_v10 SELECT * FROM checks;
                    DROP TABLE checks;
                    ALTER TABLE checks_v10 RENAME TO checks;
                    CREATE INDEX checks_leases ON checks (lease_until) WHERE state = 'running';
                    CREATE INDEX checks_case ON checks (case_id);
                    CREATE TABLE facts_v10 (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED,
                        fact TEXT NOT NULL,
                        value INTEGER NOT NULL,
                        provenance TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    INSERT INTO facts_v10 SELECT * FROM facts;
                    DROP TABLE facts;
                    ALTER TABLE facts_v10 RENAME TO facts;
                    CREATE INDEX facts_case ON facts (case_id, fact, value, provenance, at);
                    CREATE TABLE recent_link_keys_v10 (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL,
                        key_hash INTEGER NOT NULL,
                        case_id INTEGER NOT NULL REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED
                    );
                    INSERT INTO recent_link_keys_v10 SELECT * FROM recent_link_keys;
                    DROP TABLE recent_link_keys;
                    ALTER TABLE recent_link_keys_v10 RENAME TO recent_link_keys;
                    CREATE INDEX recent_link_keys_hash ON recent_link_keys (key_hash, case_id);
                    CREATE VIEW all_link_keys AS
                        SELECT key, key_hash, case_id FROM link_keys
                        UNION ALL SELECT key, key_hash, case_id FROM recent_link_keys;
                    """)
        }
        migrator.registerMigration("v11-keyed-audit-chain") { db in
            try SQLiteStore.anchorAuditChain(db, key: auditKey)
        }
        migrator.registerMigration("v12-case-due-and-promotion") { db in
            // Each case's due instant and the rank ageing promotes it to, as VigilCore computes them:
            // queries then compare plain instants and copy a rank, and no grading rule is spelt in SQL.
            try db.execute(sql: "ALTER TABLE cases ADD COLUMN due_at INTEGER; ALTER TABLE cases ADD COLUMN promoted_rank INTEGER")
            let update = try db.makeStatement(sql: "UPDATE cases SET due_at = ?, promoted_rank = ? WHERE id = ?")
            let rows = try Row.fetchCursor(db, sql: "SELECT id, grade_rank, received_at FROM cases")
            while let row = try rows.next() {
                guard let grade = Grade(rawValue: row[1]) else { continue }
                let promoted = grade.agedPromotion == grade ? nil : grade.agedPromotion.rawValue
                try update.execute(arguments: [targets.dueAt(grade: grade, receivedAt: Date(millis: row[2])).millis, promoted, row[0] as Int64])
            }
        }
        migrator.registerMigration("v13-imminent-danger-first") { db in
            // A child reported in immediate danger goes before every other case (DESIGN.md, backlog order
            // step 0): `imminent_rank` (0 imminent, 1 not) leads both order indexes. Existing cases take it
            // from their facts as VigilCore combines them.
            try db.execute(
                sql: """
                    ALTER TABLE cases ADD COLUMN imminent_rank INTEGER NOT NULL DEFAULT 1;
                    DROP INDEX cases_backlog;
                    CREATE INDEX cases_backlog ON cases (imminent_rank, effective_rank DESC, access_rank, youngest_rank, received_at, id)
                        WHERE status = 'open' AND claimed_by IS NULL;
                    DROP INDEX cases_research;
                    CREATE INDEX cases_research ON cases (imminent_rank, effective_rank DESC, access_rank, youngest_rank, received_at, id)
                        WHERE research_at IS NOT NULL;
                    """)
            let reported = try Int64.fetchAll(
                db, sql: "SELECT DISTINCT case_id FROM facts WHERE fact = ?", arguments: [FactKind.imminentDanger.rawValue])
            for caseId in reported {
                // The facts as they stood at v13 (later migrations add columns `loadCase` reads).
                let facts = FactSet(
                    try Row.fetchAll(db, sql: "SELECT fact, value, provenance, at FROM facts WHERE case_id = ?", arguments: [caseId]).compactMap {
                        row in
                        FactKind(rawValue: row[0]).map {
                            FactObservation(fact: $0, value: row[1], provenance: Provenance(rawValue: row[2]), at: Date(millis: row[3]))
                        }
                    })
                guard facts[.imminentDanger].value == .yes else { continue }
                try db.execute(
                    sql: "UPDATE cases SET imminent_rank = ? WHERE id = ?", arguments: [BacklogKey.imminentRank(true), caseId])
            }
        }
        migrator.registerMigration("v14-alerts-strategy-and-working-day-lado") { db in
            // The alert outbox (DESIGN.md, "Social-care and LADO flags"): one row per `alertId`, written in the
            // transaction of the event that calls for it; `alerts_due` is what delivery leases from. Strategy
            // discussions as recorded events. Open LADO flags take the working-day deadline.
            try db.execute(
                sql: """
                    CREATE TABLE alerts (
                        id INTEGER PRIMARY KEY,
                        alert_id TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        grade_rank INTEGER NOT NULL,
                        flag_kind TEXT,
                        due_at INTEGER,
                        message TEXT NOT NULL,
                        raised_at INTEGER NOT NULL,
                        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER,
                        delivered_at INTEGER,
                        last_error TEXT
                    );
                    CREATE INDEX alerts_due ON alerts (next_attempt_at) WHERE state = 'pending';
                    CREATE INDEX alerts_state ON alerts (state, id);
                    CREATE INDEX flags_unsettled ON flags (due_at) WHERE state IN ('open', 'deferred');
                    CREATE TABLE strategy_discussions (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        held_at INTEGER NOT NULL,
                        attendees TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        note TEXT NOT NULL,
                        officer TEXT NOT NULL,
                        recorded_at INTEGER NOT NULL
                    );
                    CREATE INDEX strategy_discussions_case ON strategy_discussions (case_id);
                    """)
            for row in try Row.fetchAll(db, sql: "SELECT id, raised_at FROM flags WHERE kind = 'lado' AND state = 'open'") {
                let due = targets.flagDueAt(kind: .lado, raisedAt: Date(millis: row[1]))
                try db.execute(sql: "UPDATE flags SET due_at = ? WHERE id = ?", arguments: [due.millis, row[0] as Int64])
            }
        }
        migrator.registerMigration("v15-research-failed") { db in
            // Research that failed is not research done: the sources whose checks failed for good are kept
            // on the case (sorted, as VigilCore lists them), and such a case is provisional.
            try db.execute(
                sql: """
                    ALTER TABLE cases ADD COLUMN research_failed TEXT NOT NULL DEFAULT '';
                    UPDATE cases SET provisional = 1,
                        research_failed = (SELECT group_concat(source) FROM
                            (SELECT DISTINCT source FROM checks WHERE case_id = cases.id AND state = 'failed' ORDER BY source))
                    WHERE id IN (SELECT case_id FROM checks WHERE state = 'failed');
                    """)
        }
        migrator.registerMigration("v16-previous-cases-supplements") { db in
            // A new case lists the closed cases of the same subject (`IntakePlanner.decide`), as they stood
            // when it opened; a referral keeps the package it supplements.
            try db.execute(
                sql: """
                    CREATE TABLE previous_cases (
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        previous_case_id INTEGER NOT NULL REFERENCES cases(id),
                        closed_at INTEGER NOT NULL,
                        outcome TEXT NOT NULL,
                        PRIMARY KEY (case_id, previous_case_id)
                    ) WITHOUT ROWID;
                    ALTER TABLE referrals ADD COLUMN supplements TEXT;
                    """)
        }
        migrator.registerMigration("v17-subjects-addresses") { db in
            // Every fact and child names the person, address or account it is about (`Subject`; NULL where
            // the source did not say, as in rows stored before), and the covering index that loads a
            // case's facts covers the new column too. The addresses sources resolved are kept with their
            // type and source, so the case page can say billing and corroborated.
            try db.execute(
                sql: """
                    ALTER TABLE facts ADD COLUMN about TEXT;
                    ALTER TABLE children ADD COLUMN about TEXT;
                    DROP INDEX facts_case;
                    CREATE INDEX facts_case ON facts (case_id, fact, value, provenance, at, about);
                    CREATE TABLE case_addresses (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED,
                        address TEXT NOT NULL,
                        address_type TEXT,
                        provenance TEXT NOT NULL
                    );
                    CREATE INDEX case_addresses_case ON case_addresses (case_id);
                    """)
        }
        migrator.registerMigration("v18-calls-per-household") { db in
            // One social-care call per household address where children live and one LADO call per subject
            // working with children (`SafeguardingRules.required`): a flag names what it is about (NULL for a
            // case-wide call), unique per case, kind and subject; the notifications and decisions on a flag
            // name it too, and its alerts carry its `Subject.reference` (no address leaves in a webhook). A case's existing flag is placed on its first household address (or the
            // first subject the occupation fact names), as `SafeguardingRules.changes` places a case-wide
            // call; further households raise their own call when the case is next graded.
            try db.execute(
                sql: """
                    CREATE TABLE flags_by_subject (
                        id INTEGER PRIMARY KEY,
                        case_id INTEGER NOT NULL REFERENCES cases(id),
                        kind TEXT NOT NULL,
                        about TEXT,
                        state TEXT NOT NULL,
                        raised_at INTEGER NOT NULL,
                        due_at INTEGER NOT NULL,
                        raised_by TEXT NOT NULL
                    );
                    INSERT INTO flags_by_subject (id, case_id, kind, about, state, raised_at, due_at, raised_by)
                        SELECT id, case_id, kind,
                            CASE kind
                                WHEN 'socialCare' THEN (SELECT MIN(about) FROM children ch
                                    WHERE ch.case_id = flags.case_id AND ch.relation = 'household' AND ch.about LIKE 'address:%')
                                WHEN 'lado' THEN (SELECT MIN(about) FROM facts fa
                                    WHERE fa.case_id = flags.case_id AND fa.fact = 'childAccessOccupation' AND fa.value = 1)
                            END,
                            state, raised_at, due_at, raised_by
                        FROM flags;
                    DROP TABLE flags;
                    ALTER TABLE flags_by_subject RENAME TO flags;
                    CREATE UNIQUE INDEX flags_case_call ON flags (case_id, kind, COALESCE(about, ''));
                    CREATE INDEX flags_unsettled ON flags (due_at) WHERE state IN ('open', 'deferred');
                    ALTER TABLE notifications ADD COLUMN flag_about TEXT;
                    ALTER TABLE decisions ADD COLUMN flag_about TEXT;
                    ALTER TABLE alerts ADD COLUMN flag_ref TEXT;
                    UPDATE notifications SET flag_about = (SELECT about FROM flags f WHERE f.case_id = notifications.case_id AND f.kind = notifications.flag_kind);
                    UPDATE decisions SET flag_about = (SELECT about FROM flags f WHERE f.case_id = decisions.case_id AND f.kind = decisions.flag_kind)
                        WHERE flag_kind IS NOT NULL;
                    """)
        }
        return migrator
    }

    /// The triggers that keep the audit log append-only; `vigil audit verify` reports any that are missing.
    static let auditGuards = ["audit_log_no_update", "audit_log_no_delete"]
}

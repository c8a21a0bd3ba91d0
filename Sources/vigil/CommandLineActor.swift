import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import VigilActions
import VigilCore
import VigilStore

/// The person behind a CLI command, as the audit log records them.
enum CommandLineActor {
    /// The case actions of a local database.
    static func actions(_ store: any Store) -> CaseActions {
        CaseActions(store: store, now: { Date() })
    }

    /// The person named on the command line (`--as` / `--by`, else `$USER`), as `CaseActions` takes them:
    /// a registered, active user of the database acts with their role; anyone else is a local operator
    /// with an investigator's permissions, so the holder rule binds them and a supervisor's decisions
    /// (deferring or withdrawing a call, closing past one, reopening) are refused. A local database has no
    /// sign-in: whoever can write its file can add a supervisor with `vigil user add`, so these roles keep
    /// people from mistakes, not the database's owner from the database (docs/DECISIONS.md).
    static func caseActor(_ explicit: String?, in store: any Store) async throws -> CaseActor {
        let audit = try actor(explicit)
        let role = try await store.users().first { $0.name == audit.name && $0.revokedAt == nil }?.role ?? .investigator
        return CaseActor(audit: audit, role: role)
    }

    /// The person named on the command line (see `name`), from `cli@<host>`.
    static func actor(_ explicit: String?) throws -> AuditActor {
        AuditActor(name: try name(explicit), remote: "cli@\(ProcessInfo.processInfo.hostName)")
    }

    /// The name given on the command line, else `$USER`, else the operating system's name of the account
    /// running the command; a blank name or one with control characters is refused (the audit log must say who).
    static func name(_ explicit: String?) throws -> String {
        let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
        let name = (explicit ?? user ?? accountName ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else {
            throw ValidationError("say who you are with --by NAME (or set $USER): the audit log records every read and change")
        }
        guard DisplayText.escaped(name) == name else { throw ValidationError("--by: a name may not hold control characters") }
        return name
    }

    /// The name of the account the process runs as, from the password database.
    private static var accountName: String? {
        getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
    }

    /// Appends what the person read (or did outside a case) to the audit log; changes to cases are audited
    /// by the store in their own transaction.
    static func audit(_ store: any Store, actor: AuditActor, action: AuditAction, caseId: CaseID?, detail: String = "") async throws {
        _ = try await store.appendAudit(AuditEvent(at: Date(), by: actor, action, caseId: caseId, detail: detail))
    }
}

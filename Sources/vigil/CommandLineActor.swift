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
    /// The case actions of a local database: its operator is not bound by the holder rule (a local
    /// database has no sign-in; the API and the dashboard apply the rule by role).
    static func actions(_ store: any Store) -> CaseActions {
        CaseActions(store: store, now: { Date() })
    }

    /// The person named on the command line, as `CaseActions` takes them.
    static func caseActor(_ explicit: String?) throws -> CaseActor {
        CaseActor(audit: try actor(explicit), mayActOnAnyCase: true)
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

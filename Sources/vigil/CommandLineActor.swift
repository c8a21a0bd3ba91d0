import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// The person behind a CLI command, as the audit log records them.
enum CommandLineActor {
    /// The name given on the command line, else `$USER`; a blank name or one with control characters is
    /// refused (the audit log must say who).
    static func name(_ explicit: String?) throws -> String {
        let name = (explicit ?? ProcessInfo.processInfo.environment["USER"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw ValidationError("say who you are with --by NAME (or set $USER): the audit log records every read and change") }
        guard DisplayText.escaped(name) == name else { throw ValidationError("--by: a name may not hold control characters") }
        return name
    }

    /// Appends what the person did to the audit log, from `cli@<host>`.
    static func audit(_ store: any Store, actor: String, action: String, caseId: CaseID?, detail: String = "") async throws {
        _ = try await store.appendAudit(AuditEvent(at: Date(), actor: actor, action: action, caseId: caseId, detail: detail,
                                                   remote: "cli@\(ProcessInfo.processInfo.hostName)"))
    }
}

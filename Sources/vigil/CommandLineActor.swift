import Foundation
import VigilCore
import VigilStore

/// The person behind a CLI command, as the audit log records them.
enum CommandLineActor {
    /// The name given on the command line, else `$USER`.
    static func name(_ explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }

    /// Appends what the person did to the audit log, from `cli@<host>`.
    static func audit(_ store: any Store, actor: String, action: String, caseId: CaseID?, detail: String = "") async throws {
        _ = try await store.appendAudit(AuditEvent(at: Date(), actor: actor, action: action, caseId: caseId, detail: detail,
                                                   remote: "cli@\(ProcessInfo.processInfo.hostName)"))
    }
}

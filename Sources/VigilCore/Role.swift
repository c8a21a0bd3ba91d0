/// What a person may do in Vigil.
public enum Permission: String, Sendable, CaseIterable {
    /// Import referral batches.
    case importReferrals
    /// Claim the next case.
    case claimCases
    /// Read cases.
    case readCases
    /// Act on a case they hold: release, close, record notifications and decisions.
    case actOnHeldCases
    /// List and retry checks.
    case manageChecks
    /// Release, close or reassign a case someone else holds.
    case actOnAnyCase
    /// Defer a social-care or LADO call, or withdraw it with a reason.
    case deferFlags
    /// Close a case whose calls are still to make (with a recorded override reason), and reopen a closed case.
    case overrideCaseRules
    /// Read the audit log.
    case readAudit
    /// Add, list and revoke users.
    case manageUsers
    /// See the supervisor's dashboard: aged backlog, flags, holders, research status, trends, exports.
    case viewDashboard
}

/// A user's role, which decides their permissions.
public enum Role: String, Sendable, Codable, CaseIterable {
    case investigator
    case researcher
    case supervisor
    case importer
    case admin

    /// The role matrix: importers import; investigators claim, read and act on cases they hold;
    /// researchers read cases and manage checks; supervisors read everything, act on any case, defer and
    /// withdraw calls, close past them and reopen cases, read the audit and see the dashboard; admins manage users and see the dashboard.
    public var permissions: Set<Permission> {
        switch self {
        case .importer: [.importReferrals]
        case .investigator: [.claimCases, .readCases, .actOnHeldCases]
        case .researcher: [.readCases, .manageChecks]
        case .supervisor:
            [
                .readCases, .actOnHeldCases, .actOnAnyCase, .deferFlags, .overrideCaseRules, .readAudit, .manageChecks, .viewDashboard,
            ]
        case .admin: [.manageUsers, .viewDashboard]
        }
    }

    /// True when the role grants the permission.
    public func allows(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

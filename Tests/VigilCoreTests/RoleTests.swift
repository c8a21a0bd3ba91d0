import Testing
import VigilCore

@Suite("role matrix")
struct RoleTests {
    static let expected: [Role: Set<Permission>] = [
        .importer: [.importReferrals],
        .investigator: [.claimCases, .readCases, .actOnHeldCases],
        .researcher: [.readCases, .manageChecks],
        .supervisor: [.readCases, .actOnHeldCases, .actOnAnyCase, .deferFlags, .overrideCaseRules, .readAudit, .manageChecks, .viewDashboard],
        .admin: [.manageUsers, .viewDashboard],
    ]

    @Test("each role has exactly its permissions", arguments: Role.allCases)
    func matrix(role: Role) throws {
        let expected = try #require(Self.expected[role])
        for permission in Permission.allCases {
            #expect(role.allows(permission) == expected.contains(permission), "\(role) \(permission)")
        }
    }

    @Test("only supervisors act on cases others hold or defer flags; only admins manage users")
    func exclusive() {
        #expect(Role.allCases.filter { $0.allows(.actOnAnyCase) } == [.supervisor])
        #expect(Role.allCases.filter { $0.allows(.deferFlags) } == [.supervisor])
        #expect(Role.allCases.filter { $0.allows(.overrideCaseRules) } == [.supervisor])
        #expect(Role.allCases.filter { $0.allows(.manageUsers) } == [.admin])
        #expect(Role(name: "SUPERVISOR") == .supervisor)
    }
}

import Foundation
import Logging
import PostgresNIO
public import VigilPostgres

/// A throwaway database on the PostgreSQL cluster `Scripts/test.sh` starts for the test run
/// (`VIGIL_TEST_POSTGRES`, an address whose database is the cluster's `postgres`): each test gets a
/// database of its own, dropped when it ends.
public enum PostgresTestDatabase {
    /// The cluster's administration address, when the run has a cluster.
    public static var cluster: PostgresLocation? {
        ProcessInfo.processInfo.environment["VIGIL_TEST_POSTGRES"].flatMap { try? PostgresLocation($0) }
    }

    /// Runs `body` with the location of a new, empty database, dropping it afterwards (even on failure).
    public static func with<T>(_ body: (PostgresLocation) async throws -> T) async throws -> T {
        guard let cluster else { throw PostgresLocationError("VIGIL_TEST_POSTGRES is not set: run the tests with Scripts/test.sh") }
        let name = "vigil_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer(cluster) { try await $0.query("CREATE DATABASE \(unescaped: name)", logger: logger) }
        var location = cluster
        location.database = name
        do {
            let result = try await body(location)
            try await drop(name, on: cluster)
            return result
        } catch {
            try? await drop(name, on: cluster)
            throw error
        }
    }

    private static let logger = Logger(label: "vigil.test.postgres")

    private static func drop(_ name: String, on cluster: PostgresLocation) async throws {
        try await administer(cluster) { try await $0.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger) }
    }

    private static func administer(_ cluster: PostgresLocation, _ work: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: cluster.host, port: cluster.port, username: cluster.username, password: cluster.password, database: cluster.database,
                tls: .disable),
            id: 0, logger: logger)
        do {
            try await work(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store lives, from `postgres://user[:password]@host[:port]/database`: the form `--db`
/// and `VIGIL_DB` take. TLS is off unless the address asks for it with `?sslmode=require` (verified against
/// the system's roots); a store across hosts should ask for it.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The role's password, if it has one.
    public var password: String?
    /// The database.
    public var database: String
    /// True when the connection must use TLS.
    public var requireTLS: Bool

    /// True when `text` names a PostgreSQL store rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a `postgres://` address; nil with the reason when it is not one.
    public init(_ text: String) throws(PostgresLocationError) {
        guard Self.isPostgres(text), let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw PostgresLocationError("'\(text)' is not postgres://user@host[:port]/database")
        }
        guard let user = components.user, !user.isEmpty else { throw PostgresLocationError("'\(text)' names no user (postgres://user@host/db)") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw PostgresLocationError("'\(text)' names no database (postgres://user@host/db)") }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard mode == "disable" || mode == "require" else { throw PostgresLocationError("sslmode must be disable or require, not '\(mode)'") }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.requireTLS = mode == "require"
    }

    /// The client configuration: TLS as asked, at most `connections` connections.
    func clientConfiguration(connections: Int) throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = connections
        return configuration
    }

    /// The configuration of a single connection (migrations).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
    }

    /// The address without its password.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }
}

/// Why a `postgres://` address was refused.
public struct PostgresLocationError: Error, CustomStringConvertible, Sendable {
    /// A sentence for people.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
public import VigilCore
public import VigilStore

/// The store on PostgreSQL, for several `vigil serve` and `vigil work` processes on several hosts sharing
/// one backlog. Its `PostgresClient` is a `Service`: `run()` owns the connection pool's lifetime, so the
/// store runs in the process's `ServiceGroup`, started before the workers and stopped after them.
/// Decisions come from VigilCore exactly as in the SQLite store; PostgreSQL gives the concurrency: claims
/// under `FOR UPDATE SKIP LOCKED`, a case's changes under its row lock, the audit chain sealed in one order.
public final class PostgresStore: Store {
    let client: PostgresClient
    let logger: Logger
    /// The response-time targets cases are graded and aged with.
    public let targets: ActionTargets
    /// The key the audit chain is anchored with (kept outside the database).
    let auditKey: AuditKey
    /// The most checks one case may have (`SQLiteStore.maxChecksPerCase`).
    public let maxChecksPerCase: Int
    /// When this process last sealed the audit log after a change (`sealIfDue`).
    let lastSeal = Mutex<ContinuousClock.Instant?>(nil)
    /// When this process last sent a research wake-up (`notifyResearch`).
    let lastNotify = Mutex<ContinuousClock.Instant?>(nil)
    /// Workers waiting for a research wake-up (`researchMayBeDue`).
    let researchWaiters = Mutex(ResearchWaiters())

    private init(client: PostgresClient, logger: Logger, targets: ActionTargets, auditKey: AuditKey, maxChecksPerCase: Int) {
        self.client = client
        self.logger = logger
        self.targets = targets
        self.auditKey = auditKey
        self.maxChecksPerCase = maxChecksPerCase
    }

    /// Migrates the database at `location` (over a connection of its own) and returns a store whose
    /// pool opens at most `connections` connections once `run()` runs.
    public static func open(
        _ location: PostgresLocation, targets: ActionTargets = .standard, auditKey: AuditKey, maxChecksPerCase: Int = 500,
        connections: Int = 8, logger: Logger = Logger(label: "vigil.postgres")
    ) async throws -> PostgresStore {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: 1, logger: logger)
        } catch let error as PSQLError {
            // PSQLError's own description hides its cause; the reflected one names it (refused, timed out, …).
            throw StoreError(.unavailable, String(reflecting: error))
        }
        do {
            try await PostgresSchema.migrate(connection, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        // The pool warns when a lease is asked for before `run()` has begun, which a one-shot command's first
        // query can be (it then waits, as it should); the pool's own errors are still logged.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        return PostgresStore(
            client: PostgresClient(configuration: try location.clientConfiguration(connections: connections), backgroundLogger: background),
            logger: logger, targets: targets, auditKey: auditKey, maxChecksPerCase: maxChecksPerCase)
    }

    /// Runs the connection pool and the research listener until the process shuts down gracefully (then
    /// seals the audit log once more) or the task is cancelled; in a `ServiceGroup` it comes first, so it
    /// starts before the services that use it and stops after them. The pool, the listener and the last
    /// seal run as a group of their own, told of a shutdown in reverse order: the pool closes as soon as it
    /// hears of one, so the seal must finish first.
    public func run() async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: client), .init(service: ResearchListener(store: self)), .init(service: SealOnShutdown(store: self))],
                logger: logger))
        try await group.run()
    }

    /// Runs `work` in one transaction that writes audit entries, then seals them into the chain if this
    /// process has not sealed within the last second (`PostgresStore+Audit.swift`).
    func audited<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        let result = try await transaction(work)
        try await sealIfDue()
        return result
    }

    /// Runs `work` in one transaction on a pooled connection; an error rolls it back, and the error `work`
    /// threw (a `StoreError`, say) is what the caller sees. A transaction PostgreSQL ended to break a
    /// deadlock (or a serialization failure) is run again from the start, up to three times in all: its
    /// writes were rolled back, and `work` decides everything afresh from what it reads.
    func transaction<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    try await connection.withTransaction(logger: logger) { try await work($0) }
                }
            } catch let error as PostgresTransactionError {
                let cause = error.closureError ?? error.commitError ?? error
                if attempt < 3, Self.isRetryable(cause) {
                    attempt += 1
                    continue
                }
                throw error.closureError ?? error
            }
        }
    }

    /// Whether PostgreSQL ended a transaction to break a deadlock or a serialization conflict.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// Runs `work` in one read-only transaction that sees a single snapshot, so the figures it reads agree.
    func snapshot<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction { connection in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            return try await work(connection)
        }
    }

    /// Runs one statement outside an explicit transaction and collects its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await client.query(query, logger: logger) { rows.append(row) }
        return rows
    }
}

extension PostgresConnection {
    /// Runs `query` and collects its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    /// Runs `query` for its effect.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await rows(query, logger: logger)
    }
}

/// Seals the audit log when the process shuts down gracefully. In the store's own `ServiceGroup` it comes
/// after the pool, so it is told first and the pool still serves its last transactions.
private struct SealOnShutdown: Service {
    let store: PostgresStore

    func run() async throws {
        guard (try? await gracefulShutdown()) != nil else { return }
        try? await store.sealAudit()
    }
}

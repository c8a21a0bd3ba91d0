import ArgumentParser
import UnixSignals
import Foundation
import Logging
import ServiceLifecycle
import VigilIntel
import VigilServer
import VigilStore

/// `vigil serve --db … [--host H] [--port P] [--intel-config F | --intel-base-url U] [--workers N] [--alert-url U …]`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API and the supervisor's dashboard, and run the research workers, in one process.",
        discussion: "SIGTERM or SIGINT stops taking requests and checks, lets those in flight finish, and exits 0."
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var intel: IntelOptions

    @OptionGroup var alerting: AlertOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).", transform: NumberOption.port)
    var port = 8080

    @Option(help: "Research checks in flight at once (1–4096).", transform: NumberOption.concurrency)
    var workers = 64

    @Option(
        help:
            "Close a connection that has sent no complete request head for this many seconds (1–3600): idle keep-alive connections, and clients that send their headers slowly.",
        transform: NumberOption.whole(1...3_600))
    var idleTimeout = 30

    @Option(
        help:
            "Where to export the audit chain's signed head (default: <db>.audit-checkpoint.json; for PostgreSQL beside the audit key file, named after the database)."
    )
    var auditCheckpoint: String?

    @Option(help: "Seconds between audit checkpoints (10–86400).", transform: NumberOption.whole(10...86_400))
    var auditCheckpointInterval = 300

    @Flag(help: "Mark the dashboard's cookies Secure (when vigil serve is reached through HTTPS).")
    var secureCookies = false

    mutating func run() async throws {
        var logger = Logger.vigil("vigil.serve")
        logger.logLevel = min(logger.logLevel, .info)
        let target = try await store.open()
        let sources = try intel.sources()
        let metrics = ServerMetrics()
        let serving = StartSignal()
        let application = try VigilAPI.application(
            store: target, sources: sources, host: host, port: port, logger: logger, metrics: metrics,
            dashboard: DashboardConfiguration(secureCookies: secureCookies, deliversAlerts: !(try alerting.urls()).isEmpty),
            idleTimeout: .seconds(idleTimeout),
            onRunning: { _ in serving.open() })
        let engine = CurlEngine(logger: logger)
        // Research starts once the server listens: a start that fails (the port is taken) leases nothing.
        let worker = ResearchWorker(
            store: target, engine: engine, sources: sources,
            configuration: .init(concurrency: workers, startSignal: serving), logger: logger, metrics: metrics.factory)
        let snapshots = SnapshotRecorder(store: target, logger: logger)
        let checkpoints = AuditCheckpointWriter(
            store: target, file: AuditCheckpointFile(path: auditCheckpoint ?? store.checkpointPath),
            interval: .seconds(auditCheckpointInterval), logger: logger)
        let dispatcher = try alerting.dispatcher(store: target, engine: engine, logger: logger)
        let group = ServiceGroup(
            services: [target, application, engine, worker, snapshots, checkpoints, dispatcher],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

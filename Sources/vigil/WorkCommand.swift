import ArgumentParser
import UnixSignals
import Foundation
import Logging
import ServiceLifecycle
import VigilIntel
import VigilStore

/// `vigil work --db … [--intel-config F | --intel-base-url U] [--concurrency N] [--until-idle] [--alert-url U …]`.
struct WorkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Run the research workers: every runnable check at once, each answer re-grading its case.",
        discussion: "SIGTERM or SIGINT stops leasing new checks and lets the ones in flight finish."
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var intel: IntelOptions

    @OptionGroup var alerting: AlertOptions

    @Option(help: "Checks in flight at once (1–4096).", transform: NumberOption.concurrency)
    var concurrency = 64

    @Flag(
        help:
            "Return once no check is running and none is due within 5 minutes (what is left waits for a slow retry); with --alert-url, once no alert is due within 5 minutes either."
    )
    var untilIdle = false

    mutating func run() async throws {
        let logger = Logger.vigil("vigil.work")
        let engine = CurlEngine(logger: logger)
        let target = try await store.open()
        let worker = ResearchWorker(
            store: target, engine: engine, sources: try intel.sources(),
            configuration: .init(concurrency: concurrency, untilIdle: untilIdle, untilAlertsSettled: try !alerting.urls().isEmpty), logger: logger)
        let dispatcher = try alerting.dispatcher(store: target, engine: engine, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: target), .init(service: engine), .init(service: dispatcher),
                    .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

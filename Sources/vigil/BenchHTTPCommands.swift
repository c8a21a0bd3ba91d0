import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilImport
import VigilIntake
import VigilIntel
import VigilIntelStub
import VigilSQLite
import VigilStore

/// `vigil bench http-claim --cases N --clients K [--research] [--json]`: K clients draining N cases through
/// `POST /api/v1/cases/next`, optionally while research runs.
struct BenchHTTPClaimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-claim",
        abstract: "Claims/s and p50/p99 latency of K concurrent HTTP clients draining N cases through the API."
    )

    @Option(help: "How many cases to seed.", transform: NumberOption.seedCount)
    var cases = 100_000

    @Option(help: "How many concurrent clients.", transform: NumberOption.concurrency)
    var clients = 16

    @Flag(
        help: """
            Plan every case's checks (~12 each) and research them during the claims, as `vigil serve` does: a \
            research worker with 64 checks in flight against the in-process simulated sources (50 ms answers).
            """)
    var research = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var target: BenchTarget

    mutating func run() async throws {
        let (cases, clients, json, research) = (cases, clients, json, research)
        try await target.withStore(connections: clients + 4) { store in
            let planned = research ? IntelSourceSpec.defaults(baseURL: IntelOptions.defaultBaseURL) : []
            try await seed(store, packages: cases, prefix: "H", sources: planned)
            // Research re-grades cases while they are claimed, so the order is checked only without it.
            let order = research ? nil : try await store.backlog(asOf: Date(), limit: nil).map(\.caseId)
            let openCases = try await store.backlog(asOf: Date(), limit: nil).count
            let token = try await LoopbackAPI.token(store, role: .investigator)
            let logger = Logger.vigil("vigil.bench")
            var stub: IntelStubServer?
            var researchServices: [any Service] = []
            if research {
                let port = try FreePort.find()
                let engine = CurlEngine(logger: logger)
                let simulatedSources = IntelStubServer(options: .init(port: port, latencyMs: 50), logger: logger)
                stub = simulatedSources
                researchServices = [
                    simulatedSources, engine,
                    ResearchWorker(
                        store: store, engine: engine, sources: IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:\(port)"),
                        configuration: .init(concurrency: 64, owner: "bench"), logger: logger),
                ]
            }
            try await LoopbackAPI.run(store: store, sources: [], alongside: researchServices) { [stub] base, engine in
                let request = CurlRequest(
                    url: "\(base)/api/v1/cases/next", method: "POST", headers: ["Authorization: Bearer \(token)"],
                    timeoutMs: 30000)
                let result = try await ClaimDrain.run(claimers: clients, order: order) {
                    let response = try await engine.perform(request)
                    guard response.status == 200,
                        let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                    else { throw ValidationError("HTTP \(response.status)") }
                    return ((body["case"] as? [String: Any])?["caseId"] as? String).flatMap(CaseID.init(text:))
                }
                var shown = result
                shown.checksAnswered = stub.map { $0.log.entries.filter { $0.status != nil }.count }
                try shown.print(cases: openCases, json: json, via: "HTTP clients")
            }
        }
    }
}

/// `vigil bench http-import --records N [--batch B] [--clients K] [--json]`: synthetic NCA packages through
/// `POST /api/v1/referrals`, K requests in flight at once.
struct BenchHTTPImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-import",
        abstract: "Referrals/s imported through POST /api/v1/referrals as `vigil import --server` sends them (checks planned, as a server does).",
        discussion: """
            The packages form one JSON Lines file that goes through the same client code as `vigil import --server`: \
            parts of --batch lines (default 10,000, as that command sends them), one request at a time unless --clients says more.
            """
    )

    @Option(help: "How many packages.", transform: NumberOption.seedCount)
    var records = 100_000

    @Option(help: "Packages per request.", transform: NumberOption.whole(1...1_000_000))
    var batch = ReferralUploader.defaultLinesPerRequest

    @Option(
        help: "Requests in flight at once, as when several scripts import at once (parts may then be stored out of file order).",
        transform: NumberOption.concurrency)
    var clients = 1

    @Flag(
        help: """
            Start every request's packages at number 0, so each request repeats the first one's subjects and most \
            referrals join an open case (the linking path's worst case). By default the requests carry one population, \
            the same packages as `vigil bench import`.
            """)
    var repeatSubjects = false

    @Flag(help: "Print JSON.")
    var json = false

    /// The measurement.
    struct Result: Encodable {
        var records: Int
        var accepted: Int
        /// Distinct cases the accepted referrals opened or joined.
        var cases: Int
        /// Checks the server planned for them.
        var checks: Int
        var requests: Int
        var clients: Int
        var seconds: Double
        var recordsPerSecond: Double
        /// MB (2^20 bytes) the server wrote to storage: the WAL and the database file.
        var writtenMB: Double?
    }

    mutating func run() async throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let store = try SQLiteStore(path: scratch.path)
        let token = try await LoopbackAPI.token(store, role: .importer)
        var generator = SyntheticPackages()
        let (total, size, clients, json) = (records, batch, clients, json)
        let file = stride(from: 0, to: total, by: size).flatMap { offset in
            generator.jsonLines(count: min(size, total - offset), prefix: "HI\(offset)", firstIndex: repeatSubjects ? 0 : offset)
        }
        try await LoopbackAPI.run(store: store, sources: IntelSourceSpec.defaults(baseURL: IntelOptions.defaultBaseURL)) { base, engine in
            let uploader = ReferralUploader(
                client: APIClient(base: base, token: token, engine: engine), format: .nca,
                linesPerRequest: size, inFlight: clients)
            let clock = ContinuousClock()
            let writtenBefore = ProcessIO.storageBytesWritten()
            let started = clock.now
            let parts = try await uploader.upload(file).answers
            let seconds = (clock.now - started).seconds
            let written = ProcessIO.megabytesWritten(since: writtenBefore)
            var caseIds = Set<CaseID>()
            let reports = try parts.map { part in
                let file = try part.answer.get().file ?? ""
                defer { try? FileManager.default.removeItem(atPath: file) }
                return try ImportReportReader.read(path: file) { record in if let id = record.caseId { caseIds.insert(id) } }
            }
            let cases = caseIds.count
            let checks = try await store.researchState().pending
            let result = Result(
                records: total, accepted: reports.map(\.accepted).reduce(0, +), cases: cases, checks: checks, requests: parts.count,
                clients: clients, seconds: seconds, recordsPerSecond: Double(total) / seconds, writtenMB: written)
            if json {
                try FileOutput.printJSON(result)
            } else {
                print(
                    String(
                        format:
                            "%d records (%d accepted into %d cases, %d checks planned) in %d requests from %d clients, %.2f s: %.0f referrals/s through HTTP",
                        total, result.accepted, cases, checks, parts.count, clients, seconds, result.recordsPerSecond)
                        + (written.map { String(format: "; %.0f MB written", $0) } ?? ""))
            }
        }
    }
}

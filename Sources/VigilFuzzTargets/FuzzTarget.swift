import Foundation
import VigilCore
import VigilIntake
import VigilIntel

/// The parsers that read outside input, each as a fuzz target: the libFuzzer harness (Fuzz/VigilFuzz) runs
/// one per process, and the regression test runs every input a fuzzer ever crashed on
/// (Fuzz/regressions/<target>/).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// An NCA batch (JSON Lines or array) through `BatchReader` and the NCA package parser.
    case nca
    /// A P2P batch of JSON records (JSON Lines or array).
    case p2pJSON = "p2p-json"
    /// The rows of a P2P CSV batch, after a valid header.
    case p2pCSV = "p2p-csv"
    /// One JSON document through Vigil's own JSON parser.
    case json
    /// A source's answer body through `SourceAnswer`, the first byte choosing the source.
    case sourceAnswer = "source-answer"
    /// An API request body through `StrictJSONBody` into a `FindingRequest`.
    case apiBody = "api-body"
    /// A CyberTipline XML batch through `XMLRecordSplitter`, libxml2 and the CyberTipline validation.
    case cybertipXML = "cybertip-xml"

    /// The target named by `$VIGIL_FUZZ_TARGET`.
    public static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["VIGIL_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("set VIGIL_FUZZ_TARGET to one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return target
    }()

    private static let now = Date(timeIntervalSince1970: 1_800_000_000)
    private static let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:9")
    private static let csvHeader = Array(
        "leadId,tool,network,detectedAt,ipAddress,port,clientId,firstSeen,lastSeen,observationCount,knownFileCount,categoryACount,country,region,isp,geoAsOf\n"
            .utf8)

    /// Parses `bytes` as this target reads them.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .nca: _ = try? BatchReader.read(bytes, format: .nca, now: Self.now)
        case .p2pJSON:
            guard BatchLayout.of(bytes[...], format: .p2p) != .csv else { return }
            _ = try? BatchReader.read(bytes, format: .p2p, now: Self.now)
        case .p2pCSV: _ = try? BatchReader.read(Self.csvHeader + bytes, format: .p2p, now: Self.now)
        case .json:
            var parser = JSONParser(bytes: bytes)
            _ = try? parser.parseDocument()
        case .sourceAnswer:
            guard let choice = bytes.first else { return }
            let source = Self.sources[Int(choice) % Self.sources.count]
            let response = CurlResponse(status: 200, contentType: "application/json", body: Array(bytes.dropFirst()))
            _ = SourceAnswer.findings(response, from: source, at: Self.now)
        case .apiBody:
            _ = try? StrictJSONBody.decode(FindingRequest.self, from: Data(bytes), allowed: FindingRequest.members)
        case .cybertipXML: _ = try? BatchReader.read(bytes, format: .cybertipXML, now: Self.now)
        }
    }
}

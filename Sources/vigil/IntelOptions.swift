import ArgumentParser
import Foundation
import VigilCore
import VigilIntel

/// `--intel-config FILE | --intel-base-url URL`: which intelligence sources research asks.
struct IntelOptions: ParsableArguments {
    /// Where `vigil intel-stub` listens by default, and so where the default sources point.
    static let defaultBaseURL = "http://127.0.0.1:8089"

    @Option(help: "Source configuration file (see Samples/intel-sources.json).")
    var intelConfig: String?

    @Option(help: "Put every configured source at URL/<name> (default \(IntelOptions.defaultBaseURL) for the built-in set).")
    var intelBaseURL: String?

    /// The sources in force: the file's (or the built-in default set), moved to the base URL if given.
    func sources() throws -> [IntelSourceSpec] {
        var sources = IntelSourceSpec.defaults(baseURL: Self.defaultBaseURL)
        if let intelConfig {
            guard let data = FileManager.default.contents(atPath: intelConfig) else {
                throw ValidationError("cannot read --intel-config \(intelConfig)")
            }
            do {
                sources = try IntelConfiguration.load(data)
            } catch {
                throw ValidationError("--intel-config \(intelConfig): \(error)")
            }
        }
        if let intelBaseURL { sources = IntelSourceSpec.rebased(sources, to: intelBaseURL) }
        return sources
    }
}

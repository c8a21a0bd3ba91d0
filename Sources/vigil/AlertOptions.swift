import ArgumentParser
import Foundation
import Logging
import VigilIntel
import VigilStore

/// `--alert-url URL` (repeatable) and `--alert-urls-file FILE`: the webhooks alerts are delivered to.
struct AlertOptions: ParsableArguments {
    @Option(name: .customLong("alert-url"), help: "A webhook every alert is POSTed to as JSON (repeatable; see docs/ALERTS.md).")
    var alertURLs: [String] = []

    @Option(help: "A file of webhook URLs, one per line ('#' starts a comment), added to --alert-url (default: $VIGIL_ALERT_URLS_FILE).")
    var alertURLsFile: String?

    /// Every configured webhook, checked to be http or https.
    func urls() throws -> [String] {
        var urls = alertURLs
        if let path = alertURLsFile ?? ProcessInfo.processInfo.environment["VIGIL_ALERT_URLS_FILE"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the alert URL file \(path)")
            }
            urls += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        for url in urls where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("alert URL '\(url)' is not an http:// or https:// URL")
        }
        return urls
    }

    /// The dispatcher for `store`. Without a webhook it only writes the alerts time calls for, which then
    /// wait, pending, on the dashboard and in `vigil alerts`.
    func dispatcher(store: any Store, engine: CurlEngine, logger: Logger) throws -> AlertDispatcher {
        let urls = try urls()
        if urls.isEmpty { logger.notice("no --alert-url: alerts are kept pending and shown on the dashboard and by vigil alerts") }
        return AlertDispatcher(store: store, engine: engine, configuration: .init(urls: urls), logger: logger)
    }
}

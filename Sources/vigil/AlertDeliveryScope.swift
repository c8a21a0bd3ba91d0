import Logging
import VigilIntel
import VigilStore

/// Runs `body` while an `AlertDispatcher` delivers `store`'s alerts to `url` (the in-process stub's webhook
/// for `vigil demo` and `vigil bench alerts`), and stops the dispatcher when `body` returns.
func withAlertDelivery(
    store: any Store, engine: CurlEngine, url: String, logger: Logger, _ body: @escaping @Sendable () async throws -> Void
) async throws {
    let dispatcher = AlertDispatcher(store: store, engine: engine, configuration: .init(urls: [url]), logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await dispatcher.run() }
        defer { group.cancelAll() }
        try await body()
    }
}

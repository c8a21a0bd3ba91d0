import Foundation
import Logging
import ServiceLifecycle
import VigilStore

/// `vigil serve`'s exporter of the audit chain's signed head: a checkpoint at start, every `interval` and
/// at shutdown, so that `vigil audit verify` can tell when entries were removed from the end of the log.
struct AuditCheckpointWriter: Service {
    let store: any Store
    let file: AuditCheckpointFile
    let interval: Duration
    let logger: Logger

    /// Writes until graceful shutdown, then once more; a checkpoint that cannot be written (or that the log
    /// no longer matches) is logged as an error and tried again at the next interval.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await write()
                try? await Task.sleep(for: interval)
            }
        }
        await write()
    }

    private func write() async {
        do {
            try await file.refresh(from: store, at: Date())
        } catch {
            logger.error("audit checkpoint \(file.path): \(error)")
        }
    }
}

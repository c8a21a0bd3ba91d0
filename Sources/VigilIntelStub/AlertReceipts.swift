public import Foundation
import Synchronization

/// Every alert the stub's webhook (`POST /_alerts`) received, in arrival order: the loopback receiver
/// that tests, the demo and `vigil bench alerts` deliver to.
public final class AlertReceipts: Sendable {
    /// One delivery.
    public struct Receipt: Sendable, Hashable, Codable {
        /// The alert's id (`alertId`): repeats of one alert share it.
        public var alertId: String
        /// The alert's `raisedAt`, as sent.
        public var raisedAt: String
        /// When the delivery arrived.
        public var receivedAt: Date
    }

    private let receipts = Mutex<[Receipt]>([])

    /// Creates an empty log.
    public init() {}

    /// Every delivery so far.
    public var all: [Receipt] { receipts.withLock { $0 } }

    /// The distinct alert ids received.
    public var alertIds: Set<String> { Set(all.map(\.alertId)) }

    func append(_ receipt: Receipt) {
        receipts.withLock { $0.append(receipt) }
    }
}

/// The port an in-process server bound, once it is bound: the server's `onRunning` calls `set`, the test
/// awaits `get`.
public actor AnnouncedPort {
    private var value: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    /// No port yet.
    public init() {}

    /// Called by the server once it listens.
    public func set(_ port: Int) {
        value = port
        waiters.forEach { $0.resume(returning: port) }
        waiters = []
    }

    /// The port, waiting for the server to bind it.
    public func get() async -> Int {
        if let value { return value }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

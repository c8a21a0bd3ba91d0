import Testing
import VigilIntel

@Suite("the start signal", .timeLimit(.minutes(1)))
struct StartSignalTests {
    @Test("waiters return once it opens, and a later waiter returns at once")
    func opens() async {
        let signal = StartSignal()
        async let first: Void = signal.wait()
        async let second: Void = signal.wait()
        signal.open()
        _ = await (first, second)
        await signal.wait()
    }

    @Test("a cancelled waiter returns without the signal opening")
    func cancelled() async {
        let signal = StartSignal()
        let waiter = Task {
            await signal.wait(); return Task.isCancelled
        }
        waiter.cancel()
        #expect(await waiter.value, "returned because it was cancelled")
    }
}

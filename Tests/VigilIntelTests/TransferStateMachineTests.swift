import Testing
import VigilIntel

@Suite("transfer state machine: every continuation resumed exactly once")
struct TransferStateMachineTests {
    typealias Machine = TransferStateMachine<String>

    @Test("submit, start, finish: resumed once with the result")
    func happyPath() {
        var machine = Machine()
        #expect(machine.submit(1, "a") == .wakeLoop)
        let work = machine.takeLoopWork()
        #expect(work.starts.map(\.id) == [1] && work.aborts.isEmpty)
        #expect(machine.takeLoopWork().starts.isEmpty, "a transfer starts once")
        #expect(machine.finished(1) == .resumeWithResult)
        #expect(machine.finished(1) == .none)
        #expect(machine.isIdle)
    }

    @Test("cancelled before the curl thread saw it: resumed by the canceller, never started")
    func cancelQueued() {
        var machine = Machine()
        _ = machine.submit(1, "a")
        #expect(machine.cancel(1) == .resumeCancelled)
        #expect(machine.takeLoopWork().starts.isEmpty)
        #expect(machine.finished(1) == .none)
        #expect(machine.cancel(1) == .none)
        #expect(machine.isIdle)
    }

    @Test("cancelled while running: the curl thread aborts it and resumes it once")
    func cancelRunning() {
        var machine = Machine()
        _ = machine.submit(1, "a")
        _ = machine.takeLoopWork()
        #expect(machine.cancel(1) == .wakeLoop)
        #expect(machine.cancel(1) == .none, "a second cancel does nothing")
        #expect(machine.takeLoopWork().aborts == [1])
        #expect(machine.aborted(1) == .resumeCancelled)
        #expect(machine.finished(1) == .none)
        #expect(machine.isIdle)
    }

    @Test("curl finishes a transfer whose cancellation is on its way: resumed cancelled, once")
    func finishRacesCancel() {
        var machine = Machine()
        _ = machine.submit(1, "a")
        _ = machine.takeLoopWork()
        _ = machine.cancel(1)
        #expect(machine.finished(1) == .resumeCancelled)
        #expect(machine.aborted(1) == .none)
        #expect(machine.isIdle)
    }

    @Test("shutdown fails queued transfers, refuses new ones, lets running ones finish")
    func shutdown() {
        var machine = Machine()
        _ = machine.submit(1, "running")
        _ = machine.takeLoopWork()
        _ = machine.submit(2, "queued")
        #expect(machine.beginShutdown() == [2])
        #expect(machine.submit(3, "late") == .failShutdown)
        #expect(!machine.isIdle)
        #expect(machine.finished(1) == .resumeWithResult)
        #expect(machine.finished(2) == .none)
        #expect(machine.isIdle)
    }

    @Test("transfers are independent")
    func independent() {
        var machine = Machine()
        for id in UInt64(1)...3 { _ = machine.submit(id, "r\(id)") }
        #expect(machine.takeLoopWork().starts.map(\.request) == ["r1", "r2", "r3"])
        #expect(machine.cancel(2) == .wakeLoop)
        #expect(machine.finished(1) == .resumeWithResult)
        #expect(machine.finished(3) == .resumeWithResult)
        #expect(machine.aborted(2) == .resumeCancelled)
        #expect(machine.isIdle)
    }
}

import Foundation

/// Runs the built `vigil` executable as a separate process, as scripts and investigators do.
struct VigilProcess {
    /// What a finished run printed and returned.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `vigil` binary next to the test bundle, or `$VIGIL_BIN`.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["VIGIL_BIN"] { return URL(fileURLWithPath: path) }
        let candidates =
            [
                Bundle.main.bundleURL,
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            ] + CommandLine.arguments.dropFirst().map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
        for folder in candidates {
            var current = folder
            for _ in 0..<3 {
                let candidate = current.appendingPathComponent("vigil")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                current.deleteLastPathComponent()
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/vigil")
    }()

    /// The repository's `Samples/` folder.
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    /// Starts `vigil` with the arguments (and extra `NAME=value` environment); call `finish` on the result.
    static func start(_ arguments: [String], environment: [String] = []) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables["VIGIL_SERVER"] = nil
        variables["VIGIL_TOKEN"] = nil
        for pair in environment {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            variables[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        process.environment = variables
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Waits for a started process and collects its output. The blocking reads and wait happen on a
    /// thread of their own, never on the Swift concurrency pool, which in-process servers of other
    /// tests need.
    static func finish(_ started: (Process, Pipe, Pipe)) async -> Outcome {
        let (process, out, err) = started
        return await withCheckedContinuation { continuation in
            // Both pipes are drained at once: a process blocked writing a full standard error would never
            // close its standard output.
            let stderrRead = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var stderr = Data()
            Thread {
                stderr = err.fileHandleForReading.readDataToEndOfFile()
                stderrRead.signal()
            }.start()
            Thread {
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                stderrRead.wait()
                process.waitUntilExit()
                continuation.resume(
                    returning: Outcome(
                        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                        stderr: String(decoding: stderr, as: UTF8.self)))
            }.start()
        }
    }

    /// Runs one of the repository's scripts (a path under the repository root) with `arguments`, the
    /// `vigil` under test in `$VIGIL_BIN`, and waits for it.
    static func runScript(_ script: String, _ arguments: [String] = [], environment extra: [String: String] = [:]) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [samples.deletingLastPathComponent().appendingPathComponent(script).path] + arguments
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["VIGIL_BIN"] = binary.path
        process.environment = environment
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return await finish((process, out, err))
    }

    /// Sends SIGTERM and waits for the process to end; one still running after `grace` is killed outright,
    /// so a process that does not stop fails the caller's status check rather than hanging the suite.
    static func terminate(_ started: (Process, Pipe, Pipe), grace: Duration = .seconds(30)) async -> Outcome {
        let pid = started.0.processIdentifier
        kill(pid, SIGTERM)
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { await finish(started) }
            group.addTask {
                try? await Task.sleep(for: grace)
                if !Task.isCancelled { kill(pid, SIGKILL) }
                return nil
            }
            let outcome = await group.first { $0 != nil } ?? nil
            group.cancelAll()
            return outcome ?? Outcome(status: -1, stdout: "", stderr: "")
        }
    }

    /// Runs `vigil` to completion.
    static func run(_ arguments: [String], environment: [String] = []) async throws -> Outcome {
        await finish(try start(arguments, environment: environment))
    }

    /// Runs another tool (`sqlite3`, `curl`) found on the PATH and returns its standard output.
    static func runTool(_ tool: String, _ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return await finish((process, out, err)).stdout
    }

    /// Parses the run's standard output as a JSON object.
    static func json(_ outcome: Outcome) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// Standard output parsed as a JSON array of objects.
    static func json(_ outcome: Outcome, array: Bool) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]] ?? []
    }
}

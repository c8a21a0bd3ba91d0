import ArgumentParser
import Foundation

/// Memory figures of a running process, from Linux's `/proc/PID/status`.
enum ProcessMemory {
    /// The process's peak resident set size (VmHWM) in MB (2^20 bytes).
    static func peakMB(of pid: Int32) throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { throw ValidationError("no VmHWM for process \(pid)") }
        return kilobytes / 1024
    }
}

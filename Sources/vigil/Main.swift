import ArgumentParser
import CMalloc
#if canImport(Glibc)
import Glibc
#endif

/// Entry point: runs the parsed command and maps failures to the exit codes scripts rely on
/// (0 all good, 2 some records rejected, 1 usage or fatal error).
@main
enum Main {
    static func main() async {
        // The allocator's settings were applied as the program loaded (CMalloc's constructor); naming the
        // module's function here is what links that constructor into the executable.
        _ = vigil_malloc_policy_applied()
        do {
            var command = try VigilCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = VigilCommand.exitCode(for: error)
            if code == .success || code.rawValue == 2 {
                VigilCommand.exit(withError: error)
            }
            let message = VigilCommand.fullMessage(for: error)
            if !message.isEmpty { FileOutput.standardError("\(message)\n") }
            exit(1)
        }
    }
}

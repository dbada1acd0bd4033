import ArgumentParser
import BasculeCommands
import BasculeDomain
import Foundation

/// Runs `bascule` with arguments in-process and returns what a user would have seen.
struct CommandResult {
    var output: String
    var errors: String
    var exitCode: Int32
}

final class Capture: @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""
    func write(_ s: String) { lock.withLock { out += s + "\n" } }
    func writeError(_ s: String) { lock.withLock { err += s + "\n" } }
    var output: String { lock.withLock { out } }
    var errors: String { lock.withLock { err } }
}

/// No system clock: a command that needs a day and is given no `--date` fails, on any day of any
/// year. Environment variables are the test's own (`environment`), never the process's.
/// `today`: the system's day as the command would read it, for a test of what a command does
/// with a `--date` against it (still never the real clock).
func bascule(_ arguments: [String], environment: [String: String] = [:], today: CivilDate? = nil) async -> CommandResult {
    let capture = Capture()
    let output = Output(write: { capture.write($0) }, writeError: { capture.writeError($0) })
    var code: Int32 = 0
    var commandEnvironment = CommandEnvironment.fixed(variables: environment)
    if let today { commandEnvironment.today = { today } }
    await CommandEnvironment.$current.withValue(commandEnvironment) {
    await Output.$current.withValue(output) {
        do {
            var command = try BasculeCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let e as ExitCode {
            code = e.rawValue
        } catch {
            capture.writeError(BasculeCommand.fullMessage(for: error))
            code = BasculeCommand.exitCode(for: error).rawValue
        }
    }
    }
    return CommandResult(output: capture.output, errors: capture.errors, exitCode: code)
}

func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("BasculeImportTests/Fixtures/\(name)").path
}

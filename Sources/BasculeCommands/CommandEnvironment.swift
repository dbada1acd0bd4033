import BasculeDomain
import Foundation

/// What a command takes from the process around it rather than from its arguments: the day it
/// acts on when it is given no `--date`, and the environment variables that carry secrets.
/// A task-local, like `Output`, so that tests run commands in-process with a day and variables
/// of their own: a test that forgets a command's `--date` fails on every day, not only from the
/// next 1 January, and no test changes the process environment other suites' children inherit.
public struct CommandEnvironment: Sendable {
    /// Today, for a command given no `--date`.
    public var today: @Sendable () throws -> CivilDate
    /// An environment variable's value.
    public var variable: @Sendable (String) -> String?

    public init(today: @escaping @Sendable () throws -> CivilDate, variable: @escaping @Sendable (String) -> String?) {
        self.today = today
        self.variable = variable
    }

    /// The system's clock (local day) and the process environment.
    public static let process = CommandEnvironment(
        today: {
            let c = Calendar(identifier: .gregorian).dateComponents(in: .current, from: Date())
            return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
        },
        variable: { name in ProcessInfo.processInfo.environment[name] })

    /// For tests: no system day at all (a command that needs one must be given `--date`), and
    /// exactly these variables.
    public static func fixed(variables: [String: String] = [:]) -> CommandEnvironment {
        CommandEnvironment(today: { throw DateRequired() }, variable: { variables[$0] })
    }

    @TaskLocal public static var current: CommandEnvironment = .process
}

/// A command needed today's date where none may be taken from the clock.
public struct DateRequired: Error, CustomStringConvertible {
    public var description: String {
        "Cette commande a besoin d'une date (--date AAAA-MM-JJ) et l'horloge du système n'est pas consultée ici. / This command needs --date."
    }
}

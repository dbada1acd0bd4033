import ArgumentParser
import Foundation

/// `bascule`: the year rollover of a collège's accounts, from the SIECLE and STS-Web exports.
public struct BasculeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bascule",
        abstract: "Bascule d'année scolaire : imports Siècle-BEE et STS-Web, comptes, groupes, vérifications.",
        subcommands: [DemoCommand.self, ImportCommand.self, ImportsCommand.self, PeopleCommand.self, GenerateCommand.self, PasswordCommand.self, PlanCommand.self, ApplyCommand.self, AccountsCommand.self, SheetsCommand.self, CalendarCommand.self, DeparturesCommand.self, AuditCommand.self, RightsCommand.self, DirectoryCommand.self, VerifyCommand.self, SpacesCommand.self, RunCommand.self, ToDosCommand.self, ContactsCommand.self, ServeCommand.self, AdminCommand.self, TokenCommand.self])

    public init() {}

    /// The executable's entry point. ArgumentParser's own `main()` picks its synchronous form on
    /// Linux for a root command declared in a library, so the async dispatch is written out here.
    /// Before anything, the process protects what it writes (``ProcessSafety``).
    public static func execute(_ arguments: [String]? = nil) async {
        ProcessSafety.start()
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

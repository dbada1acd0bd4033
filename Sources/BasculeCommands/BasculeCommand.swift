import ArgumentParser

/// `bascule`: the year rollover of a collège's accounts, from the SIECLE and STS-Web exports.
public struct BasculeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bascule",
        abstract: "Bascule d'année scolaire : imports Siècle-BEE et STS-Web, comptes, groupes, vérifications.",
        subcommands: [DemoCommand.self, ImportCommand.self, PeopleCommand.self, GenerateCommand.self])

    public init() {}
}

import ArgumentParser
import BasculeApp
import BasculeDomain
import Foundation

/// `bascule contacts`: the addresses at which the direction and the RUPNs hear of their to-dos.
struct ContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Adresses de courriel auxquelles la direction et les RUPN reçoivent leurs tâches (liste par défaut).",
        discussion: """
            Les exports ne donnent pas l'adresse des personnels (STS-Web n'en a pas) : la personne elle-même, \\
            la direction ou le département l'enregistre. Sans adresse pour un rôle, ses tâches vont au département.
            """,
        subcommands: [List.self, SetAddress.self, Remove.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Les adresses enregistrées et ce qu'elles reçoivent.")

        @OptionGroup var options: DataOptions

        @Option(name: [.customLong("school"), .customLong("uai")], help: "Seulement cet établissement (UAI).")
        var school: UAI?

        @Flag(help: "En JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let entries = try await options.withStore { try await ContactService(store: $0).list(uai: school) }
                if json { say(try renderJSON(entries)); return }
                if entries.isEmpty { say("Aucune adresse enregistrée : les tâches vont au département (courriel.departement).") }
                for e in entries {
                    say("\(e.uai)  \(e.login)  \(e.address)  \(e.roles.isEmpty ? "(ni direction ni RUPN : ne reçoit rien)" : e.roles.joined(separator: ", "))")
                }
            }
        }
    }

    struct SetAddress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Enregistre l'adresse d'un personnel.")

        @OptionGroup var options: DataOptions
        @OptionGroup var who: ContactDecider

        @Argument(help: "Identifiant du personnel.")
        var login: String

        @Argument(help: "Son adresse de courriel.")
        var address: String

        func run() async throws {
            try await who.change(options, login: login, address: address)
            say("Adresse enregistrée pour \(login).")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Retire l'adresse d'un personnel.")

        @OptionGroup var options: DataOptions
        @OptionGroup var who: ContactDecider

        @Argument(help: "Identifiant du personnel.")
        var login: String

        func run() async throws {
            try await who.change(options, login: login, address: nil)
            say("Adresse retirée pour \(login).")
        }
    }
}

/// Who changes an address, for which school, on which day.
struct ContactDecider: ParsableArguments {
    @Option(name: [.customLong("uai"), .customLong("school")], help: "Établissement (UAI).")
    var uai: UAI

    @Option(help: "Identifiant de qui décide : la personne elle-même ou la direction.")
    var by: String?

    @Flag(name: [.customLong("departement"), .customLong("department")], help: "Au nom du département (l'utilisateur système est consigné).")
    var department = false

    @Option(help: "Jour (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    func validate() throws {
        guard (by != nil) != department else { throw ValidationError("--by IDENTIFIANT ou --departement, l'un des deux.") }
    }

    func change(_ options: DataOptions, login: String, address: String?) async throws {
        try await reportingErrors {
            let day = try date.orToday()
            let acting: Acting = by.map { .account($0) } ?? .authority(name: "département (\(PlanningService.defaultActor))", roles: [.department])
            do {
                try await options.withStore { store in
                    try await ContactService(store: store).set(uai: uai, login: login, address: address, by: acting, on: day)
                }
            } catch let error as ToDoError {
                warn(error.french)
                throw ExitCode(2)
            }
        }
    }
}

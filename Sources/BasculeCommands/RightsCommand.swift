import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeSpaces
import BasculeStore
import Foundation

extension SchoolRight: ExpressibleByArgument {}

/// `bascule rights`: what the direction delegates, and to whom.
struct RightsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rights",
        abstract: "Droits délégués par la direction : RUPN (réinitialise tout mot de passe), administrateur de l'ENT, affectation GAR.",
        discussion: """
            Seul le chef d'établissement ou son adjoint (fonction DIR dans le dernier export STS-Web, compte actif)
            accorde ou retire un droit, et seulement à un personnel. Chaque changement est consigné dans l'audit.
            Droits : \(SchoolRight.allCases.map(\.rawValue).joined(separator: ", ")).
            """,
        subcommands: [Grant.self, Revoke.self, List.self])

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "grant", abstract: "Accorde un droit à un personnel.")

        @OptionGroup var options: DataOptions

        @Option(name: [.customLong("uai"), .customLong("school")], help: "Établissement (UAI).")
        var uai: UAI

        @Option(help: "Identifiant de la personne de direction qui accorde le droit.")
        var by: String

        @Option(help: "Date (AAAA-MM-JJ), par défaut aujourd'hui.")
        var date: DateOption?

        @Argument(help: "Le droit : \(SchoolRight.allCases.map(\.rawValue).joined(separator: ", ")).")
        var right: SchoolRight

        @Argument(help: "Identifiant du personnel qui le reçoit.")
        var login: String

        /// `--by` speaks for someone else: root's alone (the audit names both).
        func validate() throws {
            try RootOnly.check()
        }

        func run() async throws {
            try await spacesErrors {
                try await options.withStore { store in
                    let day = try date.orToday()
                    let why = try await RightsService(store: store).grant(uai: uai, right: right, to: login, by: by, on: day)
                    say("Droit accordé : \(why.french).")
                    try await updateReferentsSpace(options, store: store, uai: uai, right: right, day: day)
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Retire un droit.")

        @OptionGroup var options: DataOptions

        @Option(name: [.customLong("uai"), .customLong("school")], help: "Établissement (UAI).")
        var uai: UAI

        @Option(help: "Identifiant de la personne de direction qui retire le droit.")
        var by: String

        @Option(help: "Date (AAAA-MM-JJ), par défaut aujourd'hui.")
        var date: DateOption?

        @Argument(help: "Le droit : \(SchoolRight.allCases.map(\.rawValue).joined(separator: ", ")).")
        var right: SchoolRight

        @Argument(help: "Identifiant du personnel qui le perd.")
        var login: String

        /// `--by` speaks for someone else: root's alone (the audit names both).
        func validate() throws {
            try RootOnly.check()
        }

        func run() async throws {
            try await spacesErrors {
                try await options.withStore { store in
                    let day = try date.orToday()
                    let why = try await RightsService(store: store).revoke(uai: uai, right: right, from: login, by: by, on: day)
                    say("Droit retiré : \(why.french).")
                    try await updateReferentsSpace(options, store: store, uai: uai, right: right, day: day)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Qui détient quel droit, accordé par qui et quand.")

        @OptionGroup var options: DataOptions

        @Option(name: [.customLong("uai"), .customLong("school")], help: "Établissement (UAI).")
        var uai: UAI

        @Flag(help: "En JSON.")
        var json = false

        struct Row: Encodable {
            let right: SchoolRight
            let login: String
            let firstName: String
            let lastName: String
            let status: AccountStatus
            let grantedBy: String
            let grantedOn: CivilDate
        }

        func run() async throws {
            try await reportingErrors {
                let held = try await options.withStore { store in try await RightsService(store: store).list(uai: uai) }
                let rows = held.map { Row(right: $0.right, login: $0.login, firstName: $0.name.firstName,
                                          lastName: $0.name.displayFamilyName, status: $0.status, grantedBy: $0.grantedBy,
                                          grantedOn: $0.grantedOn) }
                if json { say(try renderJSON(rows)); return }
                if rows.isEmpty { say("Aucun droit délégué dans \(uai) (bascule rights grant --uai \(uai) --by DIRECTION DROIT IDENTIFIANT).") }
                for r in rows {
                    let inactive = r.status == .active ? "" : " — compte \(r.status.rawValue) : le droit ne s'exerce pas"
                    say("\(r.right.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(r.login.padding(toLength: 16, withPad: " ", startingAt: 0)) \(r.lastName.uppercased()) \(r.firstName)  accordé par \(r.grantedBy) le \(r.grantedOn)\(inactive)")
                }
            }
        }
    }
}

/// The RUPNs read `ReferentsInformatique` by their uid: when the spaces are configured, a `rupn`
/// right granted or revoked opens or closes that space (and the sheets in it) at once, not at the
/// next `spaces sync`. The right itself is recorded whatever happens here.
func updateReferentsSpace(_ options: DataOptions, store: Store, uai: UAI, right: SchoolRight, day: CivilDate) async throws {
    guard right == .rupn, let configuration = try options.configuration,
          let settings = try configuration.spacesSettings(dataDirectory: options.data) else { return }
    let service = SpacesService(store: store, settings: settings, firstPosixNumber: configuration.firstPosixNumber)
    let report: SpacesSyncReport
    do {
        report = try await service.syncReferents(uai: uai, date: day)
    } catch let error as SpacesError {
        warn(error.french + "\nLe droit est enregistré, mais l'espace \(service.referentsFolder(uai: uai)) n'est pas à jour : relancez « bascule spaces sync ».")
        throw ExitCode(SpacesCommand.failureCode)
    }
    say(report.french)
    if !report.failures.isEmpty {
        warn("Le droit est enregistré, mais l'espace \(service.referentsFolder(uai: uai)) n'est pas à jour : relancez « bascule spaces sync ».")
        throw ExitCode(SpacesCommand.failureCode)
    }
}

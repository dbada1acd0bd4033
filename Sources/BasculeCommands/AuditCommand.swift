import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Relit le journal d'audit : qui a fait quoi, quand, sur quel compte ou groupe, et pourquoi.")

    @OptionGroup var options: DataOptions

    @Option(help: "Seulement cet établissement (UAI).")
    var school: UAI?

    @Option(help: "Seulement ce compte (identifiant) ou ce groupe.")
    var target: String?

    @Option(help: "Seulement cet événement (create-account, mark-leaving, apply, approve-departure...).")
    var event: String?

    @Option(help: "Depuis cette date (AAAA-MM-JJ).")
    var since: DateOption?

    @Flag(help: "En JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let entries = try await options.withStore { store in
                try await store.auditEntries(AuditFilter(uai: school, target: target, event: event, since: since?.date))
            }
            if json { say(try renderJSON(entries)); return }
            if entries.isEmpty { say("Aucune entrée.") }
            for e in entries {
                say("\(e.at)  \(e.actor)  \(e.uai)  \(e.event)\(e.target.map { " \($0)" } ?? "") : \(e.french)")
            }
        }
    }
}

struct DeparturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "departures",
        abstract: "Départs des personnels : liste à valider par l'établissement, et validation (préalable à la suppression des comptes).",
        subcommands: [List.self, Approve.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Personnels partis dont le compte attend la validation.")

        @OptionGroup var options: DataOptions

        @Option(help: "Seulement cet établissement (UAI).")
        var school: UAI?

        func run() async throws {
            try await reportingErrors {
                try await options.withStore { store in
                    var any = false
                    for uai in try await schools(school, in: store) {
                        let approved = try await store.approvedDepartures(uai: uai)
                        for a in try await store.directoryState(uai: uai).accounts
                        where a.kind != .student && (a.status == .leaving || a.status == .disabled) {
                            any = true
                            let state = approved.contains(a.personID) ? "validé" : "à valider"
                            say("\(uai)  \(a.login)  \(a.name.full)  (\(a.status.rawValue) depuis le \(a.statusSince)) — \(state)")
                        }
                    }
                    if !any { say("Aucun départ de personnel en attente.") }
                }
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve",
            abstract: "Valide le départ de ces personnels : leurs comptes seront supprimés dans la période prévue.",
            discussion: "Décision de la direction (fonction DIR dans STS-Web) ou du RUPN, nommés par --by ; consignée dans l'audit.")

        @OptionGroup var options: DataOptions

        @Option(help: "Établissement (UAI).")
        var school: UAI

        @Option(help: "Identifiant de la personne qui valide (direction ou RUPN).")
        var by: String

        @Argument(help: "Identifiants (logins) des comptes dont le départ est validé.")
        var logins: [String]

        func run() async throws {
            try await reportingErrors {
                do {
                    let approved = try await options.withStore { store in
                        try await DepartureApprovalService(store: store).approve(uai: school, logins: logins, by: by, on: DateOption.today())
                    }
                    say("\(approved.count) départ(s) validé(s).")
                } catch DepartureApprovalService.Refusal.notDeparted(let login, let uai) {
                    warn("\(login) : aucun personnel parti avec cet identifiant dans \(uai).")
                    throw ExitCode(2)
                }
            }
        }
    }
}

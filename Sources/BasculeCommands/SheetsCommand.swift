import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeStore
import Foundation

struct SheetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheets",
        abstract: "Écrit les fiches de connexion (HTML à imprimer et CSV) d'une classe, d'un groupe ou des personnels.",
        discussion: """
            Les fiches sont écrites dans <data>/schools/<UAI>/ReferentsInformatique/, lisible par son seul
            propriétaire. Une fois les fiches distribuées, « --handed-out » détruit la copie chiffrée des
            mots de passe provisoires : ils ne pourront plus être réimprimés, seulement réinitialisés.
            """)

    @OptionGroup var options: DataOptions

    @Option(help: "Établissement (UAI), obligatoire s'il y en a plusieurs.")
    var school: UAI?

    @Option(name: .customLong("class"), help: "Les élèves de cette classe.")
    var division: String?

    @Option(help: "Les élèves de ce groupe.")
    var group: String?

    @Flag(help: "Les personnels (enseignants, administratifs).")
    var staff = false

    @Option(help: "Seulement les comptes créés depuis cette date (AAAA-MM-JJ), pour les arrivées en cours d'année.")
    var since: DateOption?

    @Option(help: "Adresse de l'ENT imprimée sur les fiches.")
    var entAddress: String = SheetsService.defaultENTAddress

    @Flag(help: "Marque ces fiches comme remises et détruit la copie des mots de passe provisoires.")
    var handedOut = false

    @Option(help: "Date de la remise (AAAA-MM-JJ) avec --handed-out, par défaut aujourd'hui.")
    var date: DateOption?

    func validate() throws {
        if [division != nil, group != nil, staff].filter({ $0 }).count != 1 {
            throw ValidationError("Choisissez une seule sélection : --class, --group ou --staff.")
        }
    }

    var selection: SheetSelection {
        if let division { return .division(division) }
        if let group { return .group(group) }
        return .staff
    }

    func run() async throws {
        try await reportingErrors {
            try await options.withStore { store in
                // Once the store is found: a wrong --data must not leave a new key behind.
                let vault = try SheetVault(dataDirectory: options.data)
                let all = try await store.schools()
                guard let uai = school ?? (all.count == 1 ? all.first : nil) else {
                    warn(all.isEmpty ? "Aucun établissement importé." : "Plusieurs établissements : précisez --school (\(all.map(\.code).joined(separator: ", "))).")
                    throw ExitCode(2)
                }
                let sheets = SheetsService(store: store, vault: vault, dataDirectory: options.data, entAddress: entAddress)
                if handedOut {
                    let lines = try await sheets.lines(uai: uai, selection: selection, since: since?.date)
                    let pending = lines.filter { $0.temporaryPassword != nil }.map(\.personID)
                    try await store.markHandedOut(pending, on: try date.orToday())
                    say("\(pending.count) fiche(s) marquée(s) remise(s) : copies des mots de passe provisoires détruites.")
                    return
                }
                let written = try await sheets.write(uai: uai, selection: selection, since: since?.date)
                if written.lines.isEmpty { say("Aucun compte actif pour cette sélection.") }
                say("\(written.lines.count) fiche(s) :")
                say(written.html.path)
                say(written.csv.path)
            }
        }
    }
}

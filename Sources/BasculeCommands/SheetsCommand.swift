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
            Quand bascule.yml décrit les espaces de fichiers (section « espaces »), les fiches sont écrites dans
            l'espace <racine>/<UAI>/ReferentsInformatique, lisible par les seuls détenteurs du droit rupn
            (bascule rights), dont les droits (ACL) sont remis à jour d'abord ; sinon dans
            <data>/schools/<UAI>/ReferentsInformatique/, lisible par son seul propriétaire. Une fois les fiches
            distribuées, « --handed-out » détruit la copie chiffrée des mots de passe provisoires et les
            fichiers HTML et CSV de ces fiches (et toute autre fiche qui montre encore l'un de ces mots de
            passe) : ils ne pourront plus être réimprimés, seulement réinitialisés.
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

    @Option(help: "Date (AAAA-MM-JJ) de la remise avec --handed-out, et de la mise en ordre de l'espace des référents ; par défaut aujourd'hui.")
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
        try await spacesErrors {
            let configuration = try options.configuration
            let spaces = try configuration.flatMap { try $0.spacesSettings(dataDirectory: options.data) }
            try await options.withStore { store in
                // Once the store is found: a wrong --data must not leave a new key behind.
                let vault = try SheetVault(dataDirectory: options.data)
                let all = try await store.schools()
                guard let uai = school ?? (all.count == 1 ? all.first : nil) else {
                    warn(all.isEmpty ? "Aucun établissement importé." : "Plusieurs établissements : précisez --school (\(all.map(\.code).joined(separator: ", "))).")
                    throw ExitCode(2)
                }
                let sheets = SheetsService(store: store, vault: vault, dataDirectory: options.data, entAddress: entAddress)
                let service = spaces.map { SpacesService(store: store, settings: $0, firstPosixNumber: configuration!.firstPosixNumber) }
                if handedOut {
                    let lines = try await sheets.lines(uai: uai, selection: selection, since: since?.date)
                    let pending = lines.filter { $0.temporaryPassword != nil }
                    try await store.markHandedOut(pending.map(\.personID), on: try date.orToday())
                    say("\(pending.count) fiche(s) marquée(s) remise(s) : copies des mots de passe provisoires détruites.")
                    // The printed sheets are the only copies left: the files go too, wherever written.
                    let folders = [sheets.dataFolder(uai: uai)] + (service.map { [URL(fileURLWithPath: $0.referentsFolder(uai: uai))] } ?? [])
                    let removed = try sheets.destroySheets(uai: uai, selection: selection, handedOut: Set(pending.map(\.login)), in: folders)
                    say(removed.isEmpty ? "Aucun fichier de fiche à supprimer."
                                        : "\(removed.count) fichier(s) de fiches supprimé(s) :\n" + removed.map { "  " + $0.path }.joined(separator: "\n"))
                    return
                }
                var folder: SheetsService.SpaceFolder?
                if let service {
                    // The space first, with the RUPNs of the day as its readers: never a sheet in a
                    // folder someone else may read.
                    let (report, made) = try await service.referentsSpace(uai: uai, date: try date.orToday())
                    if !report.operations.isEmpty || !report.failures.isEmpty || !report.findings.isEmpty { say(report.french) }
                    guard let made else {
                        warn("L'espace des référents \(service.referentsFolder(uai: uai)) n'a pas pu être préparé : aucune fiche n'est écrite (voir ci-dessus ; bascule spaces sync).")
                        throw ExitCode(SpacesCommand.failureCode)
                    }
                    folder = made
                }
                let written = try await sheets.write(uai: uai, selection: selection, since: since?.date, into: folder)
                if written.lines.isEmpty { say("Aucun compte actif pour cette sélection.") }
                say("\(written.lines.count) fiche(s) :")
                say(written.html.path)
                say(written.csv.path)
                if let folder, !folder.fileACL.access.contains(where: { $0.tag == .user && $0.id != nil }) {
                    warn("Aucun RUPN désigné dans \(uai) : seul l'administrateur lit ces fiches (bascule rights grant --uai \(uai) --by DIRECTION rupn IDENTIFIANT).")
                }
            }
        }
    }
}

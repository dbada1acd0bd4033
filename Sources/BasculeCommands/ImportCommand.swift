import ArgumentParser
import BasculeApp
import BasculeDomain
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Importe des exports Siècle-BEE (ZIP ou XML) et STS-Web, en une seule transaction.",
        discussion: """
            Le type de chaque fichier est reconnu à son élément racine (BEE_ELEVES, BEE_RESPONSABLES, STS_EDT).
            Un fichier refusé (XML mal formé ou tronqué, identifiant en double, champ obligatoire absent...)
            est signalé avec sa ligne, et rien n'est enregistré.
            """)

    @OptionGroup var options: DataOptions

    @Option(help: "Refuse tout fichier qui n'est pas de cet établissement (UAI).")
    var school: UAI?

    @Option(help: "Date de l'import (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    @Flag(help: "Affiche le résumé en JSON.")
    var json = false

    @Argument(help: "Fichiers d'export.")
    var files: [String]

    func run() async throws {
        try await reportingErrors {
            let summary = try await options.withStore { store in
                try await ImportService(store: store, today: date?.date ?? DateOption.today())
                    .importFiles(files.map { URL(fileURLWithPath: $0) }, school: school)
            }
            say(json ? try renderJSON(summary) : summary.french)
        }
    }
}

import ArgumentParser
import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Importe des exports Siècle-BEE (ZIP ou XML) et STS-Web, en une seule transaction.",
        discussion: """
            Le type de chaque fichier est reconnu à son élément racine (BEE_ELEVES, BEE_RESPONSABLES, STS_EDT).
            Un fichier refusé (XML mal formé ou tronqué, identifiant en double, champ obligatoire absent...)
            est signalé avec sa ligne, et rien n'est enregistré. Une copie de chaque fichier importé est
            gardée, lisible de l'administrateur seul, sous DONNÉES/imports/UAI/ (bascule imports).
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
            let summary = try await options.withStore(creating: true) { store in
                var service = ImportService(store: store, today: try date.orToday())
                service.archive = ImportFileArchive(dataDirectory: options.data)
                return try await service.importFiles(files.map { URL(fileURLWithPath: $0) }, school: school)
            }
            say(json ? try renderJSON(summary) : summary.french)
        }
    }
}

/// `bascule imports`: the copies of imported exports Bascule keeps, and their summer clean-up.
struct ImportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imports",
        abstract: "Les copies des exports importés (DONNÉES/imports) : liste (par défaut) et suppression des anciennes.",
        subcommands: [ImportsListCommand.self, ImportsPurgeCommand.self],
        defaultSubcommand: ImportsListCommand.self)
}

struct ImportsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Liste les copies gardées, par établissement et source.")

    @OptionGroup var options: DataOptions

    @Flag(help: "En JSON.")
    var json = false

    func run() async throws {
        let files = try ImportFileArchive(dataDirectory: options.data).list()
        if json { say(try renderJSON(files)); return }
        if files.isEmpty { say("Aucune copie d'export gardée sous \(options.data)/imports.") }
        let old = Set(ImportFileArchive.old(files).map(\.path))
        for f in files {
            say("\(f.uai)  \(f.source.padding(toLength: 20, withPad: " ", startingAt: 0)) importé le \(f.importedOn)  \(f.fileName)  (\(f.bytes) octets)\(old.contains(f.path) ? "  — ancien" : "  — le plus récent, gardé")")
        }
    }
}

struct ImportsPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Supprime les anciennes copies d'exports, dans la période de nettoyage du calendrier.",
        discussion: """
            Le mémo : « les anciens fichiers d'importation seront supprimés », pendant le nettoyage d'été du
            serveur pédagogique. Toutes les copies sont supprimées sauf la plus récente de chaque
            établissement et de chaque source, que l'annuaire suit encore. Hors de la période de nettoyage
            du calendrier (entrée de type nettoyage dont l'identifiant contient « import »), la commande
            dit ce qu'elle ferait et quand ; --ignore-calendar supprime quand même (consigné dans l'audit).
            """)

    @OptionGroup var options: DataOptions

    @Option(help: "Date (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    @Flag(help: "Montre ce qui serait supprimé, sans rien supprimer.")
    var dryRun = false

    @Flag(help: "Supprime même hors de la période de nettoyage du calendrier.")
    var ignoreCalendar = false

    func run() async throws {
        try await reportingErrors {
            let day = try date.orToday()
            let archive = ImportFileArchive(dataDirectory: options.data)
            let old = ImportFileArchive.old(try archive.list())
            let calendar = try CalendarStore(dataDirectory: options.data).calendar(for: SchoolCalendar.rolloverYear(for: day), school: nil).calendar
            let windows = calendar.entries.filter { $0.kind == .cleanup && $0.id.contains("import") }
            let open = windows.first { $0.isInForce(on: day) }
            if old.isEmpty { say("Aucune ancienne copie d'export à supprimer."); return }
            let total = old.reduce(Int64(0)) { $0 + $1.bytes }
            guard !dryRun, open != nil || ignoreCalendar else {
                let when = open.map { _ in "" } ?? (windows.first { $0.window.startsAfter(day) }.map { " La période de nettoyage commence le \($0.from!) [\($0.id)]." }
                    ?? " Aucune période de nettoyage des fichiers d'import à venir dans le calendrier \(calendar.year).")
                say("\(old.count) ancienne(s) copie(s) d'export (\(total) octets) \(dryRun ? "seraient supprimées" : "ne sont pas supprimées aujourd'hui").\(dryRun ? "" : when)")
                for f in old { say("  - \(f.uai) \(f.source) importé le \(f.importedOn) : \(f.fileName)") }
                return
            }
            let reason = open.map { "période de nettoyage [\($0.id)] du calendrier \(calendar.year)" } ?? "hors calendrier, à la demande (--ignore-calendar)"
            let removed = try await options.withStore { store in
                try await archive.purge(old, store: store, actor: PlanningService.defaultActor, reason: reason)
            }
            say("\(removed.count) ancienne(s) copie(s) d'export supprimée(s) (\(total) octets) ; \(reason). La plus récente de chaque établissement et source est gardée.")
        }
    }
}

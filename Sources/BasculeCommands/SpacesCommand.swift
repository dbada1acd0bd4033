import ArgumentParser
import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeSpaces
import BasculeStore
import Foundation

/// `bascule spaces`: the file spaces configured in bascule.yml (`espaces`).
struct SpacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spaces",
        abstract: "Les espaces de fichiers : usage et quotas (par défaut), synchronisation, nettoyage du calendrier.",
        subcommands: [Report.self, Sync.self, Clean.self],
        defaultSubcommand: Report.self)

    /// Exit code of a run where an operation on the tree failed (the others were done).
    static let failureCode: Int32 = 7

    static let noSchool = "Aucun établissement : importez d'abord des exports (bascule import), puis appliquez un plan (bascule apply)."

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Chaque espace : chemin, type, propriétaire et groupes, quota, usage mesuré, dépassement ; c'est aussi « bascule spaces » seul.",
            discussion: """
                L'usage est toujours mesuré en parcourant le dossier (octets alloués sur le disque, liens durs comptés une
                fois, liens symboliques jamais suivis), que le système de fichiers applique les quotas ou non. Un espace
                au-dessus de son quota est signalé ; le code de sortie reste 0 (seule une erreur le change).
                """)

        @OptionGroup var options: DataOptions

        @Option(name: [.customLong("uai"), .customLong("school")], help: "Seulement cet établissement (UAI).")
        var uai: UAI?

        @Flag(help: "Sortie JSON.")
        var json = false

        func run() async throws {
            try await spacesErrors {
                let settings = try spacesSettings(options)
                let reports = try await options.withStore { store in
                    var out: [SpacesUsageReport] = []
                    let service = SpacesService(store: store, settings: settings.settings, firstPosixNumber: settings.firstNumber)
                    for school in try await schools(uai, in: store) { out.append(try await service.report(uai: school)) }
                    return out
                }
                if reports.isEmpty && !json { say(SpacesCommand.noSchool); return }
                say(json ? try renderJSON(reports) : reports.map(\.french).joined(separator: "\n\n"))
            }
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Crée et remet en état les espaces d'après l'annuaire intégré (après « bascule apply »).",
            discussion: """
                Relit l'arborescence sous la racine, la compare aux espaces que l'annuaire demande, et fait ce qui manque :
                création, propriétaire et droits (ACL POSIX) remis, quotas là où le système de fichiers les applique,
                dossier personnel déplacé quand l'identifiant est renommé, espace d'un compte supprimé archivé (archive
                vérifiée) puis supprimé. Un dossier que Bascule n'a pas créé est signalé, jamais modifié. Chaque
                opération est consignée dans l'audit (événements espaces-*). « bascule apply » lance cette
                synchronisation lui-même quand bascule.yml a une section « espaces ».
                """)

        @OptionGroup var options: DataOptions

        @Option(name: [.customLong("uai"), .customLong("school")], help: "Seulement cet établissement (UAI).")
        var uai: UAI?

        @Option(help: "Date (AAAA-MM-JJ) des archives faites, par défaut aujourd'hui.")
        var date: DateOption?

        @Flag(help: "Montre les opérations sans rien faire.")
        var dryRun = false

        @Flag(help: "Sortie JSON.")
        var json = false

        @OptionGroup var massChange: MassChangeOptions

        func run() async throws {
            try await spacesErrors {
                let settings = try spacesSettings(options)
                let day = try date.orToday()
                if !dryRun {
                    try RunCommand.refuseFuture(day, because: """
                        Les espaces seraient créés, déplacés ou archivés sous une date à venir, et le journal et l'audit \
                        diraient faux. Pour voir ce qui serait fait : --dry-run.
                        """, english: "spaces are never synchronised ahead of their date")
                }
                let held = dryRun ? nil : try options.holdingDataFolder()
                defer { withExtendedLifetime(held) {} }
                let reports = try await options.withStore { store in
                    var out: [SpacesSyncReport] = []
                    let service = SpacesService(store: store, settings: settings.settings, firstPosixNumber: settings.firstNumber)
                    for school in try await schools(uai, in: store) {
                        out.append(try await service.sync(uai: school, date: day, dryRun: dryRun,
                                                          removals: try options.sharedSpaceRemovals(uai: school, on: day),
                                                          deletions: massChange.deletions))
                    }
                    return out
                }
                if reports.isEmpty && !json { say(SpacesCommand.noSchool); return }
                say(json ? try renderJSON(reports) : reports.map(\.french).joined(separator: "\n"))
                if reports.contains(where: { !$0.failures.isEmpty }) { throw ExitCode(SpacesCommand.failureCode) }
            }
        }
    }

    struct Clean: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clean",
            abstract: "Le nettoyage du calendrier : espaces classes, groupes et Commun archivés puis vidés, archives purgées.",
            discussion: """
                Dans la fenêtre du département (nettoyage-classes-commun, du 15 juillet au 31 août en 2026), archive puis
                vide les espaces classes, groupes et Commun, une seule fois par année scolaire ; l'archive est relue et
                comparée à son manifeste avant que quoi que ce soit soit vidé. Dans la fenêtre de l'établissement,
                liste la salle des professeurs et Mediaprof (taille, nombre de fichiers, plus ancien et plus récent, plus
                gros dossiers) : leur nettoyage est à sa charge. Hors fenêtre, dit ce qui sera fait et quand. Purge aussi
                les archives dont la conservation est finie. Sans --yes, demande confirmation sur un terminal avant de
                vider ou purger quoi que ce soit (et refuse hors terminal).
                """)

        @OptionGroup var options: DataOptions

        @Option(name: [.customLong("uai"), .customLong("school")], help: "Seulement cet établissement (UAI).")
        var uai: UAI?

        @Option(help: "Date (AAAA-MM-JJ), par défaut aujourd'hui.")
        var date: DateOption?

        @Flag(help: "Montre ce qui serait fait sans rien modifier.")
        var dryRun = false

        @Flag(help: "Vide et purge sans demander confirmation.")
        var yes = false

        @Flag(help: "Sortie JSON.")
        var json = false

        func run() async throws {
            try await spacesErrors {
                let settings = try spacesSettings(options)
                let day = try date.orToday()
                if !dryRun {
                    try RunCommand.refuseFuture(day, because: """
                        Les espaces de classe et communs seraient vidés avant la date du calendrier, et le nettoyage de l'année \
                        compté fait. Pour voir ce qui serait vidé : --dry-run.
                        """, english: "spaces are never emptied ahead of their date")
                }
                let held = dryRun ? nil : try options.holdingDataFolder()
                defer { withExtendedLifetime(held) {} }
                let calendars = CalendarStore(dataDirectory: options.data)
                let reports = try await options.withStore { store in
                    var out: [SpacesCleanReport] = []
                    let service = SpacesService(store: store, settings: settings.settings, firstPosixNumber: settings.firstNumber)
                    for school in try await schools(uai, in: store) {
                        let year = SchoolCalendar.rolloverYear(for: day)
                        let calendar = try calendars.calendar(for: year, school: school).calendar
                        let following = try calendars.calendar(for: SchoolYear(startYear: year.startYear + 1), school: school).calendar
                        if !dryRun && !yes {
                            let preview = try await service.clean(uai: school, date: day, calendar: calendar, following: following, dryRun: true)
                            if !preview.emptied.isEmpty || !preview.purged.isEmpty {
                                say(preview.french)
                                guard isatty(STDIN_FILENO) == 1 else {
                                    warn("Confirmation impossible hors terminal : relancez avec --yes (ou --dry-run pour seulement voir).")
                                    throw ExitCode(1)
                                }
                                FileHandle.standardError.write(Data("Archiver puis vider, et purger ces archives ? (oui/non) ".utf8))
                                guard let answer = Swift.readLine(), ["o", "oui", "y", "yes"].contains(answer.lowercased()) else {
                                    warn("Rien n'a été fait.")
                                    throw ExitCode(1)
                                }
                            }
                        }
                        out.append(try await service.clean(uai: school, date: day, calendar: calendar, following: following, dryRun: dryRun))
                    }
                    return out
                }
                if reports.isEmpty && !json { say(SpacesCommand.noSchool); return }
                say(json ? try renderJSON(reports) : reports.map(\.french).joined(separator: "\n\n"))
                if reports.contains(where: { !$0.failures.isEmpty }) { throw ExitCode(SpacesCommand.failureCode) }
            }
        }
    }
}

/// The configured spaces, or a French refusal naming the file to edit.
func spacesSettings(_ options: DataOptions) throws -> (settings: SpacesSettings, firstNumber: Int) {
    guard let configuration = try options.configuration,
          let settings = try configuration.spacesSettings(dataDirectory: options.data) else {
        throw ConfigurationError.invalid("aucun espace de fichiers n'est configuré : ajoutez une section « espaces » (racine, quotas…) à \(options.config ?? options.data + "/bascule.yml")")
    }
    return (settings, configuration.firstPosixNumber)
}

/// `reportingErrors`, plus the spaces' own errors (exit code 7).
func spacesErrors(_ body: () async throws -> Void) async throws {
    try await reportingErrors {
        do {
            try await body()
        } catch let e as SpacesError {
            warn(e.french)
            throw ExitCode(SpacesCommand.failureCode)
        }
    }
}

import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeStore
import Foundation

/// `bascule directory`: the real directory (LDAP) configured in bascule.yml.
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "L'annuaire réel (LDAP) : synchronisation, journal, schéma.",
        subcommands: [Sync.self, Journal.self, Schema.self])

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Amène l'annuaire réel à l'état de l'annuaire intégré (après « bascule apply »).",
            discussion: """
                Relit la branche de l'établissement dans l'annuaire, liste les opérations qui la rendent conforme,
                et les exécute une à une, chacune notée au journal avant et après. Une exécution interrompue
                (coupure, arrêt) est terminée par la suivante, sans rien refaire deux fois. Les entrées que
                Bascule n'a pas créées sont signalées et jamais modifiées. « bascule apply » lance cette
                synchronisation lui-même quand bascule.yml décrit un annuaire.
                """)

        @OptionGroup var options: DataOptions

        @Option(help: "Seulement cet établissement (UAI).")
        var school: UAI?

        @Flag(help: "Montre les opérations sans rien écrire.")
        var dryRun = false

        @Flag(help: "Sortie JSON.")
        var json = false

        @OptionGroup var massChange: MassChangeOptions

        func run() async throws {
            try await reportingErrors {
                guard let configuration = try options.checkedConfiguration, let connector = try configuration.connector() else {
                    warn("Aucun annuaire réel n'est configuré : ajoutez une section « annuaire » à \(options.config ?? options.data + "/bascule.yml").")
                    throw ExitCode(2)
                }
                let held = dryRun ? nil : try options.holdingDataFolder()
                defer { withExtendedLifetime(held) {} }
                try await options.withStore { store in
                    var reports: [DirectorySyncReport] = []
                    for uai in try await schools(school, in: store) {
                        reports.append(try await DirectorySyncService(store: store, connector: connector, layout: connector.layout)
                            .sync(uai: uai, dryRun: dryRun, deletions: massChange.deletions))
                    }
                    say(json ? try renderJSON(reports) : reports.map(\.french).joined(separator: "\n"))
                    if reports.contains(where: { !$0.failures.isEmpty }) { throw ExitCode(5) }
                }
            }
        }
    }

    struct Journal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "journal",
            abstract: "Le journal des opérations faites sur l'annuaire réel.")

        @OptionGroup var options: DataOptions

        @Option(help: "Établissement (UAI).")
        var school: UAI

        @Flag(help: "Seulement les opérations commencées et jamais terminées.")
        var unfinished = false

        @Flag(help: "Sortie JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                try await options.withStore { store in
                    let lines = try await store.journal(uai: school, unfinished: unfinished)
                    if json {
                        say(try renderJSON(lines))
                    } else {
                        say(lines.map { "\($0.seq)\t\($0.startedAt)\t\($0.state)\t\($0.kind)\t\($0.dn)\($0.error.map { "\t\($0)" } ?? "")" }
                            .joined(separator: "\n"))
                    }
                }
            }
        }
    }

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Affiche le schéma LDAP de Bascule (format slapd.conf) à installer dans l'annuaire.")

        func run() throws { say(OpenLDAPSchema.text) }
    }
}

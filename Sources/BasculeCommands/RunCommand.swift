import ArgumentParser
import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeLDAP
import BasculeStore
import Foundation

/// `bascule run`: one day of the department's work, for every school, as the service does it each day.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Exécution quotidienne : imports déposés, plan appliqué si le calendrier le permet, annuaire et espaces, nettoyages, vérification ; ce qui demande une personne devient une tâche.",
        discussion: """
            Pour chaque établissement : importe les exports déposés dans DONNÉES/depot/UAI/ ; applique le plan
            du jour quand le calendrier le permet et que rien n'y demande une personne (un plan hors de
            l'ordinaire, des renommages, une validation de départs restent en attente, jamais forcés) ; met
            l'annuaire et les espaces à jour s'ils sont configurés ; fait les nettoyages dont la période est
            ouverte ; lance la vérification de rentrée à partir de sa date ; purge le journal d'audit. Un jour
            déjà fait n'est jamais refait ; les jours manqués depuis la dernière exécution sont rattrapés (31 au
            plus). Ce qui demande une personne devient une tâche (bascule todos) avec sa raison et qui peut agir.
            """)

    @OptionGroup var options: DataOptions

    @Option(name: [.customLong("school"), .customLong("uai")], help: "Seulement cet établissement (UAI).")
    var school: UAI?

    @Option(help: "Jour à exécuter (AAAA-MM-JJ), par défaut aujourd'hui ; les jours manqués avant lui sont rattrapés.")
    var date: DateOption?

    @Option(help: "Coût du hachage des mots de passe provisoires (tours PBKDF2-SHA256, au moins 1000 ; voir docs/mots-de-passe.md).")
    var passwordRounds: Int = PasswordHasher.temporaryRounds

    @Flag(help: "En JSON.")
    var json = false

    func validate() throws {
        if passwordRounds < PasswordHasher.temporaryRounds { throw ValidationError("--password-rounds : au moins \(PasswordHasher.temporaryRounds).") }
    }

    /// The daily run's settings from `bascule.yml` and the options.
    func settings() throws -> DailyRunSettings {
        let configuration = try options.configuration ?? Configuration()
        let calendars = CalendarStore(dataDirectory: options.data)
        var directory: (@Sendable () throws -> OpenLDAPConnector)?
        if configuration.annuaire != nil {
            directory = { @Sendable () throws -> OpenLDAPConnector in
                guard let connector = try configuration.connector() else { throw ConfigurationError.invalid("annuaire") }
                return connector
            }
        }
        let calendar: @Sendable (UAI, SchoolYear) throws -> SchoolCalendar = { uai, year in
            try calendars.calendar(for: year, school: uai).calendar
        }
        let issuer = CredentialIssuer(hasher: PasswordHasher(rounds: passwordRounds), vault: try SheetVault(dataDirectory: options.data))
        return DailyRunSettings(
            dataDirectory: options.data, policy: try configuration.policy(), calendar: calendar, credentials: issuer,
            directory: directory, spaces: try configuration.spacesSettings(dataDirectory: options.data),
            firstPosixNumber: configuration.firstPosixNumber, auditRetentionMonths: try configuration.auditRetentionMonths(),
            actor: "bascule run (\(PlanningService.defaultActor))")
    }

    func run() async throws {
        try await spacesErrors {
            let day = try date.orToday()
            let settings = try settings()
            // A store is made only for exports dropped to import: `run` from the wrong folder (a
            // cron job's) finds none and makes nothing.
            let dropped = FileManager.default.fileExists(atPath: URL(fileURLWithPath: options.data).appendingPathComponent("depot").path)
            let reports: [DailyRunReport] = try await options.withStore(creating: dropped) { store in
                var out: [DailyRunReport] = []
                let service = DailyRunService(store: store, settings: settings)
                // Schools one after the other on one store connection (one writer at a time).
                for uai in try await dropSchools(store: store) {
                    out += try await service.run(uai: uai, through: day)
                }
                return out
            }
            if json { say(try renderJSON(reports)); return }
            if reports.isEmpty { say("Aucun établissement : importez des exports ou déposez-les dans \(options.data)/depot/UAI/.") }
            say(reports.map(\.french).joined(separator: "\n"))
        }
    }

    /// The schools the store knows, and those with a drop folder (a first export waiting).
    func dropSchools(store: Store) async throws -> [UAI] {
        if let school { return [school] }
        var all = Set(try await store.schools())
        let depot = URL(fileURLWithPath: options.data).appendingPathComponent("depot").path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: depot)) ?? [] {
            if let uai = UAI(name) { all.insert(uai) }
        }
        return all.sorted { $0.code < $1.code }
    }
}

/// `bascule todos`: what the daily run left for people.
struct ToDosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "todos",
        abstract: "Les tâches que l'exécution quotidienne laisse aux personnes : pourquoi, et qui peut agir.")

    @OptionGroup var options: DataOptions

    @Option(name: [.customLong("school"), .customLong("uai")], help: "Seulement cet établissement (UAI).")
    var school: UAI?

    @Flag(help: "Aussi les tâches closes.")
    var all = false

    @Flag(help: "En JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let rows = try await options.withStore { try await $0.todos(uai: school, includeClosed: all) }
            if json { say(try renderJSON(rows)); return }
            if rows.isEmpty { say("Aucune tâche en attente.") }
            for r in rows {
                say("#\(r.id) \(r.todo.uai) [\(r.todo.role.rawValue)] \(r.todo.kind.rawValue) depuis le \(r.openedOn)\(r.closedOn.map { " (close le \($0))" } ?? "") : \(r.todo.reason.french)")
            }
        }
    }
}

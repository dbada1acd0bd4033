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

    func run() async throws {
        try await spacesErrors {
            let day = try date.orToday()
            try Self.refuseFuture(day)
            try ServiceUser.check(data: options.data, command: "run")
            let configuration = try options.checkedConfiguration ?? Configuration()
            let location = try options.location
            if let host = location.cleartextHost {
                warn("ATTENTION : connexion à PostgreSQL sur \(host) sans TLS exigé (--insecure-database) : le mot de passe et les données peuvent passer en clair sur le réseau.")
            }
            if let warning = DataFolder.protect(options.data, reachable: configuration.espaces.map { [$0.racine] } ?? []) { warn(warning) }
            // A store is made only for exports dropped to import: `run` from the wrong folder (a
            // cron job's) finds none and makes nothing.
            let dropped = FileManager.default.fileExists(atPath: URL(fileURLWithPath: options.data).appendingPathComponent("depot").path)
            let environment = CommandEnvironment.current
            // The service's own scheduler, asked for one day: the CLI and `bascule serve` share it.
            let scheduler = try DailyScheduler.configured(
                dataDirectory: options.data, configuration: configuration, variables: { environment.variable($0) },
                stores: LocationStoreProvider(location: location, creating: dropped),
                clock: { Date() }, passwordRounds: passwordRounds,
                actor: "bascule run (\(PlanningService.defaultActor))", warn: { BasculeCommands.warn($0) })
            let done: DepartmentDay
            do {
                done = try await scheduler.runDay(day, only: school.map { [$0] })
            } catch let busy as DailyRunBusy {
                warn(busy.french)
                throw ExitCode(4)
            }
            if json {
                say(try renderJSON(done.schools.flatMap(\.reports)))
            } else {
                let reports = done.schools.flatMap(\.reports)
                if done.schools.isEmpty { say("Aucun établissement : importez des exports ou déposez-les dans \(options.data)/depot/UAI/.") }
                if !reports.isEmpty { say(reports.map(\.french).joined(separator: "\n")) }
                if let digests = done.digests { say(digests.french) }
            }
            // A school that failed does not stop the others; the command then ends as its error says.
            for failed in done.schools where failed.failure != nil {
                warn("\(failed.uai) : exécution arrêtée, tâche pour le département (run-failed) : \(failed.failure!.french)")
            }
            if let error = done.schools.compactMap(\.error).first { throw error }
        }
    }
}

extension RunCommand {
    /// A day after today is never run by hand: its plan would apply deletions and departures
    /// before their date, and the days up to it, caught up now and journaled done, would be
    /// skipped when they really come (the exports dropped meanwhile waiting past them). Today is
    /// the system's (`CommandEnvironment`); where there is none (tests), nothing to compare.
    static func refuseFuture(_ day: CivilDate) throws {
        try refuseFuture(day, because: """
            Une journée ne s'exécute pas en avance : son plan appliquerait des suppressions avant leur date, et les jours \
            jusqu'à elle, marqués faits, seraient sautés le moment venu. Pour voir ce que ce jour ferait : bascule plan --date \(day).
            """, english: "a day is never run ahead of time")
    }

    /// The same for every command that deletes or empties by the date it is given (`apply`,
    /// `audit purge`, `spaces sync` and `spaces clean`): a year typed wrong (2062, 2027 for 2026)
    /// would reach every deletion date at once. Their previews (`--dry-run`, `plan`) stay open.
    static func refuseFuture(_ day: CivilDate, because french: String, english: String) throws {
        guard let today = try? CommandEnvironment.current.today(), day > today else { return }
        warn("""
            Refusé : --date \(day) est après aujourd'hui (\(today)). \(french)
            Refused: --date \(day) is after today (\(today)); \(english).
            """)
        throw ExitCode(2)
    }
}

/// `bascule todos`: what the daily run left for people, and the confirmation of a held plan.
struct ToDosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "todos",
        abstract: "Les tâches que l'exécution quotidienne laisse aux personnes (liste par défaut), et la confirmation d'un plan retenu.",
        subcommands: [ToDosListCommand.self, ToDosConfirmCommand.self],
        defaultSubcommand: ToDosListCommand.self)
}

struct ToDosListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Les tâches en attente : pourquoi, et qui peut agir.")

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
                let plan = r.todo.planHash.map { " [plan \($0.prefix(12))]" } ?? ""
                say("#\(r.id) \(r.todo.uai) [\(r.todo.role.rawValue)] \(r.todo.kind.rawValue)\(plan) depuis le \(r.openedOn)\(r.closedOn.map { " (close le \($0))" } ?? "") : \(r.todo.reason.french)")
            }
        }
    }
}

/// `bascule todos confirm ID --by LOGIN --reason "…"`: a person confirms a held plan.
struct ToDosConfirmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Confirme un plan retenu (tâche plan-held) avec une raison : la prochaine exécution applique ce plan-là, et lui seul.",
        discussion: """
            Décision du RUPN de l'établissement (--by IDENTIFIANT) ou du département (--departement, au nom de \
            l'utilisateur système qui lance la commande). La confirmation vaut pour le plan que la tâche montre \
            (son empreinte) : s'il a changé d'ici la prochaine exécution (un autre export, une échéance), il n'est \
            pas appliqué et la tâche reste. Consignée dans l'audit (confirm-plan), la raison aussi.
            """)

    @OptionGroup var options: DataOptions

    @Argument(help: "Numéro de la tâche (bascule todos).")
    var id: Int

    @Option(help: "Identifiant de la personne qui confirme (RUPN de l'établissement).")
    var by: String?

    @Flag(name: [.customLong("departement"), .customLong("department")], help: "Confirme au nom du département (l'utilisateur système est consigné).")
    var department = false

    @Option(help: "Pourquoi ce plan est voulu (une ligne, consignée dans l'audit).")
    var reason: String

    @Option(help: "Jour de la confirmation (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    func validate() throws {
        guard (by != nil) != department else { throw ValidationError("--by IDENTIFIANT ou --departement, l'un des deux.") }
        do { _ = try HeldPlanConfirmationService.checkedReason(reason) } catch { throw ValidationError("--reason : \(error)") }
    }

    func run() async throws {
        try await reportingErrors {
            let day = try date.orToday()
            let acting: Acting = by.map { .account($0) } ?? .authority(name: "département (\(PlanningService.defaultActor))", roles: [.department])
            do {
                let confirmation = try await options.withStore { store in
                    try await HeldPlanConfirmationService(store: store).confirm(todoID: id, by: acting, reason: reason, on: day)
                }
                say("Plan \(confirmation.planHash.prefix(12)) de \(confirmation.uai) confirmé par \(confirmation.confirmedBy) : la prochaine exécution (bascule run) l'applique s'il n'a pas changé.")
            } catch let error as ToDoError {
                warn(error.french)
                if case .unknownToDo = error { throw ExitCode(2) }
                throw ExitCode(4)
            }
        }
    }
}

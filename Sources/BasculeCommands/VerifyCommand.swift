import ArgumentParser
import BasculeApp
import BasculeCalendarFiles
import BasculeDomain
import BasculeLDAP
import BasculeStore
import Foundation

/// `bascule verify`: the September check of the memo, from the second week of September.
struct VerifyCommand: AsyncParsableCommand {
    /// Documented in README and docs/verification.md: scripts tell "something to fix" from a failure.
    static let findingsExitCode: Int32 = 6

    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Vérification de rentrée : chacun atteint-il ses classes et ses groupes, et ne reste-t-il rien de l'année passée ?",
        discussion: """
            Relit l'annuaire (l'annuaire LDAP quand bascule.yml le décrit, sinon l'annuaire intégré) et le
            compare aux derniers exports : chaque enseignant dans l'équipe des classes et groupes de ses
            services STS-Web, chaque élève dans sa classe et ses groupes, un compte actif pour chacun ; rien
            de l'an passé (membres de groupes quittés, groupes disparus, comptes de personnes parties après
            leur délai de grâce, entrées faites à la main). Chaque écart dit qui, quoi, depuis quand et la
            commande qui le corrige. Voir docs/verification.md.
            Codes de sortie : 0 aucun écart ; 6 écarts trouvés ; 2 données, configuration ou calendrier
            illisibles ; 3 base de données ; 5 annuaire injoignable.
            """)

    @OptionGroup var options: DataOptions

    @Option(name: [.customLong("uai"), .customLong("school")], help: "Seulement cet établissement (UAI).")
    var uai: UAI?

    @Option(help: "Date de la vérification (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    @Flag(help: "Le rapport en JSON (clés triées, écarts dans un ordre stable).")
    var json = false

    @Option(help: "Écrit aussi le rapport dans cette page HTML autonome.")
    var html: String?


    func run() async throws {
        try await spacesErrors {
            let day = try date.orToday()
            let calendars = CalendarStore(dataDirectory: options.data)
            // bascule.yml is read once: the directory to read back, and the spaces when it describes them.
            let configuration = try options.configuration
            let connector = try configuration?.connector()
            let spaces = try configuration.flatMap { c in
                try c.spacesSettings(dataDirectory: options.data).map { (settings: $0, firstNumber: c.firstPosixNumber) }
            }
            let reports = try await options.withStore { store in
                var reports: [VerificationReport] = []
                for school in try await schools(uai, in: store) {
                    let calendar = try calendars.calendar(for: SchoolCalendar.rolloverYear(for: day), school: school).calendar
                    if let start = calendar.verificationStart, day < start {
                        warn("Attention : le calendrier prévoit la vérification à partir du \(start.french) ; le \(day.french), la bascule n'est peut-être pas finie et des écarts peuvent encore être attendus.")
                    }
                    let service = VerificationService(store: store, policy: try options.policy, connector: connector, gate: options.calendarGate)
                    var observedSpaces: [ObservedSpace]?
                    if let spaces {
                        observedSpaces = try await SpacesService(store: store, settings: spaces.settings, firstPosixNumber: spaces.firstNumber)
                            .observedSpaces(uai: school)
                    }
                    reports.append(try await service.verify(
                        uai: school, date: day, deletionWindows: try deletionWindows(calendars, school, day, calendar),
                        approvalRequired: CalendarGate(calendar: calendar, on: day).approvalRequired,
                        spaces: observedSpaces, dataOption: dataOption, embeddedSource: embeddedSource))
                }
                return reports
            }
            if reports.isEmpty {
                warn("Aucun établissement : rien à vérifier ; importez d'abord des exports (bascule import).")
                throw ExitCode(2)
            }
            if let html {
                try VerificationPage.html(reports).write(toFile: html, atomically: true, encoding: .utf8)
            }
            if json {
                say(try renderJSON(reports))
            } else {
                say(reports.map(\.french).joined(separator: "\n\n"))
                if let html { say("Rapport HTML : \(html)") }
            }
            if reports.contains(where: { !$0.isClean }) { throw ExitCode(Self.findingsExitCode) }
        }
    }

    /// Per role, the last deletion window that has started: this rollover's when it has begun,
    /// else last year's (an account disabled then should be gone by now).
    func deletionWindows(_ calendars: CalendarStore, _ school: UAI, _ day: CivilDate, _ calendar: SchoolCalendar) throws -> [PersonKind: DayWindow] {
        var windows = calendar.startedDeletionWindows(on: day)
        if windows.count < 3 {
            let previous = try calendars.calendar(for: SchoolYear(startYear: calendar.year.startYear - 1), school: school).calendar
            windows.merge(previous.startedDeletionWindows(on: day)) { current, _ in current }
        }
        return windows
    }

    /// The data as the user named it, for the fixes to paste; never a database password.
    var dataOption: String {
        var parts: [String] = []
        if let database = options.database {
            if var url = URLComponents(string: database), url.password != nil {
                url.password = nil
                parts.append("--database \(url.string ?? "postgres://…")")
            } else {
                parts.append("--database \(database)")
            }
        } else {
            parts.append("--data \(options.data)")
        }
        if let config = options.config { parts.append("--config \(config)") }
        return parts.joined(separator: " ")
    }

    var embeddedSource: String {
        options.database == nil ? "annuaire intégré de Bascule (SQLite, \(options.data))" : "annuaire intégré de Bascule (PostgreSQL)"
    }
}

import BasculeDomain
import BasculeImport
import BasculeLDAP
import BasculeSpaces
import BasculeStore
import Foundation

/// What the daily run of a department needs besides the store: where the data and the dropped
/// exports are, the calendar, the policy, and the directory and spaces when they are configured.
public struct DailyRunSettings: Sendable {
    public var dataDirectory: String
    public var policy: PlanningPolicy
    /// A school's rollover calendar for a rollover year (`<data>/calendriers`, else the bundled one).
    public var calendar: @Sendable (UAI, SchoolYear) throws -> SchoolCalendar
    public var credentials: CredentialIssuer
    /// Connects to the real directory; nil without one.
    public var directory: (@Sendable () throws -> OpenLDAPConnector)?
    public var spaces: SpacesSettings?
    public var firstPosixNumber: Int
    public var auditRetentionMonths: Int
    /// Who acts, in the audit.
    public var actor: String

    public init(dataDirectory: String, policy: PlanningPolicy, calendar: @escaping @Sendable (UAI, SchoolYear) throws -> SchoolCalendar,
                credentials: CredentialIssuer, directory: (@Sendable () throws -> OpenLDAPConnector)? = nil, spaces: SpacesSettings? = nil,
                firstPosixNumber: Int = 100_000, auditRetentionMonths: Int = 12, actor: String = "bascule run") {
        self.dataDirectory = dataDirectory
        self.policy = policy
        self.calendar = calendar
        self.credentials = credentials
        self.directory = directory
        self.spaces = spaces
        self.firstPosixNumber = firstPosixNumber
        self.auditRetentionMonths = auditRetentionMonths
        self.actor = actor
    }

    /// Where exports are dropped for a school: `<data>/depot/<UAI>/`.
    public func dropFolder(_ uai: UAI) -> URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("depot").appendingPathComponent(uai.code)
    }
}

/// One school's day, as the daily run did it.
public struct DailyRunReport: Sendable, Codable {
    public var uai: UAI
    public var day: CivilDate
    /// Already done: a day is never run twice.
    public var skipped: Bool
    /// What was done, one line a step, in French.
    public var steps: [String]
    public var todos: [ToDo]
    /// The kinds of to-do this day looked for: an open one of these kinds it did not find again is closed.
    public var checked: [ToDo.Kind]
    /// Findings of the rentrée check run that day, if it ran.
    public var verificationFindings: Int?

    public var french: String {
        if skipped { return "\(uai) \(day) : \(steps.first ?? "déjà fait.")" }
        var lines = ["== \(uai) au \(day) =="] + steps.map { "  " + $0 }
        for t in todos { lines.append("  ✋ à faire (\(t.role.rawValue)) : \(t.reason.french)") }
        return lines.joined(separator: "\n")
    }
}

/// Bascule running by itself, one day at a time per school: the exports dropped for it are
/// imported, the day's plan applied when the calendar allows it and nothing in it needs a person,
/// the directory and the spaces brought to it, the clean-ups whose windows are open done, the
/// verification run from its date, the audit kept to its retention. What needs a person becomes
/// a to-do with its reason and who can act; it is never forced. A day is journaled: one done is
/// never run again, one a crash left unfinished is run again, each step finding what is left.
public struct DailyRunService: Sendable {
    public let store: Store
    public let settings: DailyRunSettings

    public init(store: Store, settings: DailyRunSettings) {
        self.store = store
        self.settings = settings
    }

    /// The days from the one after the last day done (at most `catchUpDays` back) to `day`, each
    /// run once, in order: a day the server missed is caught up.
    public func run(uai: UAI, through day: CivilDate, catchUpDays: Int = 31, now: @Sendable () -> Date = { Date() }) async throws -> [DailyRunReport] {
        let runs = try await store.dailyRuns(uai: uai)
        let done = runs.filter { $0.state == "done" }.map(\.day).max()
        // A school that never finished a day starts again from the first day it began (a run
        // that failed), not from today.
        let unfinished = runs.filter { $0.state != "done" }.map(\.day).min()
        // The journal only goes forward: a day before the last one done is never run after it (a
        // `--date` in the past by hand, the clock set back). Its plan, applied now, would undo what
        // the later days did (accounts created again, deletions not yet due by its date).
        if let done, day < done {
            return [DailyRunReport(uai: uai, day: day, skipped: true,
                                   steps: ["pas exécuté : antérieur au dernier jour fait (\(done)), le journal ne revient pas en arrière"],
                                   todos: [], checked: [])]
        }
        var first = day
        if let done, done < day {
            first = max(done.adding(days: 1), day.adding(days: -catchUpDays))
        } else if done == nil, let unfinished, unfinished < day {
            first = max(unfinished, day.adding(days: -catchUpDays))
        }
        var reports: [DailyRunReport] = []
        var current = first
        while current <= day {
            // Files dropped meanwhile are imported on the day run now, never dated back.
            reports.append(try await runDay(uai: uai, day: current, importDropped: current == day, now: now))
            current = current.adding(days: 1)
        }
        return reports
    }

    /// One day of one school.
    public func runDay(uai: UAI, day: CivilDate, importDropped: Bool = true, now: @Sendable () -> Date = { Date() }) async throws -> DailyRunReport {
        guard try await store.beginDailyRun(uai: uai, day: day, at: now()) else {
            return DailyRunReport(uai: uai, day: day, skipped: true, steps: [], todos: [], checked: [])
        }
        var steps: [String] = []
        var todos: [ToDo] = []
        var checked: Set<ToDo.Kind> = []
        var verified: Int?
        let calendar = try settings.calendar(uai, SchoolCalendar.rolloverYear(for: day))
        let gate = CalendarGate(calendar: calendar, on: day)

        // 1. Exports dropped for the school.
        if importDropped, try await self.importDropped(uai: uai, day: day, steps: &steps, todos: &todos) { checked.insert(.importRefused) }

        // 2. The day's plan, applied when nothing in it needs a person.
        let planning = PlanningService(store: store, policy: settings.policy, credentials: settings.credentials,
                                       gate: { _, _ in gate })
        if try await planning.roster(uai: uai) != nil {
            let hashed = try await planning.plan(uai: uai, date: day)
            let plan = hashed.plan
            checked.formUnion([.renamesProposed, .approvalNeeded, .planHeld])
            if plan.summary.renamesProposed > 0 {
                let logins = plan.actions.filter { $0.kind == .proposeRename }.compactMap(\.login)
                todos.append(ToDo(kind: .renamesProposed, role: .rupn, uai: uai, reason: Reason(
                    "\(logins.count) renommage(s) proposé(s) à accepter ou refuser (bascule accounts rename) : \(logins.joined(separator: ", "))",
                    "\(logins.count) proposed renames to accept or decline: \(logins.joined(separator: ", "))")))
            }
            let waiting = plan.deletions.filter(\.awaitsApproval).map(\.login)
            if !waiting.isEmpty {
                todos.append(ToDo(kind: .approvalNeeded, role: .direction, uai: uai, reason: Reason(
                    "départ de \(waiting.count) ancien(s) personnel(s) à valider (bascule departures approve) : \(waiting.joined(separator: ", "))",
                    "departure of \(waiting.count) former staff to approve: \(waiting.joined(separator: ", "))")))
            }
            if !plan.changesDirectory {
                steps.append("plan : rien à changer")
            } else if let why = plan.deferred {
                steps.append("plan \(hashed.hash.prefix(12)) gardé : \(why.french)")
            } else if plan.safety.needsConfirmation {
                // Held until a person confirms exactly this plan (`bascule todos confirm`); a
                // confirmation of a plan that changed since is not this one's.
                let held = PlanningService.heldPlanHash(plan)
                let confirmations = try await store.pendingConfirmations(uai: uai)
                if let confirmation = confirmations.first(where: { $0.planHash == held }) {
                    let applied = try await planning.apply(uai: uai, date: day, expectedHash: hashed.hash, allowMassChange: true,
                                                           reason: confirmation.reason,
                                                           actor: "\(settings.actor), confirmé par \(confirmation.confirmedBy)")
                    try await store.markConfirmationApplied(todoID: confirmation.todoID, planHash: held, on: day)
                    let s = applied.plan.summary
                    steps.append("plan \(applied.hash.prefix(12)) appliqué sur confirmation de \(confirmation.confirmedBy) (tâche n° \(confirmation.todoID), raison : \(confirmation.reason)) : \(s.accountsCreated) créé(s), \(s.accountsLeaving) partant(s), \(s.accountsDisabled) désactivé(s), \(s.accountsDeleted) supprimé(s), groupes +\(s.groupsCreated) −\(s.groupsDeleted)")
                } else {
                    for stale in confirmations {
                        steps.append("confirmation de \(stale.confirmedBy) (tâche n° \(stale.todoID)) pour le plan \(stale.planHash.prefix(12)) : le plan a changé depuis (\(held.prefix(12))), il n'est pas appliqué")
                    }
                    steps.append("plan \(hashed.hash.prefix(12)) retenu : hors de l'ordinaire")
                    todos.append(ToDo(kind: .planHeld, role: .rupn, uai: uai, reason: Reason(
                        "plan retenu, hors de l'ordinaire : " + plan.safety.reasons.map(\.french).joined(separator: " ; ")
                            + " ; à confirmer avec une raison par le RUPN ou le département (bascule todos confirm) ou à corriger dans les exports",
                        "plan held, out of the ordinary: " + plan.safety.reasons.map(\.english).joined(separator: "; ")
                            + "; to be confirmed with a reason by the RUPN or the department (bascule todos confirm) or fixed in the exports"),
                        planHash: held))
                }
            } else {
                let applied = try await planning.apply(uai: uai, date: day, expectedHash: hashed.hash, allowMassChange: false, actor: settings.actor)
                let s = applied.plan.summary
                steps.append("plan \(applied.hash.prefix(12)) appliqué : \(s.accountsCreated) créé(s), \(s.accountsLeaving) partant(s), \(s.accountsDisabled) désactivé(s), \(s.accountsDeleted) supprimé(s), groupes +\(s.groupsCreated) −\(s.groupsDeleted)")
            }
        }

        // 3. The directory, then the spaces, follow the embedded directory (also finishing a run
        // cut short); the spaces of groups gone wait for the department's clean-up window.
        if (settings.directory != nil || settings.spaces != nil), try await planning.roster(uai: uai) != nil {
            let following = try? settings.calendar(uai, SchoolYear(startYear: calendar.year.startYear + 1))
            let outcome = try await TargetsSync(store: store, directory: settings.directory, spaces: settings.spaces,
                                                firstPosixNumber: settings.firstPosixNumber)
                .sync(uai: uai, day: day, removals: SharedSpaceRemovals(calendar: calendar, following: following, on: day),
                      actor: settings.actor)
            if settings.directory != nil {
                checked.insert(.directoryFailed)
                if let report = outcome.directory {
                    steps.append("annuaire : \(report.operations.count) opération(s), \(report.failures.count) échec(s)")
                    if !report.failures.isEmpty {
                        todos.append(ToDo(kind: .directoryFailed, role: .department, uai: uai, reason: Reason(
                            "\(report.failures.count) opération(s) refusée(s) par l'annuaire : " + report.failures.prefix(3).map { "\($0.operation) \($0.dn) (\($0.error))" }.joined(separator: " ; "),
                            "\(report.failures.count) operations refused by the directory")))
                    }
                }
                switch outcome.directoryError {
                case let refusal as SyncRefusal:
                    steps.append("annuaire : synchronisation refusée")
                    todos.append(ToDo(kind: .directoryFailed, role: .department, uai: uai, reason: Reason(refusal.french, refusal.description)))
                case let error as LDAPError:
                    steps.append("annuaire injoignable")
                    todos.append(ToDo(kind: .directoryFailed, role: .department, uai: uai, reason: Reason(
                        "annuaire injoignable : \(error.french) ; l'annuaire intégré est appliqué, la prochaine exécution reprendra",
                        "directory unreachable: \(error)")))
                default:
                    break
                }
            }
            if let spaces = settings.spaces {
                checked.insert(.spacesFailed)
                var failures = outcome.spaces?.failures.map { "\($0.operation) \($0.path)" } ?? []
                do {
                    let cleaned = try await SpacesService(store: store, settings: spaces, firstPosixNumber: settings.firstPosixNumber)
                        .clean(uai: uai, date: day, calendar: calendar, following: following, actor: settings.actor)
                    failures += cleaned.failures.map { "\($0.operation) \($0.path)" }
                    steps.append("espaces : \(outcome.spaces?.operations.count ?? 0) opération(s), \(cleaned.emptied.count) vidé(s), \(cleaned.purged.count) archive(s) purgée(s)")
                } catch let error as SpacesError {
                    failures.append(error.french)
                }
                switch outcome.spacesError {
                case let refusal as SyncRefusal:
                    steps.append("espaces : synchronisation refusée")
                    todos.append(ToDo(kind: .spacesFailed, role: .department, uai: uai, reason: Reason(refusal.french, refusal.description)))
                case let error as SpacesError:
                    failures.append(error.french)
                default:
                    break
                }
                if !failures.isEmpty {
                    todos.append(ToDo(kind: .spacesFailed, role: .department, uai: uai, reason: Reason(
                        "\(failures.count) opération(s) sur les espaces en échec : " + failures.prefix(3).joined(separator: " ; "),
                        "\(failures.count) operations on the spaces failed")))
                }
            }
        }

        // 4. Old import files, in the calendar's window.
        if calendar.entries.contains(where: { $0.kind == .cleanup && $0.id.contains("import") && $0.isInForce(on: day) }) {
            let archive = ImportFileArchive(dataDirectory: settings.dataDirectory)
            let old = ImportFileArchive.old(try archive.list()).filter { $0.uai == uai.code }
            if !old.isEmpty {
                let removed = try await archive.purge(old, store: store, actor: settings.actor,
                                                      reason: "période de nettoyage du calendrier \(calendar.year) (exécution quotidienne)")
                steps.append("anciennes copies d'exports supprimées : \(removed.count)")
            }
        }

        // 5. The rentrée check, from its date: until it finds nothing, then no more this school year.
        if let start = calendar.verificationStart, day >= start, try await planning.roster(uai: uai) != nil {
            let decoder = JSONDecoder()
            let last = try await store.dailyRuns(uai: uai).filter { $0.state == "done" && $0.day >= start && $0.day < day }
                .compactMap { r in r.summary.flatMap { try? decoder.decode(DailyRunReport.self, from: Data($0.utf8)) }?.verificationFindings }.last
            if last != 0 {
                let report = try await VerificationService(store: store, policy: settings.policy,
                                                           connector: try settings.directory?(), gate: { _, _ in gate })
                    .verify(uai: uai, date: day, deletionWindows: gate.deletionWindows, approvalRequired: gate.approvalRequired,
                            dataOption: "--data \(settings.dataDirectory)")
                verified = report.findings.count
                checked.insert(.verificationFindings)
                steps.append("vérification de rentrée : \(report.findings.count) écart(s)")
                if !report.isClean {
                    let kinds = Dictionary(grouping: report.findings, by: \.kind).map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
                    todos.append(ToDo(kind: .verificationFindings, role: .rupn, uai: uai, reason: Reason(
                        "vérification de rentrée : \(report.findings.count) écart(s) (\(kinds.joined(separator: ", "))) ; bascule verify les détaille",
                        "rentrée check: \(report.findings.count) findings")))
                }
            }
        }

        // 6. The audit log, kept to its retention.
        let purged = try await AuditRetention(store: store, months: settings.auditRetentionMonths,
                                              burntLoginYears: settings.policy.burntLoginYears)
            .purge(uai: uai, on: day, actor: settings.actor, now: now())
        if purged.purged > 0 { steps.append("journal d'audit : \(purged.purged) entrée(s) purgée(s)") }

        // The day ran to its end: a failure the scheduler recorded for this school is over.
        checked.insert(.runFailed)
        let report = DailyRunReport(uai: uai, day: day, skipped: false, steps: steps, todos: todos,
                                    checked: ToDo.Kind.allCases.filter(checked.contains), verificationFindings: verified)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await store.finishDailyRun(uai: uai, day: day, summary: String(decoding: try encoder.encode(report), as: UTF8.self),
                                       todos: todos, checked: Set(report.checked), at: now())
        return report
    }

    /// Imports the files dropped in `<data>/depot/<UAI>/` as one import; they are removed once
    /// stored (Bascule keeps its own copy), moved to `refuses/<day>/` with a to-do when refused.
    /// - Returns: whether files were dropped (and the import's to-do looked for).
    func importDropped(uai: UAI, day: CivilDate, steps: inout [String], todos: inout [ToDo]) async throws -> Bool {
        let folder = settings.dropFolder(uai)
        let fm = FileManager.default
        let dropped = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).filter { name in
            let lower = name.lowercased()
            return (lower.hasSuffix(".xml") || lower.hasSuffix(".zip")) && !name.hasPrefix(".")
        }.sorted()
        guard !dropped.isEmpty else { return false }
        // The drop folder is written by another account (the academy's tool): only plain files
        // are read. A link would have the service (which may read any file, CAP_DAC_READ_SEARCH)
        // import what it points to (another school's folder, the sheets' key); a FIFO or a link
        // to /dev/zero would hold the day, and the folder's lock, for ever. Those are set aside.
        // Each plain file is copied to a folder of the service's own through one open file (see
        // DropFolderFile), and imported from there: what is read is what was checked.
        // One day at a time holds the data folder (DailyRunLock): a name per school is enough, and
        // what a killed run left there is cleared first.
        let staging = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent(".depot-en-lecture-\(uai.code)")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(at: staging) }
        var names: [String] = []
        var strange: [String] = []
        for name in dropped {
            switch DropFolderFile.copy(folder.appendingPathComponent(name).path, to: staging.appendingPathComponent(name).path) {
            case .copied: names.append(name)
            case .directory, .vanished: continue
            case .notPlain: strange.append(name)
            }
        }
        if !strange.isEmpty {
            let refused = folder.appendingPathComponent("refuses").appendingPathComponent(day.description)
            try fm.createDirectory(at: refused, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for name in strange { try? fm.moveItem(at: folder.appendingPathComponent(name), to: refused.appendingPathComponent(name)) }
            steps.append("dépôt : \(strange.count) entrée(s) qui ne sont pas des fichiers ordinaires mises de côté")
            todos.append(ToDo(kind: .importRefused, role: .rupn, uai: uai, reason: Reason(
                "dépôt du \(day) : \(strange.joined(separator: ", ")) n'est pas un fichier ordinaire (lien symbolique, tube…), pas lu ; mis de côté dans depot/\(uai.code)/refuses/\(day)",
                "drop of \(day): \(strange.joined(separator: ", ")) is not a plain file (symbolic link, FIFO…), not read")))
        }
        guard !names.isEmpty else { return !strange.isEmpty }
        let files = names.map { folder.appendingPathComponent($0) }
        var service = ImportService(store: store, today: day)
        service.archive = ImportFileArchive(dataDirectory: settings.dataDirectory)
        do {
            let summary = try await service.importFiles(names.map { staging.appendingPathComponent($0) }, school: uai)
            let stored = summary.files.filter { !$0.alreadyImported }.count
            steps.append("dépôt : \(names.count) fichier(s), \(stored) importé(s)")
            for f in files { try? fm.removeItem(at: f) }
        } catch let error as ImportError {
            let refused = folder.appendingPathComponent("refuses").appendingPathComponent(day.description)
            try fm.createDirectory(at: refused, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for f in files { try? fm.moveItem(at: f, to: refused.appendingPathComponent(f.lastPathComponent)) }
            steps.append("dépôt : import refusé")
            todos.append(ToDo(kind: .importRefused, role: .rupn, uai: uai, reason: Reason(
                "import du \(day) refusé, rien n'a été enregistré : \(error.french) ; fichiers mis de côté dans depot/\(uai.code)/refuses/\(day)",
                "import of \(day) refused, nothing stored: \(error)")))
        }
        return true
    }
}

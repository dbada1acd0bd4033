import ArgumentParser
import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeSpaces
import BasculeStore
import Foundation

/// Which schools a command acts on: the one named, or every school with imports.
func schools(_ school: UAI?, in store: Store) async throws -> [UAI] {
    if let school { return [school] }
    return try await store.schools()
}

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Montre ce que la bascule changerait, action par action et avec sa raison, sans rien modifier.",
        discussion: """
            Le plan est calculé à partir des derniers exports importés et de l'annuaire, pour la date donnée
            (par défaut aujourd'hui). Il est identifié par une empreinte : « bascule apply --plan EMPREINTE »
            applique exactement ce plan, et refuse s'il a changé entre-temps.
            """)

    @OptionGroup var options: DataOptions

    @Option(help: "Date du plan (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    @Option(help: "Seulement cet établissement (UAI).")
    var school: UAI?

    @Flag(help: "Le plan en JSON.")
    var json = false

    @OptionGroup var policy: PolicyOptions

    func run() async throws {
        try await reportingErrors {
            let day = try date.orToday()
            let plans = try await options.withStore { store in
                var plans: [HashedPlan] = []
                for uai in try await schools(school, in: store) {
                    let hashed = try await PlanningService(store: store, policy: try policy.policy(options), gate: options.calendarGate)
                        .plan(uai: uai, date: day)
                    try await store.savePlan(hash: hashed.hash, uai: uai, date: day, body: hashed.json, at: Date())
                    plans.append(hashed)
                }
                return plans
            }
            if json {
                say(try renderJSON(plans.map(PlanOutput.init)))
                return
            }
            if plans.isEmpty { say("Aucun établissement : importez d'abord des exports (bascule import).") }
            for p in plans { say(PlanOutput(p).french) }
        }
    }
}

/// A plan as printed: the plan's own fields plus its hash.
struct PlanOutput: Encodable {
    let hash: String
    let uai: UAI
    let date: CivilDate
    let summary: PlanSummary
    let safety: PlanSafety
    let deferred: Reason?
    let access: [CalendarOutput.Access]
    let actions: [PlanAction]
    /// Accounts of people who left that later plans delete, and when (outside the hash).
    let deletions: [DeletionForecast]

    private let plan: Plan

    enum CodingKeys: String, CodingKey { case hash, uai, date, summary, safety, deferred, access, actions, deletions }

    init(_ h: HashedPlan) {
        plan = h.plan
        access = h.plan.access.map(CalendarOutput.Access.init)
        hash = h.hash
        uai = h.plan.uai
        date = h.plan.date
        summary = h.plan.summary
        safety = h.plan.safety
        deferred = h.plan.deferred
        actions = h.plan.actions
        deletions = h.plan.deletions
    }

    var french: String {
        let s = summary
        var out = ["== Plan de \(uai) au \(date) — empreinte \(hash.prefix(12)) ==",
                   "comptes : \(s.accountsCreated) créé(s), \(s.accountsReactivated) réactivé(s), \(s.accountsUpdated) mis à jour, \(s.accountsLeaving) partant(s), \(s.accountsDisabled) désactivé(s), \(s.accountsDeleted) supprimé(s), \(s.renamesProposed) renommage(s) proposé(s)",
                   "groupes : \(s.groupsCreated) créé(s), \(s.groupsDeleted) supprimé(s) ; appartenances : +\(s.membershipsAdded) −\(s.membershipsRemoved)"]
        if let deferred { out.append("⏸ \(deferred.french)") }
        for n in plan.access { out.append("\(n.isOpen ? "🔓" : "🔒") \(n.reason.french)") }
        for r in safety.reasons { out.append("⚠ \(r.french)") }
        if actions.isEmpty { out.append("Rien à changer.") }
        var current: PlanAction.Kind?
        for a in actions {
            if a.kind != current {
                current = a.kind
                out.append("-- \(a.kind.rawValue) (\(actions.filter { $0.kind == a.kind }.count))")
            }
            out.append("  " + a.french)
        }
        return (out + Self.deadlines(deletions)).joined(separator: "\n")
    }

    /// The deletions to come, by day: when each window closes and whom it deletes, and the legal
    /// limit of the others.
    static func deadlines(_ deletions: [DeletionForecast]) -> [String] {
        guard !deletions.isEmpty else { return [] }
        var out = ["-- suppressions à venir (\(deletions.count))"]
        let waiting = deletions.filter(\.awaitsApproval)
        if !waiting.isEmpty {
            out.append("  ⏳ attendent la validation de l'établissement (bascule departures approve) : " + waiting.map(\.login).joined(separator: ", "))
        }
        for (day, group) in Dictionary(grouping: deletions, by: \.deleteOn).sorted(by: { $0.key < $1.key }) {
            let byWindow = group.filter { $0.rule == "window" }
            if let window = byWindow.first?.window {
                out.append("  le \(day) (période de suppression du \(window.from?.description ?? "…") au \(window.until?.description ?? "…"), fermée après le \(window.until?.description ?? "…")) : " + byWindow.map(\.login).joined(separator: ", "))
            }
            let byLaw = group.filter { $0.rule != "window" }
            if !byLaw.isEmpty {
                out.append("  le \(day) au plus tard (trois mois après le départ) : " + byLaw.map { "\($0.login) (parti·e le \($0.departure))" }.joined(separator: ", "))
            }
        }
        return out
    }
}

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Applique le plan du jour à l'annuaire intégré, en une seule transaction.",
        discussion: """
            Sans --yes, demande confirmation sur un terminal (et refuse hors terminal). Un plan hors de
            l'ordinaire (export beaucoup plus petit que le précédent, trop de comptes désactivés ou supprimés)
            est refusé sans --allow-mass-change --reason "…".
            """)

    @OptionGroup var options: DataOptions

    @Option(help: "Date du plan (AAAA-MM-JJ), par défaut aujourd'hui.")
    var date: DateOption?

    @Option(help: "Seulement cet établissement (UAI).")
    var school: UAI?

    @Option(help: "Empreinte du plan montré par « bascule plan » : refuse s'il a changé depuis.")
    var plan: String?

    @Flag(help: "Applique sans demander confirmation.")
    var yes = false

    @Flag(help: "Accepte un plan hors de l'ordinaire (avec --reason).")
    var allowMassChange = false

    @Option(help: "Pourquoi un plan hors de l'ordinaire est accepté.")
    var reason: String?

    @Option(help: "Coût du hachage des mots de passe provisoires (tours PBKDF2-SHA256, au moins 1000 ; voir docs/mots-de-passe.md).")
    var passwordRounds: Int = PasswordHasher.temporaryRounds

    @OptionGroup var policy: PolicyOptions

    /// The embedded directory is applied; its targets, when configured, follow at once
    /// (`TargetsSync`): the real directory, then the spaces. If the directory cannot be reached,
    /// the plan stays applied and `bascule directory sync` finishes later; the spaces follow all
    /// the same, and the directory's failure is reported once they are done.
    func pushToTargets(store: Store, uai: UAI, day: CivilDate) async throws {
        guard let configuration = try options.configuration else { return }
        var directory: (@Sendable () throws -> OpenLDAPConnector)?
        if configuration.annuaire != nil {
            directory = { @Sendable () throws -> OpenLDAPConnector in
                guard let connector = try configuration.connector() else { throw ConfigurationError.invalid("annuaire") }
                return connector
            }
        }
        let spaces = try configuration.spacesSettings(dataDirectory: options.data)
        guard directory != nil || spaces != nil else { return }
        let outcome = try await TargetsSync(store: store, directory: directory, spaces: spaces, firstPosixNumber: configuration.firstPosixNumber)
            .sync(uai: uai, day: day, removals: spaces == nil ? .held : try options.sharedSpaceRemovals(uai: uai, on: day), deletions: deletions)
        if let report = outcome.directory { say(report.french) }
        if let report = outcome.spaces { say(report.french) }
        var code: Int32?
        switch outcome.spacesError {
        case let error as SpacesError:
            warn(error.french + "\nLe plan est appliqué ; relancez « bascule spaces sync » une fois le problème réglé.")
            code = SpacesCommand.failureCode
        case let refusal as SyncRefusal:
            warn(refusal.french + "\nLe plan est appliqué à l'annuaire intégré ; les espaces n'ont pas été modifiés (bascule spaces sync).")
            code = 4
        default:
            if outcome.spacesFailed { code = SpacesCommand.failureCode }
        }
        switch outcome.directoryError {
        case let error as LDAPError:
            warn(error.french + "\nLe plan est appliqué à l'annuaire intégré ; relancez « bascule directory sync » quand l'annuaire répond.")
            code = 5
        case let refusal as SyncRefusal:
            warn(refusal.french + "\nLe plan est appliqué à l'annuaire intégré ; l'annuaire réel n'a pas été modifié (bascule directory sync).")
            code = 4
        default:
            if outcome.directoryFailed { code = 5 }
        }
        if let code { throw ExitCode(code) }
    }

    /// The syncs' mass-change guard takes the plan's confirmation: `--allow-mass-change --reason`
    /// given to apply also lets its syncs remove what no applied plan decided.
    var deletions: SyncDeletionGuard { SyncDeletionGuard(allowMassChange: allowMassChange, reason: reason) }

    func validate() throws {
        if passwordRounds < PasswordHasher.temporaryRounds {
            throw ValidationError("--password-rounds : au moins \(PasswordHasher.temporaryRounds).")
        }
        if allowMassChange && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--allow-mass-change demande --reason \"…\".")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let day = try date.orToday()
            try RunCommand.refuseFuture(day, because: """
                Un plan appliqué en avance supprimerait les comptes dont la date n'est pas venue. \
                Pour voir ce qu'il ferait : bascule plan --date \(day).
                """, english: "a plan is never applied ahead of its date")
            let held = try options.holdingDataFolder()
            defer { withExtendedLifetime(held) {} }
            try await options.withStore { store in
                // Once the store is found: a wrong --data must not leave a new key behind.
                let issuer = CredentialIssuer(hasher: PasswordHasher(rounds: passwordRounds), vault: try SheetVault(dataDirectory: options.data))
                let service = PlanningService(store: store, policy: try policy.policy(options), credentials: issuer, gate: options.calendarGate)
                for uai in try await schools(school, in: store) {
                    if !yes {
                        let preview = try await service.plan(uai: uai, date: day)
                        say(PlanOutput(preview).french)
                        guard isatty(STDIN_FILENO) == 1 else {
                            warn("Confirmation impossible hors terminal : relancez avec --yes.")
                            throw ExitCode(1)
                        }
                        FileHandle.standardError.write(Data("Appliquer ce plan ? (oui/non) ".utf8))
                        guard let answer = Swift.readLine(), ["o", "oui", "y", "yes"].contains(answer.lowercased()) else {
                            warn("Rien n'a été appliqué.")
                            throw ExitCode(1)
                        }
                    }
                    do {
                        let applied = try await service.apply(uai: uai, date: day, expectedHash: plan,
                                                              allowMassChange: allowMassChange, reason: reason)
                        let s = applied.plan.summary
                        let pending = s.renamesProposed > 0
                            ? " \(s.renamesProposed) renommage(s) proposé(s) en attente d'une décision : bascule accounts rename --uai \(uai) IDENTIFIANT --accept|--decline."
                            : ""
                        if !applied.plan.changesDirectory {
                            say("\(uai) : rien à changer, l'annuaire est à jour." + pending)
                            // A directory run interrupted earlier is finished even when the plan is empty.
                            try await pushToTargets(store: store, uai: uai, day: day)
                            continue
                        }
                        say("Plan \(applied.hash.prefix(12)) appliqué à \(uai) : \(s.accountsCreated) compte(s) créé(s), \(s.accountsLeaving) partant(s), \(s.accountsDisabled) désactivé(s), \(s.accountsDeleted) supprimé(s), \(s.groupsCreated) groupe(s) créé(s), \(s.groupsDeleted) supprimé(s)." + pending)
                        try await pushToTargets(store: store, uai: uai, day: day)
                    } catch let refusal as ApplyRefusal {
                        warn(refusal.french)
                        throw ExitCode(4)
                    }
                }
            }
        }
    }
}

struct AccountsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Liste les comptes gérés par Bascule tels qu'ils sont appliqués (statut, classe, groupes de l'annuaire) ; c'est aussi « bascule accounts » seul.")

    @OptionGroup var options: DataOptions

    @Option(help: "Seulement cet établissement (UAI).")
    var school: UAI?

    @Flag(help: "Un tableau JSON, un objet par compte.")
    var json = false

    struct Row: Encodable {
        let uai: UAI
        let kind: PersonKind
        let sourceId: String
        let firstName: String
        let lastName: String
        let division: String?
        let groups: [String]
        let login: String
        let entLogin: String
        let status: AccountStatus
        let statusSince: CivilDate
        let protected: Bool
    }

    func run() async throws {
        try await reportingErrors {
            let rows = try await options.withStore { store in
                var rows: [Row] = []
                let people = Dictionary(try await PeopleQuery(store: store).people(uai: school).map { ($0.id, $0) },
                                        uniquingKeysWith: { a, _ in a })
                for uai in try await schools(school, in: store) {
                    // What is applied, not what the newest import says: a pending change is the plan's to show.
                    let state = try await store.directoryState(uai: uai)
                    var division: [String: String] = [:], groups: [String: [String]] = [:]
                    for g in state.groups.sorted(by: { $0.name < $1.name }) {
                        for login in g.members {
                            switch g.kind {
                            case .division: division[login] = g.name
                            case .group: groups[login, default: []].append(g.name)
                            default: break
                            }
                        }
                    }
                    for a in state.accounts {
                        let p = people[a.personID]
                        rows.append(Row(uai: uai, kind: a.kind, sourceId: p?.sourceId ?? "", firstName: a.name.firstName,
                                        lastName: a.name.displayFamilyName, division: division[a.login], groups: groups[a.login] ?? [],
                                        login: a.login, entLogin: a.entLogin, status: a.status, statusSince: a.statusSince,
                                        protected: a.protected))
                    }
                }
                return rows
            }
            if json { say(try renderJSON(rows)); return }
            if rows.isEmpty { say("Aucun compte : calculez puis appliquez un plan (bascule plan, bascule apply).") }
            for r in rows {
                say("\(r.uai)  \(r.login.padding(toLength: 16, withPad: " ", startingAt: 0)) \(r.entLogin.padding(toLength: 18, withPad: " ", startingAt: 0)) \(r.lastName.uppercased()) \(r.firstName)  \(r.division ?? "")  (\(r.status.rawValue) depuis le \(r.statusSince))\(r.protected ? " [protégé]" : "")")
            }
        }
    }
}
